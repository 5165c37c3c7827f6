package gameloop.reactor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.Reader;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client's callbacks, in the order the tutorial documents, against a real server (or none). */
class SpreadClientTest extends ServerTestSupport {

    private static final List<String> CALLBACKS = List.of("startedConnecting", "connectionMade", "dataReceived",
            "connectionLost", "clientConnectionLost", "clientConnectionFailed");

    private final RecordingLog clientLog = new RecordingLog();
    private final List<PipedWriter> keyboards = new ArrayList<>();

    @Test
    void callbacksFireInTheTutorialsOrderAndTypedLinesReachTheOthers() throws Exception {
        SpreadServer server = startServer();
        LineSocket other = join(server, 1);
        PipedWriter keyboard = new PipedWriter();
        keyboards.add(keyboard); // closed after the test too, should it fail before it closes it
        SpreadClient client = SpreadClient.start(options(server.port(), null), new PipedReader(keyboard), clientLog);

        clientLog.awaitMessage(m -> m.equals("  got message: " + Spreader.greeting(2)));
        String joined = log.awaitMessageStartingWith("connected #2 from "); // "connected #2 from /127.0.0.1:43364 (2 online)"
        String clientAddress = joined.substring("connected #2 from ".length(), joined.indexOf(" ("));
        assertEquals("connectionMade: connected to /127.0.0.1:" + server.port() + " from " + clientAddress,
                clientLog.awaitMessageStartingWith("connectionMade: "), "both ends name the same two addresses");
        keyboard.write("typed on the keyboard\n");
        keyboard.flush();
        assertEquals("typed on the keyboard", other.readLine());
        other.sendLine("back to you");
        clientLog.awaitMessage(m -> m.equals("  got message: back to you"));
        keyboard.close(); // end of input: the client hangs up

        assertTrue(client.awaitEnd(Duration.ofSeconds(10)));
        assertEquals(List.of("startedConnecting", "connectionMade", "dataReceived", "connectionLost",
                "clientConnectionLost"), callbacksInOrder());
        assertEquals(List.of(), clientLog.errors());
    }

    @Test
    void aRefusedConnectionGoesStraightToClientConnectionFailed() throws Exception {
        // Bound but not listening: every connection is refused, and no test running beside this
        // one can take the port meanwhile (as it could a port just closed).
        try (Socket boundNotListening = new Socket()) {
            boundNotListening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SpreadClient client = SpreadClient.start(options(boundNotListening.getLocalPort(), null), new StringReader(""), clientLog);

            assertTrue(client.awaitEnd(Duration.ofSeconds(10)));
        }
        assertEquals(List.of("startedConnecting", "clientConnectionFailed"), callbacksInOrder());
        assertTrue(clientLog.contains("clientConnectionFailed: Connection refused"), clientLog.messages().toString());
    }

    /**
     * One timer, re-armed by each hello: the k-th hello goes out no sooner than k periods after
     * the client started, however many chunks it receives meanwhile. The tutorial armed one more
     * timer per chunk received, and the hellos multiplied (the greeting alone would double them).
     * Only a lower bound is checked: a loaded machine can make hellos later, never sooner.
     */
    @Test
    void withHelloTheClientGreetsEveryoneOnATimer() throws Exception {
        SpreadServer server = startServer();
        LineSocket other = join(server, 1);
        Duration every = Duration.ofMillis(100);
        long started = System.nanoTime();
        SpreadClient client = SpreadClient.start(options(server.port(), every), idleKeyboard(), clientLog);
        clientLog.awaitMessage(m -> m.equals("  got message: " + Spreader.greeting(2)));
        other.sendLine("a chunk for the client");
        other.sendLine("and another");

        String hello = "hello, I'm tester \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}";
        for (int k = 1; k <= 4; k++) {
            String line = other.readLine();
            long elapsed = System.nanoTime() - started;
            assertTrue(line.matches(hello), line);
            assertTrue(elapsed >= k * every.toNanos(),
                    "hello " + k + " after only " + elapsed / 1_000_000 + " ms: more than one timer is running");
        }

        client.stop();
        assertTrue(client.awaitEnd(Duration.ofSeconds(10)));
        assertTrue(clientLog.contains("connectionLost: reactor stopped"));
        assertEquals("clientConnectionLost", callbacksInOrder().get(callbacksInOrder().size() - 1));
    }

    @Test
    void whenTheServerStopsTheClientHearsConnectionLostThenClientConnectionLost() throws Exception {
        SpreadServer server = startServer();
        SpreadClient client = SpreadClient.start(options(server.port(), null), idleKeyboard(), clientLog);
        clientLog.awaitMessage(m -> m.equals("  got message: " + Spreader.greeting(1)));

        server.close();

        assertTrue(client.awaitEnd(Duration.ofSeconds(10)));
        assertEquals(List.of("startedConnecting", "connectionMade", "dataReceived", "connectionLost",
                "clientConnectionLost"), callbacksInOrder());
        assertTrue(clientLog.contains("connectionLost: closed by peer"));
    }

    /**
     * A file piped into the client goes out as fast as the other end takes it, and no faster:
     * the input waits while the connection's queue is over half full ({@link InputPacing}), so
     * the client is never dropped as a slow reader of its own making. Here the other end stops
     * reading altogether, then reads everything: 21 MB, five times what the kernel's buffers hold.
     */
    @Test
    void pipedInputWaitsForTheOtherEndInsteadOfOverflowingTheQueue() throws Exception {
        int lines = 7_000;
        String line = "x".repeat(2999); // long lines: the pacing must count bytes, not lines
        LinesOnDemand file = new LinesOnDemand(line, lines);
        try (ServerSocket listener = listenerThatTakesLittle()) {
            SpreadClient client = SpreadClient.start(options(listener.getLocalPort(), null), file, clientLog);
            try (Socket other = listener.accept()) {
                other.setSoTimeout(10_000); // a line that never comes fails the test instead of hanging it
                awaitTheInputStalled(file);
                assertTrue(file.served.get() < lines, "the whole file was taken in, so nothing held the input back");
                assertTrue(clientLog.messages().stream().noneMatch(m -> m.startsWith("connectionLost")), clientLog.messages().toString());

                BufferedReader received = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
                for (int i = 0; i < lines; i++) {
                    assertEquals(line, received.readLine(), "line " + i);
                }
                assertEquals(-1, received.read(), "end of input: the client ends its side after the last line");
                other.close(); // as the server does when a client ends its side
                assertTrue(client.awaitEnd(Duration.ofSeconds(10)), "the client stops once the connection is closed");
                assertTrue(clientLog.messages().contains("clientConnectionLost: closed by this side"), clientLog.messages().toString());
            }
        }
        assertEquals(List.of(), clientLog.errors());
    }

    /**
     * The connection is lost while the input waits for room (the other end stopped reading, then
     * went away): no room will ever come, so the thread reading the input must not wait for it.
     * It ends, once the reactor that would take its lines has stopped.
     */
    @Test
    void aConnectionLostWhileTheInputWaitsForRoomLetsTheInputThreadEnd() throws Exception {
        LinesOnDemand file = new LinesOnDemand("x".repeat(2999), Integer.MAX_VALUE);
        Thread input;
        try (ServerSocket listener = listenerThatTakesLittle()) {
            SpreadClient client = SpreadClient.start(options(listener.getLocalPort(), null), file, clientLog);
            try (Socket other = listener.accept()) {
                awaitTheInputStalled(file);
                input = stdinThreads(client).get(0);
                assertTrue(Arrays.stream(input.getStackTrace()).anyMatch(frame -> frame.getMethodName().equals("awaitTurn")),
                        () -> "the input is held back elsewhere: " + Arrays.toString(input.getStackTrace()));
            } // closed with bytes unread: the client's connection is lost
            assertTrue(client.awaitEnd(Duration.ofSeconds(10)), "the client stops once the connection is lost");
        }
        await("the input thread to end").until(() -> !input.isAlive());
        assertTrue(clientLog.messages().stream().anyMatch(m -> m.startsWith("connectionLost")), clientLog.messages().toString());
        assertEquals(List.of(), clientLog.errors());
    }

    /**
     * A line of megabytes in a file piped in (a log, say) is not sent: it is longer than any line
     * a server takes, and whole it would overflow the connection's queue, so that the client
     * dropped itself as a slow reader. The client says so, and sends the lines around it.
     */
    @Test
    void aLineTooLongToSendIsSaidSoAndTheLinesAroundItGo() throws Exception {
        Reader file = new StringReader("first\n" + "a".repeat(5_000_000) + "\nlast\n");
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SpreadClient client = SpreadClient.start(options(listener.getLocalPort(), null), file, clientLog);
            try (Socket other = listener.accept()) {
                other.setSoTimeout(10_000);
                BufferedReader received = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("first", received.readLine());
                assertEquals("last", received.readLine());
                assertEquals(-1, received.read(), "end of input: the client ends its side after the last line");
            }
            assertTrue(client.awaitEnd(Duration.ofSeconds(10)));
        }
        assertTrue(clientLog.messages().contains("input line of 5000000 characters not sent: longer than the "
                + InputLines.MAX_CHARS + " a line may have"), clientLog.messages().toString());
        assertTrue(clientLog.messages().contains("clientConnectionLost: closed by this side"), clientLog.messages().toString());
        assertEquals(List.of(), clientLog.errors());
    }

    /** The live threads with the name of {@code client}'s stdin thread (one, unless a bug made more). */
    private static List<Thread> stdinThreads(SpreadClient client) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals(client.stdinThreadName())).toList();
    }

    /** A listener whose connections take little before their sender must wait: 4 KiB of receive buffer. */
    private static ServerSocket listenerThatTakesLittle() throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReceiveBufferSize(4096);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return listener;
    }

    /** Waits until the client has stopped taking lines in: its input waits for the other end. */
    private static void awaitTheInputStalled(LinesOnDemand file) {
        int[] last = {-1};
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
            int now = file.served.get();
            boolean stalled = now == last[0];
            last[0] = now;
            return stalled;
        });
    }

    /** {@code count} copies of a line, made as they are read, so a test can see how far the client got. */
    private static final class LinesOnDemand extends Reader {
        final AtomicInteger served = new AtomicInteger();
        private final String text;
        private final int count;
        private int position;

        LinesOnDemand(String line, int count) {
            this.text = line + "\n";
            this.count = count;
        }

        @Override
        public int read(char[] into, int offset, int length) {
            if (served.get() == count) {
                return -1;
            }
            int chars = Math.min(length, text.length() - position);
            text.getChars(position, position + chars, into, offset);
            position += chars;
            if (position == text.length()) {
                position = 0;
                served.incrementAndGet();
            }
            return chars;
        }

        @Override
        public void close() {
        }
    }

    /**
     * The client hands out one received line per turn of its reactor, so when its input ends
     * (a pipe, {@code < /dev/null}) lines it has already received may still be waiting. It
     * shows them before it hangs up, instead of dropping them with the connection. Here the
     * other end sends 20,000 lines in one write, and the input ends as the first is shown: every
     * complete line in the bytes the client had read must be shown, in order.
     */
    @Test
    void linesAlreadyReceivedAreShownBeforeTheEndOfInputHangsUp() throws Exception {
        int lines = 20_000;
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= lines; i++) {
            text.append(String.format("line %06d", i)).append('\n'); // 12 bytes each
        }
        CountDownLatch firstShown = new CountDownLatch(1);
        Log watching = new Log() {
            @Override
            public void info(String message) {
                clientLog.info(message);
                if (message.startsWith("  got message: ")) {
                    firstShown.countDown();
                }
            }

            @Override
            public void error(String message, Throwable cause) {
                clientLog.error(message, cause);
            }
        };
        Reader endsAfterTheFirstLine = new Reader() {
            @Override
            public int read(char[] into, int offset, int length) throws IOException {
                try {
                    firstShown.await();
                } catch (InterruptedException e) {
                    throw new InterruptedIOException();
                }
                return -1;
            }

            @Override
            public void close() {
            }
        };
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SpreadClient client = SpreadClient.start(options(listener.getLocalPort(), null), endsAfterTheFirstLine, watching);
            try (Socket other = listener.accept()) {
                other.setSoTimeout(10_000);
                // Blocks once the client stops reading (it holds lines to show); its lingering close
                // reads on after the hang-up, so the write ends well inside its 5 s.
                other.getOutputStream().write(text.toString().getBytes(StandardCharsets.US_ASCII));
                assertEquals(-1, other.getInputStream().read(), "the client hangs up");
            } // closing our side ends the client's lingering close at once
            assertTrue(client.awaitEnd(Duration.ofSeconds(10)));
        }
        long bytesRead = clientLog.messages().stream().filter(m -> m.startsWith("dataReceived: "))
                .mapToLong(m -> Long.parseLong(m.split(" ")[1])).sum();
        List<String> shown = clientLog.messages().stream().filter(m -> m.startsWith("  got message: "))
                .map(m -> m.substring("  got message: ".length())).collect(Collectors.toList());
        assertTrue(bytesRead >= 12, "the client read nothing: " + clientLog.messages());
        assertEquals(bytesRead / 12, shown.size(), "lines shown of the " + bytesRead / 12 + " complete ones read");
        for (int i = 0; i < shown.size(); i++) {
            assertEquals(String.format("line %06d", i + 1), shown.get(i));
        }
        assertTrue(clientLog.contains("end of input: hanging up"), clientLog.messages().toString());
        assertEquals(List.of(), clientLog.errors());
    }

    /**
     * awaitEnd says whether the client has ended, which main's wait loop relies on; and the thread
     * that reads the keyboard is a daemon, so a read blocked on stdin never keeps the JVM alive.
     */
    @Test
    void whileConnectedAwaitEndIsFalseAndTheKeyboardThreadIsADaemon() throws Exception {
        SpreadServer server = startServer();
        Reader keyboard = idleKeyboard();
        // Started as main starts it, from a thread that is no daemon: a new thread takes its
        // creator's daemon status, and JUnit's threads are daemons, which would hide a keyboard
        // thread that does not set its own.
        CompletableFuture<SpreadClient> started = new CompletableFuture<>();
        Thread likeMain = new Thread(() -> {
            try {
                started.complete(SpreadClient.start(options(server.port(), null), keyboard, clientLog));
            } catch (IOException | RuntimeException e) {
                started.completeExceptionally(e);
            }
        }, "like-main");
        likeMain.setDaemon(false);
        likeMain.start();
        SpreadClient client = started.get(10, TimeUnit.SECONDS);
        likeMain.join(10_000);
        clientLog.awaitMessageStartingWith("connectionMade");

        assertFalse(client.awaitEnd(Duration.ofMillis(200)), "connected, yet awaitEnd says the client ended");
        List<Thread> readers = stdinThreads(client);
        assertFalse(readers.isEmpty(), "no keyboard thread found");
        assertTrue(readers.stream().allMatch(Thread::isDaemon), "a keyboard thread that is no daemon");

        client.stop();
        assertTrue(client.awaitEnd(Duration.ofSeconds(10)));
    }

    /**
     * A keyboard that fails (stdin closed under it with an error, or a reader with a bug): logged,
     * and the client hangs up, as at the end of input; nothing else could ever end its connection.
     */
    @ParameterizedTest
    @ValueSource(strings = {"an I/O error", "a bug"})
    void aKeyboardThatFailsIsLoggedAndTheClientHangsUp(String failure) throws Exception {
        Reader broken = new Reader() {
            @Override
            public int read(char[] into, int offset, int length) throws IOException {
                if (failure.equals("a bug")) {
                    throw new IllegalStateException("a reader with a bug");
                }
                throw new IOException("keyboard unplugged");
            }

            @Override
            public void close() {
            }
        };
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            SpreadClient client = SpreadClient.start(options(listener.getLocalPort(), null), broken, clientLog);
            try (Socket peer = listener.accept()) {
                peer.setSoTimeout(10_000);
                assertEquals(-1, peer.getInputStream().read(), "the client hangs up");
            }
            assertTrue(client.awaitEnd(Duration.ofSeconds(10)));
        }
        assertEquals(1, clientLog.errors().size(), clientLog.errors().toString());
        assertTrue(clientLog.errors().get(0).startsWith("reading input failed; hanging up"), clientLog.errors().toString());
    }

    /**
     * An Error on the client's reactor thread (here from its log, as a broken logging backend
     * would throw) ends the reactor, which closes the connection, and main's end rethrows it, so
     * the process exits with an error, as the server's does ({@code ReactorFailureTest}).
     */
    @Test
    void anErrorThatEndsTheClientsReactorIsRethrownByMainsEnd() throws Exception {
        Error bug = new Error("the log broke");
        Log breaksOnCrash = new Log() {
            @Override
            public void info(String message) {
                if (message.equals("  got message: crash")) { // logged on the reactor thread
                    throw bug;
                }
                clientLog.info(message);
            }

            @Override
            public void error(String message, Throwable cause) {
                clientLog.error(message, cause);
            }
        };
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            SpreadClient client = SpreadClient.start(options(listener.getLocalPort(), null), idleKeyboard(), breaksOnCrash);
            try (Socket peer = listener.accept()) {
                peer.setSoTimeout(10_000);
                peer.getOutputStream().write("crash\n".getBytes(StandardCharsets.US_ASCII));

                assertEquals(-1, peer.getInputStream().read(), "the client closes its socket as its reactor ends");
            }
            IllegalStateException ended = assertThrows(IllegalStateException.class, () -> SpreadClient.waitForTheEnd(client));
            assertSame(bug, ended.getCause());
            assertSame(bug, client.failure().orElseThrow());
        }
        assertEquals(List.of("reactor failed, stopping it: " + bug), clientLog.errors());
    }

    /**
     * The chapter's "let nc be the server": three lines in one write, then the end. One write on
     * loopback is one chunk to the client, every time; the three lines come out of it, then the
     * loss, and the client ends by itself.
     */
    @Test
    void threeLinesInOneWriteFromAServerThatThenHangsUpAreOneChunkThenConnectionLost() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            SpreadClient client = SpreadClient.start(options(listener.getLocalPort(), null), idleKeyboard(), clientLog);
            try (Socket nc = listener.accept()) {
                nc.getOutputStream().write("a\nb\nc\n".getBytes(StandardCharsets.US_ASCII));
            } // then the end, as nc -q1 does
            assertTrue(client.awaitEnd(Duration.ofSeconds(10)));
        }
        assertEquals(List.of("dataReceived: 6 bytes", "  got message: a", "  got message: b", "  got message: c",
                        "connectionLost: closed by peer"),
                clientLog.messages().stream()
                        .filter(m -> m.startsWith("dataReceived: ") || m.startsWith("  got message: ") || m.startsWith("connectionLost: "))
                        .collect(Collectors.toList()));
        assertEquals(List.of(), clientLog.errors());
    }

    /** A line from the server longer than the client's 64 KiB: it hangs up, and sends nothing first. */
    @Test
    void aServerLineOverTheClientsLimitMakesItHangUp() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            SpreadClient client = SpreadClient.start(options(listener.getLocalPort(), null), idleKeyboard(), clientLog);
            try (Socket peer = listener.accept()) {
                peer.setSoTimeout(10_000);
                peer.getOutputStream().write(new byte[64 * 1024 + 1]); // no line end anywhere

                assertEquals(-1, peer.getInputStream().read(), "the client hangs up, sending nothing first");
            }
            assertTrue(client.awaitEnd(Duration.ofSeconds(10)));
        }
        assertTrue(clientLog.contains("the server sent a line longer than 65536 bytes: hanging up"),
                clientLog.messages().toString());
        assertEquals(List.of(), clientLog.errors());
    }

    /** The command line: a name, --hello, and -Dhello.seconds read with the server's -Dhost and -Dport. */
    @Test
    void theCommandLineIsReadOrRefusedByName() {
        SpreadClient.Options plain = SpreadClient.Options.parse(new String[] {"alice"}, name -> null);
        assertEquals(new SpreadClient.Options("127.0.0.1", 8007, "alice", null), plain);
        assertEquals(Duration.ofSeconds(5), SpreadClient.Options.parse(new String[] {"--hello"}, name -> "").helloEvery(),
                "unset or blank: every 5 s");
        SpreadClient.Options given = SpreadClient.Options.parse(new String[] {"--hello", "bob"},
                Map.of("hello.seconds", " 2 ", "port", "9007")::get);
        assertEquals(Duration.ofSeconds(2), given.helloEvery());
        assertEquals(9007, given.port());
        assertEquals(Duration.ofSeconds(1), SpreadClient.Options.parse(new String[] {"--hello"},
                Map.of("hello.seconds", "1")::get).helloEvery());
        assertEquals(Duration.ofDays(1), SpreadClient.Options.parse(new String[] {"--hello"},
                Map.of("hello.seconds", "86400")::get).helloEvery());
        for (String bad : new String[] {"0", "-2", "2.5", "86401", "five"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> SpreadClient.Options.parse(new String[] {"--hello"}, Map.of("hello.seconds", bad)::get));
            assertEquals("-Dhello.seconds must be a whole number of seconds from 1 to 86400, got '" + bad + "'",
                    refused.getMessage());
        }
        IllegalArgumentException usage = assertThrows(IllegalArgumentException.class,
                () -> SpreadClient.Options.parse(new String[] {"alice", "bob"}, name -> null));
        assertEquals("usage: SpreadClient [--hello] [NAME], got: alice bob", usage.getMessage());
    }

    private static SpreadClient.Options options(int port, Duration helloEvery) {
        return new SpreadClient.Options("127.0.0.1", port, "tester", helloEvery);
    }

    /** A keyboard nobody types on; closed after the test, which ends the client's stdin thread. */
    private Reader idleKeyboard() throws IOException {
        PipedWriter keyboard = new PipedWriter();
        keyboards.add(keyboard);
        return new PipedReader(keyboard);
    }

    @AfterEach
    void closeKeyboards() throws IOException {
        for (PipedWriter keyboard : keyboards) {
            keyboard.close();
        }
    }

    /** The callback names the client logged, in order, with repeats (several dataReceived) folded into one. */
    private List<String> callbacksInOrder() {
        List<String> order = new ArrayList<>();
        for (String message : clientLog.messages()) {
            String name = message.split(":", 2)[0];
            if (CALLBACKS.contains(name) && (order.isEmpty() || !order.get(order.size() - 1).equals(name))) {
                order.add(name);
            }
        }
        return order;
    }
}
