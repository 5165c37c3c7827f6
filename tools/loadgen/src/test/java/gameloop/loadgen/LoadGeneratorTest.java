package gameloop.loadgen;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.GameServer;
import gameloop.shared.ServerSettings;
import gameloop.testkit.Threads;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The tool against a real in-process server: does it count what the server did? Each test runs
 * one short load test (a second or so) with a short tick, against its own server on a free port.
 */
class LoadGeneratorTest {

    private static final Duration TICK = Duration.ofMillis(25);
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path out;

    private GameServer server;
    private TestGame game;

    private void startServer(Duration tick, boolean numbered) throws Exception {
        AtomicReference<TestGame> created = new AtomicReference<>();
        server = GameServer.start(ServerSettings.forTest("loadgen-test", tick), context -> {
            created.set(new TestGame(context, numbered));
            return created.get();
        });
        game = created.get();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private LoadOptions options(int clients, Duration duration, Duration keyPeriod, Transport.Kind client) {
        return new LoadOptions(server.webSocketUri(), clients, duration, Duration.ZERO, keyPeriod, null, 10, out, client);
    }

    @ParameterizedTest
    @EnumSource(Transport.Kind.class)
    void countsEveryTickAndEchoesEveryKey(Transport.Kind client) throws Exception {
        startServer(TICK, true);
        LoadGenerator generator = new LoadGenerator(options(20, Duration.ofMillis(1500), Duration.ofMillis(100), client), QUIET);
        long ticksBefore = game.tickNumber();

        Results r = generator.run();

        assertEquals(20, r.clients().connected());
        assertEquals(0, r.clients().connectFailures());
        assertEquals(0, r.clients().lostDuringRun());
        assertEquals(Results.NominalSource.SERVER, r.run().nominalSource(), "the tick period comes from /info");
        assertEquals(TICK.toMillis(), r.run().nominalTickMs());
        assertTrue(r.run().numbered());

        // Every client counted the window's ticks, each number once and none skipped, and every
        // one of them reached all 20 clients owed it (the last to be listed may rightly not be
        // owed the first tick or two: LoadClient.wasOwed). How many fall in the window is the
        // clock's business, not the tool's: a pause of the whole machine near the window's end (a
        // collection, a busy host) moves the ticks due meanwhile out of it, so their number is only
        // bounded loosely here, by what the server sent during the run; the window's length is
        // linesUpTicksThatCarryNoNumberByArrivalTime's to check.
        long windowTicks = r.ticks().fanOut().count();
        long sentMeanwhile = game.tickNumber() - ticksBefore;
        assertTrue(r.ticks().perClient().min() >= windowTicks - 2, () -> "a client counted fewer: " + r.ticks());
        assertTrue(r.ticks().perClient().max() <= windowTicks, () -> "a client counted more: " + r.ticks());
        assertEquals(0, r.ticks().notReachingEveryone(), () -> "ticks that missed a client: " + r.ticks());
        assertEquals(0, r.ticks().missed(), "a fixed-rate loop skips no number");
        assertEquals(0, r.ticks().outOfOrder());
        assertTrue(windowTicks >= r.ticks().expectedPerClient() / 3, () -> "too few ticks to prove anything: " + r.ticks());
        assertTrue(windowTicks <= sentMeanwhile, () -> "more than the " + sentMeanwhile + " ticks sent: " + r.ticks());

        long expectedPresses = 20 * 1500 / 100;
        assertTrue(r.echo().pressed() >= expectedPresses * 0.8, () -> "too few presses: " + r.echo());
        assertEquals(r.echo().pressed(), r.echo().echoed(), () -> "every key press is echoed: " + r.echo());
        assertEquals(r.echo().echoed(), r.echo().roundTrip().count());
        // Each press of the window says how late it went; most go when due (a press given a due
        // time off by its place in the stagger would be up to a key period "late").
        assertEquals(r.echo().pressed(), r.echo().sentLate().count());
        assertTrue(r.echo().sentLate().p50() < 25, () -> "presses sent late: " + r.echo().sentLate());
        assertEquals(0, r.echo().unmatched());
        // A probe every 10 ms to each reading thread, through the 1.5 s window; Jetty's client has none.
        long probes = r.readingDelay().count();
        assertTrue(client == Transport.Kind.NIO ? probes >= 50 : probes == 0, () -> client + ": " + probes + " probes");
        if (client == Transport.Kind.NIO) {
            // Recorded in microseconds, read in milliseconds: a probe waits for a wakeup and a
            // round of reads: at 20 clients, a median of some microseconds, never nothing nor 50 ms.
            double p50 = r.readingDelay().p50();
            assertTrue(p50 > 0 && p50 < 50, () -> "reading delay p50 " + p50 + " ms: " + r.readingDelay());
        }

        Threads.assertNoneLeft(generator.threadNamePrefix(), Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @EnumSource(Transport.Kind.class)
    void reportsExactlyOneMissedTickPerClientWhenTheServerSkipsOne(Transport.Kind client) throws Exception {
        startServer(TICK, true);
        int clients = 10;
        // A 2 s window: the gap must open, and reach every client, before it closes, on a busy machine too.
        Results r = runAndMeanwhile(clients, Duration.ofMillis(2000), client, game::skipOneTickNumber);

        assertEquals(clients, r.clients().connected());
        assertEquals(clients, r.ticks().missed(), () -> "one per client: " + r.ticks());
        assertEquals(clients, r.ticks().clientsWithMisses());
        assertEquals(1, r.ticks().missedPerClient().min());
        assertEquals(1, r.ticks().missedPerClient().max());
    }

    @Test
    void countsTicksAClientStopsGettingAsMissedThoughItsNumbersHaveNoGap() throws Exception {
        startServer(TICK, true);
        int clients = 10;
        // Half the clients stay connected but get no tick after this: the ticks they did get
        // follow on with no gap, and only the ticks the others got show what they missed.
        Results r = runAndMeanwhile(clients, Duration.ofMillis(2000), Transport.Kind.NIO, game::muteHalfThePlayers);

        assertEquals(clients, r.clients().connected());
        assertEquals(0, r.clients().lostDuringRun());
        assertEquals(clients / 2, r.ticks().clientsWithMisses(), () -> "the muted half: " + r.ticks());
        assertEquals(0, r.ticks().missedPerClient().min(), () -> "the others miss nothing: " + r.ticks());
        double expected = r.ticks().expectedPerClient();
        assertTrue(r.ticks().missedPerClient().max() >= expected / 2, () -> "the muted clients missed at least half the window's ticks: " + r.ticks());
    }

    @ParameterizedTest
    @EnumSource(Transport.Kind.class)
    void saysWhyAConnectionWasLost(Transport.Kind client) throws Exception {
        startServer(TICK, true);
        Results r = runAndMeanwhile(4, Duration.ofMillis(2000), client, () -> game.closeOnePlayer(4000, "kicked by the test"));

        assertEquals(1, r.clients().lostDuringRun());
        assertNotNull(r.clients().firstLoss());
        assertTrue(r.clients().firstLoss().contains("4000 kicked by the test"), r.clients().firstLoss());
        assertTrue(Report.table(r).contains("ended so: "), Report.table(r));
        assertTrue(Report.markdownRow(r).contains("| 4 (0, **1 lost**) |"), Report.markdownRow(r));
    }

    @Test
    void warnsWhenEchoesComeSoLateThatTheirKeyComesRoundAgain() throws Exception {
        startServer(TICK, true);
        game.delayEchoes(Duration.ofMillis(700));

        // 26 keys, one every 20 ms, come round in 520 ms, before an echo 700 ms late arrives: each
        // key's first press is overtaken by its second. From then on each late echo is taken for
        // the newer press, and its round trip looks like 180 ms: what the report's warning is about.
        Results r = new LoadGenerator(options(2, Duration.ofMillis(1500), Duration.ofMillis(20), Transport.Kind.NIO), QUIET).run();

        assertTrue(r.echo().overtaken() > 0, () -> "overtaken presses: " + r.echo());
        assertTrue(Report.table(r).contains("the round trips above are too short"), Report.table(r));
    }

    @Test
    void countsAndReportsPressesThatNeverGetAnEcho() throws Exception {
        startServer(TICK, true);
        game.neverEcho('F');

        // Keys go 'A' to 'Z' in turn, one every 50 ms: in a 1 s window each client presses 'F'
        // once, and its next 'F' (1.3 s later) comes after the window even if the window ends late.
        Results r = new LoadGenerator(options(5, Duration.ofMillis(1000), Duration.ofMillis(50), Transport.Kind.NIO), QUIET).run();

        // Only a client's latest press of a key can still wait (an earlier one is overtaken), so
        // exactly one 'F' per client, and no other press, has no echo.
        assertEquals(5, r.echo().unanswered(), () -> "one 'F' per client, and every other press answered: " + r.echo());
        assertTrue(Report.table(r).contains("had no echo when the run ended"), Report.table(r));
        assertTrue(Report.markdownRow(r).contains("(**" + r.echo().unanswered() + " unanswered**)"), Report.markdownRow(r));
    }

    /**
     * The drain after the window waits for the echoes still on their way (up to 3 s), not just
     * its least half second: echoes 1.2 s late are all answered, none counted as never answered.
     */
    @Test
    void echoesLaterThanTheShortestDrainAreWaitedFor() throws Exception {
        startServer(TICK, true);
        game.delayEchoes(Duration.ofMillis(1200)); // 26 keys at one per 200 ms come round in 5.2 s: none overtaken

        Results r = new LoadGenerator(options(4, Duration.ofMillis(1500), Duration.ofMillis(200), Transport.Kind.NIO), QUIET).run();

        assertEquals(0, r.echo().unanswered(), () -> "" + r.echo());
        assertEquals(r.echo().pressed(), r.echo().echoed(), () -> "" + r.echo());
    }

    /**
     * The drain also waits (up to 3 s) until every open client has the window's last tick, not
     * just its least half second: one client's ticks, all 1.2 s late, count as received, none as
     * missed.
     */
    @Test
    void ticksLaterThanTheShortestDrainAreWaitedFor() throws Exception {
        startServer(TICK, true);

        Results r = runAndMeanwhile(4, Duration.ofMillis(1500), Transport.Kind.NIO,
                () -> game.sendOnePlayerItsTicksLate(Duration.ofMillis(1200)));

        assertEquals(0, r.clients().lostDuringRun());
        assertEquals(0, r.ticks().missed(), () -> "" + r.ticks());
        assertTrue(r.ticks().fanOut().max() >= 1000, () -> "the late ticks were not late: " + r.ticks());
    }

    /** The CPU is sampled every second of the window, which "saturated in any one second" needs. */
    @Test
    void theCpuIsSampledEverySecondOfTheWindow() throws Exception {
        startServer(TICK, true);

        Results r = new LoadGenerator(options(4, Duration.ofMillis(3600), Duration.ofMillis(200), Transport.Kind.NIO), QUIET).run();

        List<CpuMeter.Sample> samples = r.cpu().samples();
        assertTrue(samples.size() >= 3, () -> "samples: " + samples);
        // Each sample says when it was taken, in seconds into the window: about a second apart.
        for (int i = 0; i < samples.size(); i++) {
            double gap = samples.get(i).seconds() - (i == 0 ? 0 : samples.get(i - 1).seconds());
            assertTrue(gap < 2, () -> "a sample a second, not one for the whole window: " + samples);
        }
    }

    /**
     * Runs a load test (a key every 200 ms) on a thread of its own and, once it measures, the game
     * has every client and has sent two more ticks since (so each client very likely has a first
     * tick to tell what it misses next from), does {@code action} to the server.
     */
    private Results runAndMeanwhile(int clients, Duration window, Transport.Kind client, Runnable action) throws Exception {
        LoadGenerator generator = new LoadGenerator(options(clients, window, Duration.ofMillis(200), client), QUIET);
        ExecutorService runner = Executors.newSingleThreadExecutor();
        Throwable failure = null;
        try {
            CompletableFuture<Results> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return generator.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CompletionException(e);
                }
            }, runner);

            generator.measuring().get(10, TimeUnit.SECONDS);
            // The game's own count, not the server's: the actions below work on the game's players.
            await().pollInterval(Duration.ofMillis(10)).until(() -> game.onlineCount() == clients);
            long seen = game.tickNumber();
            await().pollInterval(Duration.ofMillis(10)).until(() -> game.tickNumber() >= seen + 2);
            action.run();

            return run.get(20, TimeUnit.SECONDS);
        } catch (Exception | Error e) {
            failure = e;
            throw e;
        } finally {
            runner.shutdownNow();
            boolean runEnded = runner.awaitTermination(10, TimeUnit.SECONDS);
            // A run left going is a failure too, but not one to hide the failure above behind.
            if (failure != null && !runEnded) {
                failure.addSuppressed(new AssertionError("and the load generator's run did not end"));
            } else {
                assertTrue(runEnded, "the load generator's run did not end");
            }
        }
    }

    @Test
    void linesUpTicksThatCarryNoNumberByArrivalTime() throws Exception {
        Duration tick = Duration.ofMillis(50); // lining up needs fan-out under half a period: leave room
        startServer(tick, false);

        Results r = new LoadGenerator(options(10, Duration.ofMillis(1000), Duration.ofMillis(200), Transport.Kind.NIO), QUIET).run();

        assertFalse(r.run().numbered());
        assertTrue(Report.table(r).contains("carry no number"), Report.table(r));
        // The window's length, against the clock: within a quarter (five ticks), room for a pause
        // of the machine of a quarter of a second, and none for a window a third too short.
        double expected = r.ticks().expectedPerClient();
        double tolerance = Math.max(5, expected * 0.25);
        assertTrue(Math.abs(r.ticks().perClient().mean() - expected) <= tolerance, () -> "ticks: " + r.ticks());
        assertTrue(Math.abs(r.ticks().fanOut().count() - expected) <= tolerance, () -> "rounds: " + r.ticks());
        assertTrue(r.ticks().fanOut().p50() < tick.toMillis() / 2.0, () -> "fan-out: " + r.ticks().fanOut());
    }

    @Test
    void writesSelfContainedReports() throws Exception {
        startServer(TICK, true);
        Results r = new LoadGenerator(options(5, Duration.ofMillis(500), Duration.ofMillis(100), Transport.Kind.NIO), QUIET).run();

        Report.Written files = Report.write(r, out.resolve("reports"));

        assertTrue(Files.size(files.json()) > 0);
        String json = Files.readString(files.json());
        assertTrue(json.contains("\"clients_requested\": 5"), json);
        assertTrue(json.contains("\"fan_out_ms\""), json);
        String html = Files.readString(files.html());
        assertTrue(html.contains("<svg"), "the charts are inline SVG");
        assertFalse(html.contains("http://") || html.contains("https://"), "the HTML must work offline: " + html);
        assertFalse(html.contains("<script") || html.contains("<link"), "no scripts, no external stylesheets");
    }

    @ParameterizedTest
    @EnumSource(Transport.Kind.class)
    void countsConnectFailuresAndStopsWithoutWaitingOutTheDuration(Transport.Kind client) throws Exception {
        // A port that is bound but not listening refuses every connection, and, unlike a port
        // just closed, cannot be taken meanwhile by a test running beside this one.
        try (Socket boundNotListening = new Socket()) {
            boundNotListening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            URI nobodyThere = URI.create("ws://127.0.0.1:" + boundNotListening.getLocalPort() + "/connect");

            LoadGenerator generator = new LoadGenerator(
                    new LoadOptions(nobodyThere, 5, Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMillis(100), TICK, 2, out, client), QUIET);
            Results r = assertTimeout(Duration.ofSeconds(20), generator::run);

            assertEquals(0, r.clients().connected());
            assertEquals(5, r.clients().connectFailures());
            assertNotNull(r.clients().firstFailure());
            Threads.assertNoneLeft(generator.threadNamePrefix(), Duration.ofSeconds(5));
        }
    }
}
