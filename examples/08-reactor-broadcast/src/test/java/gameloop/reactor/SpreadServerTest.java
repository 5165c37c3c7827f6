package gameloop.reactor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.OS;

/** The broadcast server's behaviour, over real sockets, one server per test. */
class SpreadServerTest extends ServerTestSupport {

    @Test
    void aLineReachesEveryOtherClientAndNeverItsSender() throws IOException {
        SpreadServer server = startServer();
        LineSocket a = connect(server);
        assertEquals("welcome to the spreader, you are client #1", a.readLine()); // join() checks the rest
        LineSocket b = join(server, 2);
        LineSocket c = join(server, 3);

        a.sendLine("hello from a");
        assertEquals("hello from a", b.readLine());
        assertEquals("hello from a", c.readLine());

        // If a had been sent its own line, it would come before this one: the server handles
        // lines in order, and b only answers after it got a's line.
        b.sendLine("marker from b");
        assertEquals("marker from b", a.readLine());
        assertEquals("marker from b", c.readLine());

        // Logged after the relay loop, and so before the server read b's marker: no need to wait.
        assertTrue(log.messages().contains("connected #1 from " + a.localAddress() + " (1 online)"), log.messages().toString());
        assertTrue(log.contains("#1 says \"hello from a\", relayed to 2 other(s)"));
        assertFalse(log.contains("accepting again"), "no accept failed, so there is no recovery to report");
    }

    @Test
    void aLineSplitAcrossTwoWritesArrivesWhole() throws IOException {
        SpreadServer server = startServer();
        LineSocket a = join(server, 1);
        LineSocket b = join(server, 2);

        long before = server.bytesRead();
        a.send("hel");
        // Wait until the server has read the first half, so it really gets two chunks.
        await().atMost(Duration.ofSeconds(10)).until(() -> server.bytesRead() >= before + 3);
        a.send("lo\n");

        assertEquals("hello", b.readLine());
    }

    /**
     * Relaying passes bytes on; it does not re-encode text. Decoding a byte that is not UTF-8
     * gives U+FFFD, three bytes when encoded again: a line of 1024 such bytes, within the limit,
     * would reach the others as 3072 bytes, over the limit of any receiver that keeps the same one.
     */
    @Test
    void aLineIsRelayedByteForByteEvenWhenItIsNotUtf8() throws IOException {
        SpreadServer server = startServer();
        LineSocket sender = join(server, 1);
        try (Socket receiver = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            receiver.setSoTimeout(10_000);
            InputStream in = receiver.getInputStream();
            assertEquals(Spreader.greeting(2), new String(readRawLine(in), StandardCharsets.UTF_8));
            byte[] latin1 = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1); // é in one byte: not UTF-8
            byte[] notUtf8 = new byte[1024];
            Arrays.fill(notUtf8, (byte) 0xFF);

            ByteArrayOutputStream twoLines = new ByteArrayOutputStream();
            twoLines.write(latin1);
            twoLines.write('\n');
            twoLines.write(notUtf8);
            twoLines.write('\n');
            sender.sendBytes(twoLines.toByteArray());

            assertArrayEquals(latin1, readRawLine(in));
            assertArrayEquals(notUtf8, readRawLine(in));
        }
    }

    /** The bytes up to the next "\n", without it. */
    private static byte[] readRawLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            assertTrue(b >= 0, "the connection ended in the middle of a line");
            line.write(b);
        }
        return line.toByteArray();
    }

    @Test
    void twoLinesInOneWriteArriveAsTwoLines() throws IOException {
        SpreadServer server = startServer();
        LineSocket a = join(server, 1);
        LineSocket b = join(server, 2);

        a.send("one\ntwo\r\n"); // and telnet's "\r\n" ends a line like nc's "\n"

        assertEquals("one", b.readLine());
        assertEquals("two", b.readLine());
    }

    @Test
    void closeEndsTheSendersConnectionOnly() throws IOException {
        SpreadServer server = startServer();
        LineSocket a = join(server, 1);
        LineSocket b = join(server, 2);
        LineSocket c = join(server, 3);

        a.sendLine("close");

        assertTrue(a.closedByServer());
        String lost = log.awaitMessageStartingWith("lost #1: closed by this side");
        assertTrue(lost.endsWith("(2 online)"), lost); // this one client left the list, no other
        c.sendLine("after a left");
        assertEquals("after a left", b.readLine()); // not "close": that was a command, not a message
        assertTrue(log.contains("#1 asked to close"));
    }

    /** Typed at a terminal, the command may come with a space or two around it: it is still the command. */
    @Test
    void closeWithSpacesAroundItIsStillTheCommand() throws IOException {
        SpreadServer server = startServer();
        LineSocket a = join(server, 1);

        a.sendLine("  close ");

        assertTrue(a.closedByServer());
        log.awaitMessageStartingWith("#1 asked to close");
    }

    @Test
    void linesAfterCloseInTheSameChunkAreNotRelayed() throws IOException {
        SpreadServer server = startServer();
        LineSocket a = join(server, 1);
        LineSocket b = join(server, 2);
        LineSocket c = join(server, 3);

        a.send("close\nsneaked in after close\n");

        assertTrue(a.closedByServer());
        c.sendLine("next");
        assertEquals("next", b.readLine());
    }

    @Test
    void anAbruptDisconnectMidLineLosesOnlyThatLine() throws IOException {
        SpreadServer server = startServer();
        LineSocket a = join(server, 1);
        LineSocket b = join(server, 2);
        LineSocket c = join(server, 3);

        long before = server.bytesRead();
        a.send("half a li");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.bytesRead() >= before + 9);
        a.abort(); // a reset, as if a's machine died

        String lost = log.awaitMessageStartingWith("lost #1:");
        // What a reset is called is the system's to say: "Connection reset" on Linux and macOS, as
        // the chapter shows, and Windows' own words there.
        assertTrue(lost.matches("lost #1: read failed: .+ \\(2 online\\); dropped 9 unhandled bytes"), lost);
        if (!OS.WINDOWS.isCurrentOs()) {
            assertEquals("lost #1: read failed: Connection reset (2 online); dropped 9 unhandled bytes", lost);
        }
        c.sendLine("still talking");
        assertEquals("still talking", b.readLine()); // the half line never reached b
        join(server, 4); // and the server still takes newcomers
    }

    @Test
    void anOverlongLineGetsAClearErrorThenTheConnectionCloses() throws IOException {
        SpreadServer server = startServer(SpreadServer.Settings.defaults().withMaxLineBytes(100));
        LineSocket a = join(server, 1);
        LineSocket b = join(server, 2);
        LineSocket c = join(server, 3);

        a.sendLine("x".repeat(101));

        assertEquals("error: line longer than 100 bytes, closing the connection", a.readLine());
        assertTrue(a.closedByServer());
        c.sendLine("fine");
        assertEquals("fine", b.readLine());
    }

    /** The limit main runs with, and the words the chapter quotes: 1024 bytes pass, 1025 do not. */
    @Test
    void byDefaultALineOfMoreThan1024BytesGetsTheErrorAndTheOthersCarryOn() throws IOException {
        SpreadServer server = startServer(); // the defaults, as main runs it
        LineSocket a = join(server, 1);
        LineSocket b = join(server, 2);
        LineSocket c = join(server, 3);

        a.sendLine("x".repeat(1024));
        assertEquals("x".repeat(1024), b.readLine());
        a.sendLine("y".repeat(1025));

        assertEquals("error: line longer than 1024 bytes, closing the connection", a.readLine());
        assertTrue(a.closedByServer());
        log.awaitMessageStartingWith("#1 sent a line longer than 1024 bytes: closing");
        c.sendLine("fine");
        assertEquals("fine", b.readLine());
    }

    @Test
    void aLineWithNoEndInSightIsCutOffAtTheLimit() throws IOException {
        SpreadServer server = startServer(SpreadServer.Settings.defaults().withMaxLineBytes(100));
        LineSocket a = join(server, 1);

        a.send("y".repeat(150)); // no "\n" at all: the server must not wait for one forever

        assertEquals("error: line longer than 100 bytes, closing the connection", a.readLine());
        assertTrue(a.closedByServer());
    }

    @Test
    void aLineThenOneWithNoEndInTheSameChunkIsRelayedThenCutOff() throws IOException {
        SpreadServer server = startServer(SpreadServer.Settings.defaults().withMaxLineBytes(100));
        LineSocket a = join(server, 1);
        LineSocket b = join(server, 2);

        a.send("fine\n" + "y".repeat(150)); // one line, then one that will never end in time

        assertEquals("fine", b.readLine());
        assertEquals("error: line longer than 100 bytes, closing the connection", a.readLine());
        assertTrue(a.closedByServer());
    }

    @Test
    void aFloodOfLinesIsLoggedAFewLinesASecondAndTheRestCounted() throws Exception {
        SpreadServer server = startServer(); // the defaults: 20 relayed lines a second in the log
        LineSocket a = join(server, 1);
        LineSocket b = join(server, 2);

        long began = System.nanoTime();
        a.send("x\n".repeat(500));
        for (int i = 0; i < 500; i++) {
            assertEquals("x", b.readLine());
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began);
        long logged = log.messages().stream().filter(m -> m.startsWith("#1 says")).count();
        assertTrue(logged >= 1 && logged <= 20 * (seconds + 1), logged + " relay lines logged in " + seconds + " s");

        // Once a later second begins, the next line logged says how many were left out.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            a.sendLine("again");
            assertEquals("again", b.readLine());
            return log.messages().stream().anyMatch(m -> m.matches(
                    "#1 says \"again\", relayed to 1 other\\(s\\) in [0-9.]+ ms \\(and \\d+ more relayed before it, not logged one by one\\)"));
        });
    }

    @Test
    void aFloodOfLinesFromOneClientHoldsUpNeitherANewcomerNorTheStop() throws Exception {
        // Every relayed line logged: the log's order is what this test reads.
        SpreadServer server = startServer(SpreadServer.Settings.defaults().withLoggedRelaysPerSecond(Integer.MAX_VALUE));
        int listeners = 200;
        LineSocket first = join(server, 1);
        for (int id = 2; id <= listeners; id++) {
            join(server, id); // these never read again: the flood below fits in their socket buffers
        }
        LineSocket flooder = join(server, listeners + 1);

        // 8192 lines in one write, so in one read of the server's: relayed to 200 clients each,
        // 1.6 million writes, seconds of the reactor thread's time in all.
        flooder.send("x\n".repeat(8192));
        assertEquals("x", first.readLine()); // the flood has begun

        LineSocket newcomer = connect(server);
        // The newcomer is knocking: the kernel has taken its connection, the reactor may not have
        // accepted it yet. What is counted is the flood's lines relayed from here until it is let
        // in: lines, not milliseconds, so a slow machine cannot fail it, and from here, not from
        // the flood's start, so neither can a test thread that took its time getting here. All
        // 8192 lines came in one read: handed out at once, every one still to go would be
        // relayed before the reactor could accept anyone.
        String relayed = "#" + (listeners + 1) + " says";
        long relayedBeforeItKnocked = log.messages().stream().filter(m -> m.startsWith(relayed)).count();
        assertEquals(Spreader.greeting(listeners + 2), newcomer.readLine());
        long relayedBeforeItWasLetIn = log.messages().stream()
                .takeWhile(m -> !m.startsWith("connected #" + (listeners + 2) + " "))
                .filter(m -> m.startsWith(relayed))
                .count();
        long relayedWhileItKnocked = relayedBeforeItWasLetIn - relayedBeforeItKnocked;
        assertTrue(relayedWhileItKnocked < 1000,
                "the newcomer was let in only after " + relayedWhileItKnocked + " more of the flood's lines");

        server.close(); // throws if the reactor thread is still busy 5 s later
        assertFalse(server.isRunning());
        // The stop did not wait for the flood either: it ended the reactor after the line it was on.
        long relayedInAll = log.messages().stream().filter(m -> m.startsWith(relayed)).count();
        assertTrue(relayedInAll < 8192, "the stop came only after the whole flood was relayed");
        assertEquals(listeners + 2, log.messages().stream().filter(m -> m.matches("lost #\\d+: reactor stopped.*")).count());
    }

    @Test
    void bytesThatAreNotUtf8DisturbNobody() throws IOException {
        SpreadServer server = startServer();
        LineSocket a = join(server, 1);
        LineSocket b = join(server, 2);

        a.sendBytes(new byte[] {(byte) 0xff, (byte) 0xfe, 'o', 'k', '\n'});

        assertEquals("\ufffd\ufffdok", b.readLine());
        a.sendLine("still connected");
        assertEquals("still connected", b.readLine());
    }

    @Test
    void controlCharactersReachTheOthersButNotTheServersConsole() throws IOException {
        SpreadServer server = startServer();
        LineSocket a = join(server, 1);
        LineSocket b = join(server, 2);

        a.sendLine("\u001b[2Jwiped your screen?");

        assertEquals("\u001b[2Jwiped your screen?", b.readLine()); // relaying is the server's job
        log.awaitMessageStartingWith("#1 says \"?[2Jwiped your screen?\""); // logged once the relay loop is done
    }

    @Test
    void stoppingTheServerClosesEveryClientAndEndsTheReactorThread() throws Exception {
        SpreadServer server = startServer();
        LineSocket a = join(server, 1);
        LineSocket b = join(server, 2);
        LineSocket c = join(server, 3);
        String reactorThread = server.reactorThreadName();

        server.close(); // stop, and wait for the reactor thread

        assertTrue(a.closedByServer());
        assertTrue(b.closedByServer());
        assertTrue(c.closedByServer());
        assertFalse(server.isRunning());
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(reactorThread)),
                "no thread named " + reactorThread + " is left");
        assertEquals(3, log.messages().stream().filter(m -> m.matches("lost #\\d: reactor stopped.*")).count());
        assertNothingListensOn(server.port());
    }

    @Test
    void everyCallbackRunsOnTheOneReactorThread() throws IOException {
        SpreadServer server = startServer();
        LineSocket a = join(server, 1);
        LineSocket b = join(server, 2);
        a.sendLine("ping");
        assertEquals("ping", b.readLine());
        b.sendLine("close");
        log.awaitMessageStartingWith("lost #2");

        for (RecordingLog.Entry entry : log.connectionEntries()) {
            assertEquals(server.reactorThreadName(), entry.thread(), entry.message());
        }
    }

    /** -Dhost and -Dport: the defaults, what was given, and a typo refused by name with what it got. */
    @Test
    void theCommandLinesSettingsAreReadOrRefusedByName() {
        assertEquals(SpreadServer.Settings.defaults(), SpreadServer.Settings.fromProperties(name -> null));
        assertEquals(SpreadServer.Settings.defaults(), SpreadServer.Settings.fromProperties(name -> ""));
        SpreadServer.Settings given =
                SpreadServer.Settings.fromProperties(Map.of("host", "0.0.0.0", "port", " 9007 ")::get);
        assertEquals("0.0.0.0", given.host());
        assertEquals(9007, given.port());
        assertEquals(65_535, SpreadServer.Settings.fromProperties(Map.of("port", "65535")::get).port());
        for (String bad : new String[] {"-1", "70000", "80a"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> SpreadServer.Settings.fromProperties(Map.of("port", bad)::get));
            assertEquals("-Dport must be a whole number from 0 to 65535, got '" + bad + "'", refused.getMessage());
        }
    }
}
