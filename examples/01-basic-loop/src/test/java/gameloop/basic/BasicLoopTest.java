package gameloop.basic;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.GameServer;
import gameloop.shared.Protocol;
import gameloop.shared.ServerSettings;
import gameloop.testkit.DeafWork;
import gameloop.testkit.Echoes;
import gameloop.testkit.ServerLog;
import gameloop.testkit.Teardown;
import gameloop.testkit.TestClient;
import gameloop.testkit.TestClients;
import gameloop.testkit.Ticks;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What example 01 promises a well-behaved client: echoes, ticks, and a steady period. */
class BasicLoopTest {

    private static final Duration TICK = Duration.ofMillis(50);

    private GameServer server;
    private TestClients clients;

    @BeforeEach
    void start() throws Exception {
        clients = new TestClients();
        ServerLog.capture();
        server = GameServer.start(ServerSettings.forTest("01-basic-loop", TICK), FixedRateGameLoop::new);
    }

    @AfterEach
    void stop() throws Exception {
        Teardown.closeAll(clients, server);
    }

    @Test
    void anEchoReachesOnlyItsSender() {
        Echoes.assertAnEchoReachesOnlyItsSender(clients, server.webSocketUri());
    }

    @Test
    void everyClientGetsEveryTickInOrder() {
        List<TestClient> three = clients.connect(server.webSocketUri(), 3);

        await().until(() -> three.stream().allMatch(c -> c.tickNumbers().size() >= 10));

        three.forEach(client -> Ticks.assertConsecutive(client.tickNumbers()));
    }

    /** One loop, started with the server, for everyone: a newcomer joins the count under way. */
    @Test
    void aLatePlayerJoinsTheOneLoopAlreadyTicking() {
        TestClient early = clients.connect(server.webSocketUri());
        await().until(() -> early.tickNumbers().size() >= 3);
        long alreadyAt = early.lastTickNumber();

        TestClient late = clients.connect(server.webSocketUri());
        await().until(() -> late.tickNumbers().size() >= 3);

        List<Long> lateTicks = late.tickNumbers();
        assertTrue(lateTicks.get(0) > alreadyAt, "a loop of its own would count from 1 again: " + lateTicks);
        Ticks.assertConsecutive(lateTicks); // a second loop would interleave its own numbers
        await().until(() -> early.tickNumbers().containsAll(lateTicks)); // the very same ticks
    }

    @Test
    void clientsThatLeaveAreRemoved() {
        TestClient polite = clients.connect(server.webSocketUri());
        TestClient crashed = clients.connect(server.webSocketUri());
        await().until(() -> server.players().count() == 2);

        polite.close();
        await().until(() -> server.players().count() == 1);
        ServerLog.awaitLine(server, "player \\d+ left \\(1 online\\): closed with 1000"); // the shape of the leave lines chapter 01 shows

        crashed.disconnectAbruptly(); // no close frame at all
        await().until(() -> server.players().count() == 0);
        // No close frame, so no close code: the log names what failed instead.
        ServerLog.awaitLine(server, "player \\d+ left \\(0 online\\): (connection error|a send failed), \\w+(: .*)?");
    }

    /**
     * The first tick comes one period after the start, not at once, so tick n comes n periods
     * after it at the soonest. A loop that ticked at the start would send tick n a period sooner:
     * its tick 1 goes to nobody (no one can have connected yet). The example's own 2 s, so that the
     * start itself takes well under a period, even on a busy machine.
     */
    @Test
    void theFirstTickComesOnePeriodAfterTheStart() throws Exception {
        Duration period = Duration.ofSeconds(2);
        long beforeTheStart = System.nanoTime();
        GameServer slow = GameServer.start(ServerSettings.forTest("01-basic-loop", period), FixedRateGameLoop::new);
        try {
            TestClient client = clients.connect(slow.webSocketUri());
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.ticks().isEmpty());

            TestClient.Received first = client.ticks().get(0);
            long after = first.nanoTime() - beforeTheStart;
            assertTrue(after >= first.tickNumber() * period.toNanos(),
                    "tick " + first.tickNumber() + " came " + after / 1_000_000 + " ms after the start");
        } finally {
            slow.close();
        }
    }

    @Test
    void theTickPeriodIsTheConfiguredOne() {
        TestClient client = clients.connect(server.webSocketUri());

        Ticks.assertSteadyTicks(TICK, client);
    }

    /**
     * Fixed rate: each tick's work is absorbed into the period, not added to it. (With no work,
     * as above, a loop that slept a period after each tick could not be told apart.)
     */
    @Test
    void theTickPeriodHoldsWhenEveryTickTakesTime() throws Exception {
        Ticks.assertThePeriodHoldsWhenEveryTickTakesTime("01-basic-loop",
                tickMessage -> context -> new FixedRateGameLoop(context, tickMessage));
    }

    /**
     * Fixed rate keeps count: a tick that holds the loop up for thirty periods is followed at
     * once by the ticks that fell due meanwhile, back to back, as the chapter says. A loop that
     * slept after each tick, or chapter 05's, would space them a period apart: 24 periods for
     * the 24 intervals measured here, against the 10 this allows a busy machine.
     */
    @Test
    void ticksHeldUpByAStallGoOutBackToBackAfterIt() throws Exception {
        int stallPeriods = 30;
        int measured = 25;
        AtomicBoolean stallRequested = new AtomicBoolean();
        AtomicLong stalledAt = new AtomicLong();
        try (GameServer stalling = startWithTicks(n -> {
            if (stallRequested.compareAndSet(true, false)) { // the next tick after the request stalls
                stalledAt.set(n);
                long until = System.nanoTime() + TICK.multipliedBy(stallPeriods).toNanos();
                for (long left; (left = until - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(left); // the whole loop held up (parkNanos may return early)
                }
            }
            return Protocol.tick(n);
        })) {
            TestClient client = clients.connect(stalling.webSocketUri());
            await().until(() -> client.tickNumbers().size() >= 2);
            stallRequested.set(true);

            await().until(() -> stalledAt.get() > 0 && client.lastTickNumber() >= stalledAt.get() + measured);

            long stalled = stalledAt.get();
            Duration burst = Duration.ofNanos(arrivalOf(client, stalled + measured) - arrivalOf(client, stalled + 1));
            assertTrue(burst.compareTo(TICK.multipliedBy(10)) < 0,
                    "the " + measured + " ticks held up came over " + burst.toMillis() + " ms, not back to back");
        }
    }

    /** Example 01's server, with what each tick says (and how long it takes to say it) chosen by the test. */
    private static GameServer startWithTicks(LongFunction<String> tickMessage) throws Exception {
        return GameServer.start(ServerSettings.forTest("01-basic-loop", TICK),
                context -> new FixedRateGameLoop(context, tickMessage));
    }

    private static long arrivalOf(TestClient client, long tickNumber) {
        return client.ticks().stream().filter(t -> t.tickNumber() == tickNumber).findFirst()
                .orElseThrow(() -> new AssertionError("tick " + tickNumber + " never came: " + client.tickNumbers()))
                .nanoTime();
    }

    /**
     * Every tick runs on the one named loop thread; and stopping waits for that thread, so no
     * tick is still running once close() has returned (here the tick in progress is a long one,
     * deaf to interrupts).
     */
    @Test
    void ticksRunOnTheNamedLoopThreadWhichCloseWaitsFor() throws Exception {
        Set<String> tickThreads = ConcurrentHashMap.newKeySet();
        DeafWork longTick = new DeafWork(); // close() interrupts it, to no avail
        GameServer slowToStop = startWithTicks(n -> {
            tickThreads.add(Thread.currentThread().getName());
            longTick.at(n);
            return Protocol.tick(n);
        });
        try {
            longTick.assertCloseWaitsForIt(slowToStop, "game-loop");

            assertEquals(Set.of(slowToStop.threadNamePrefix() + "game-loop-1"), tickThreads);
        } finally {
            slowToStop.close();
        }
    }

    /** A tick that throws, even an Error, is logged and skipped; the loop ticks on. */
    @Test
    void aTickThatFailsDoesNotStopTheLoop() throws Exception {
        // Every odd tick fails, by turns with an exception and an Error; every even one goes out.
        try (GameServer failing = startWithTicks(n -> {
            if (n % 4 == 1) {
                throw new AssertionError("a bug in tick " + n + ", on purpose");
            }
            if (n % 4 == 3) {
                throw new IllegalStateException("a bug in tick " + n + ", on purpose");
            }
            return Protocol.tick(n);
        })) {
            TestClient client = clients.connect(failing.webSocketUri());

            await().until(() -> client.tickNumbers().size() >= 4);

            List<Long> numbers = client.tickNumbers();
            for (int i = 1; i < numbers.size(); i++) {
                assertEquals(numbers.get(i - 1) + 2, numbers.get(i), "not every even tick, after failed odd ones: " + numbers);
            }
        }
    }

    @Test
    void thePageAndItsInfoAreServed() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var page = http.send(java.net.http.HttpRequest.newBuilder(server.pageUri()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        var info = http.send(java.net.http.HttpRequest.newBuilder(server.pageUri().resolve("info")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>Game loop client</title>"));
        // No address off this server: none absolute, none protocol-relative (src="//cdn...").
        Matcher offSite = Pattern.compile("(?i)https?://|(src|href|action)\\s*=\\s*[\"']?\\s*//|url\\(\\s*[\"']?\\s*//|@import")
                .matcher(page.body());
        assertFalse(offSite.find(), () -> "the page must not load anything from the network: " + offSite.group());
        assertEquals("{\"example\":\"01-basic-loop\",\"tickMs\":50}", info.body());
    }
}
