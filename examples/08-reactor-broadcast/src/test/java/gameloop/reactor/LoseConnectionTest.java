package gameloop.reactor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * loseConnection sends what is queued, then closes; but it does not wait for ever. A peer that
 * takes nothing more is closed anyway once the flush timeout (5 s, as the chapter says) is over.
 */
class LoseConnectionTest {

    private static final AtomicInteger REACTORS = new AtomicInteger();
    /** Connection.FLUSH_TIMEOUT, the figure the chapter gives. */
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(5);

    /**
     * The time left before the flush deadline of a close asked for at {@code askedToCloseNanos},
     * less half a second's margin, or zero. Until then the deadline's timer cannot have closed
     * the socket (it never fires early); after, a test thread stalled for seconds may find it
     * rightly closed.
     */
    private static Duration safelyBeforeTheDeadline(long askedToCloseNanos) {
        long left = flushDeadline(askedToCloseNanos) - System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(500);
        return Duration.ofNanos(Math.max(0, left));
    }

    /**
     * A lingering check begun too near the deadline watched nothing: the test then proves less
     * than its name, and says so, reported as aborted rather than passed (after its other checks,
     * which still hold).
     */
    private static void assumeWatched(boolean watched) {
        Assumptions.assumeTrue(watched, "the check of the socket staying open began too near the flush deadline"
                + " (a stalled test thread): nothing was left to watch");
    }

    /** When the server gives up flushing a close asked for at {@code askedToCloseNanos}, on the nanoTime clock. */
    private static long flushDeadline(long askedToCloseNanos) {
        return askedToCloseNanos + FLUSH_TIMEOUT.toNanos();
    }
    /**
     * Far more than the kernel holds for one loopback connection (the sender's buffer grows to
     * 4 MiB by default on Linux, the peer's is shrunk to 4 KiB): most of it has to wait in the queue.
     */
    private static final int PAYLOAD_BYTES = 16 * 1024 * 1024;

    private final RecordingLog log = new RecordingLog();
    /** Errors a test provokes on purpose; any other error in the log fails it. */
    private int expectedErrors;
    private Reactor reactor;

    @BeforeEach
    void start() throws IOException {
        // A queue bound above the payload: this test is about the flush timeout, not the slow-reader drop.
        reactor = new Reactor("lose-connection-test-" + REACTORS.incrementAndGet(), log, 2 * PAYLOAD_BYTES);
        reactor.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        reactor.stop();
        assertTrue(reactor.join(Duration.ofSeconds(10)), "the reactor thread ends");
        assertEquals(expectedErrors, log.errors().size(), "errors logged: " + log.errors());
        assertTrue(reactor.failure().isEmpty(), "the reactor failed: " + reactor.failure());
    }

    @Test
    void aPeerThatTakesNothingMoreIsClosedAnywayWhenTheFlushTimeoutIsOver() throws Exception {
        byte[] payload = new byte[PAYLOAD_BYTES];
        Arrays.fill(payload, (byte) 'x');
        CompletableFuture<Long> askedToClose = new CompletableFuture<>();
        CompletableFuture<Long> lost = new CompletableFuture<>();
        CompletableFuture<String> lostReason = new CompletableFuture<>();
        InetSocketAddress address = reactor.listenTCP(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                peer -> new Protocol() {
                    @Override
                    protected void connectionMade() {
                        transport().write(payload); // what the kernel does not take waits in the queue
                        askedToClose.complete(System.nanoTime());
                        transport().loseConnection();
                    }

                    @Override
                    protected void connectionLost(String reason) {
                        lost.complete(System.nanoTime());
                        lostReason.complete(reason);
                    }
                });

        try (LineSocket sleeper = LineSocket.connectWithReceiveBuffer(address.getPort(), 4096)) {
            // The sleeper reads nothing until the server has given up on it.
            String reason = lostReason.get(FLUSH_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
            long waited = lost.get() - askedToClose.get();

            Matcher notTaken = Pattern.compile("closed by this side; the peer did not take the last (\\d+) bytes")
                    .matcher(reason);
            assertTrue(notTaken.matches(), reason);
            long bytesLeft = Long.parseLong(notTaken.group(1));
            assertTrue(bytesLeft > 0 && bytesLeft < PAYLOAD_BYTES, reason);
            assertTrue(waited >= FLUSH_TIMEOUT.toNanos(),
                    "closed after " + waited / 1_000_000 + " ms; the peer gets " + FLUSH_TIMEOUT.toMillis() + " ms");

            // Closed for real: the sleeper gets what the kernels held, then the end, and never the rest.
            long received = sleeper.readToEnd();
            assertTrue(received <= PAYLOAD_BYTES - bytesLeft, "received " + received + " bytes");
        }
    }

    /**
     * What the protocol writes after loseConnection is dropped, as the chapter says ("What differs
     * from Twisted"): the peer gets what was written before it, then the end of the stream.
     */
    @Test
    void aWriteAfterLoseConnectionIsDropped() throws Exception {
        InetSocketAddress address = reactor.listenTCP(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                peer -> new Protocol() {
                    @Override
                    protected void connectionMade() {
                        transport().write("before\n".getBytes(StandardCharsets.US_ASCII));
                        transport().loseConnection();
                        transport().write("after\n".getBytes(StandardCharsets.US_ASCII));
                    }
                });

        try (LineSocket reader = LineSocket.connect(address.getPort())) {
            assertEquals("before", reader.readLine());
            assertTrue(reader.closedByServer(), "the line written after loseConnection was sent");
        }
    }

    /**
     * A peer that says it is done sending (a half-close) may still be reading: the last bytes
     * still reach it, all of them, and then the socket is closed at once (the peer has already
     * ended its side: there is nothing to linger for, and no flush deadline to wait out).
     */
    @Test
    void aPeerThatHalfClosesStillGetsEveryQueuedByte() throws Exception {
        byte[] payload = new byte[HALF_CLOSE_PAYLOAD_BYTES];
        Arrays.fill(payload, (byte) 'x');
        CompletableFuture<String> lostReason = new CompletableFuture<>();
        CompletableFuture<Connection> connection = new CompletableFuture<>();
        InetSocketAddress address = reactor.listenTCP(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                peer -> new Protocol() {
                    @Override
                    protected void connectionMade() {
                        connection.complete((Connection) transport());
                        transport().write(payload); // most of it waits in the queue
                        transport().loseConnection();
                    }

                    @Override
                    protected void connectionLost(String reason) {
                        lostReason.complete(reason);
                    }
                });

        try (LineSocket reader = LineSocket.connectWithReceiveBuffer(address.getPort(), 4096)) {
            reader.finishSending(); // reaches the server long before the queue can drain

            assertEquals(HALF_CLOSE_PAYLOAD_BYTES, reader.readToEnd());
            assertEquals("closed by this side", lostReason.get(10, TimeUnit.SECONDS));
            await().atMost(FLUSH_TIMEOUT.dividedBy(2)).until(() -> connection.join().socketClosed());
        }
    }

    /**
     * Once a half-closed peer's end-of-stream is read, the server stops asking to read: select()
     * would report that end again at every turn, and the reactor thread would spin on a core for
     * as long as the peer takes to read the rest. Watched here on the reactor thread's CPU time
     * while the peer reads nothing for a second.
     */
    @Test
    void aPeerThatHalfClosesAndThenReadsNothingCostsTheReactorThreadNoCpu() throws Exception {
        byte[] payload = new byte[HALF_CLOSE_PAYLOAD_BYTES];
        CompletableFuture<Void> queued = new CompletableFuture<>();
        InetSocketAddress address = reactor.listenTCP(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                peer -> new Protocol() {
                    @Override
                    protected void connectionMade() {
                        transport().write(payload); // most of it waits in the queue
                        transport().loseConnection();
                        queued.complete(null);
                    }
                });

        try (LineSocket reader = LineSocket.connectWithReceiveBuffer(address.getPort(), 4096)) {
            queued.get(10, TimeUnit.SECONDS);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long reactorThread = Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                    .filter(info -> info != null && info.getThreadName().equals(reactor.threadName()))
                    .findFirst().orElseThrow().getThreadId();
            long cpuBefore = threads.getThreadCpuTime(reactorThread);
            assertTrue(cpuBefore >= 0, "this JVM measures a thread's CPU time"); // -1 if not, and the check below would pass

            reader.finishSending();

            await("the reactor thread's CPU time since the half-close stays under 100 ms")
                    .during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> threads.getThreadCpuTime(reactorThread) - cpuBefore < TimeUnit.MILLISECONDS.toNanos(100));
            assertEquals(HALF_CLOSE_PAYLOAD_BYTES, reader.readToEnd(), "and then it gets every byte");
        }
    }

    /**
     * A peer that is still sending when the last queued bytes go out still gets all of them. The
     * queue empties into the kernel's send buffer, which can hold megabytes not yet delivered;
     * closing the socket then, with the peer's newest bytes unread, would make the kernel send
     * a reset and throw that buffer away. So the server sends its end-of-stream after those
     * bytes, tells the protocol the connection is over, drops what the peer still sends, and
     * closes the socket once the peer closes its side.
     */
    @Test
    void aPeerStillSendingWhenTheQueueDrainsStillGetsEveryByte() throws Exception {
        try (ChattyPeer peer = new ChattyPeer(false)) {
            boolean watched = peer.assertServerSocketOpen(Duration.ofSeconds(1)); // lingers while the peer still sends

            peer.socket.finishSending(); // the end of its side: now the server closes, well before its deadline
            await().atMost(FLUSH_TIMEOUT.dividedBy(2)).until(peer::serverSocketClosed);
            assumeWatched(watched);
        }
    }

    /** A peer that takes everything but never closes its side is closed when the flush timeout is over. */
    @Test
    void aPeerThatNeverEndsItsSideIsClosedWhenTheFlushTimeoutIsOver() throws Exception {
        try (ChattyPeer peer = new ChattyPeer(false)) {
            boolean watched = peer.assertServerSocketOpen(FLUSH_TIMEOUT); // up to the deadline, not closed before it
            await().atMost(FLUSH_TIMEOUT.multipliedBy(2)).until(peer::serverSocketClosed);
            peer.talker.join(TimeUnit.SECONDS.toMillis(10)); // its writes fail once the socket is closed
            assertFalse(peer.talker.isAlive(), "the peer could still send after the close");
            assumeWatched(watched);
        }
    }

    /**
     * On a client, the protocol hears connectionLost once its last bytes are out, but the
     * factory hears clientConnectionLost only when the socket is really closed: a client that
     * stops its reactor then (as SpreadClient does) must not cut the lingering close short.
     */
    @Test
    void aClientFactoryHearsOfTheLossOnlyWhenTheSocketIsClosed() throws Exception {
        CompletableFuture<String> protocolLost = new CompletableFuture<>();
        CompletableFuture<String> factoryLost = new CompletableFuture<>();
        CompletableFuture<Long> askedToClose = new CompletableFuture<>();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            reactor.connectTCP((InetSocketAddress) server.getLocalSocketAddress(), new ClientFactory() {
                @Override
                public Protocol buildProtocol(InetSocketAddress address) {
                    return new Protocol() {
                        @Override
                        protected void connectionMade() {
                            transport().write("goodbye\n".getBytes(StandardCharsets.US_ASCII));
                            askedToClose.complete(System.nanoTime());
                            transport().loseConnection();
                        }

                        @Override
                        protected void connectionLost(String reason) {
                            protocolLost.complete(reason);
                        }
                    };
                }

                @Override
                public void clientConnectionLost(String reason) {
                    factoryLost.complete(reason);
                }
            });
            try (Socket accepted = server.accept()) {
                accepted.setSoTimeout(10_000);
                byte[] received = accepted.getInputStream().readAllBytes(); // to the client's end-of-stream
                assertEquals("goodbye\n", new String(received, StandardCharsets.US_ASCII));
                assertEquals("closed by this side", protocolLost.get(10, TimeUnit.SECONDS));
                // A task runs between the reactor's callbacks: once one sent now has run, the
                // callback that told the protocol is over, and the factory would have heard by then.
                CompletableFuture<Void> callbackOver = new CompletableFuture<>();
                reactor.callFromThread(() -> callbackOver.complete(null));
                callbackOver.get(10, TimeUnit.SECONDS);
                // Unless the flush deadline is near (a test thread stalled for seconds): then the
                // socket is rightly closed already, and the factory rightly told.
                if (!safelyBeforeTheDeadline(askedToClose.join()).isZero()) {
                    assertFalse(factoryLost.isDone(), "the factory heard of it before the socket closed");
                }
            } // closing our side ends the client's lingering close
            assertEquals("closed by this side", factoryLost.get(FLUSH_TIMEOUT.toSeconds() / 2, TimeUnit.SECONDS));
        }
    }

    /**
     * A protocol whose connectionLost throws is done with its connection all the same: the error
     * is logged, and the lingering close goes on. Aborting the connection for it, as for a throw
     * in any other callback, would reset it and lose the last bytes the lingering is there for.
     */
    @Test
    void aConnectionLostThatThrowsDoesNotCutTheLingeringCloseShort() throws Exception {
        expectedErrors = 1;
        try (ChattyPeer peer = new ChattyPeer(true)) {
            peer.socket.finishSending();
            await().atMost(FLUSH_TIMEOUT.dividedBy(2)).until(peer::serverSocketClosed);
        }
        assertTrue(log.errors().stream().anyMatch(error -> error.contains("connectionLost threw")), "errors: " + log.errors());
    }

    /**
     * A peer that keeps sending to a server that sends it HALF_CLOSE_PAYLOAD_BYTES (most of it
     * queued) and then calls loseConnection. The constructor returns only once the peer has read
     * every one of those bytes, which it must get although it kept sending, and the server's
     * protocol has heard connectionLost.
     */
    private final class ChattyPeer implements AutoCloseable {

        final LineSocket socket;
        final Thread talker;
        private final CompletableFuture<Connection> connection = new CompletableFuture<>();
        /** When the server's protocol called loseConnection: the flush deadline is FLUSH_TIMEOUT after it. */
        private final CompletableFuture<Long> askedToClose = new CompletableFuture<>();

        /** @param throwOnLost whether the server's connectionLost throws */
        ChattyPeer(boolean throwOnLost) throws Exception {
            CompletableFuture<String> lostReason = new CompletableFuture<>();
            InetSocketAddress address = listenSendingThenHangingUp(throwOnLost, lostReason);
            socket = LineSocket.connectWithReceiveBuffer(address.getPort(), 4096);
            talker = new Thread(this::keepTalking, "chatty-talker");
            talker.start();
            try {
                assertEquals(HALF_CLOSE_PAYLOAD_BYTES, socket.readToEnd(), "bytes received while still sending");
                assertEquals("closed by this side", lostReason.get(10, TimeUnit.SECONDS));
            } catch (Throwable failed) { // no try-with-resources holds this peer yet: close it here
                close();
                throw failed;
            }
        }

        /**
         * The server's socket stays open for {@code atMost}, or until shortly before the flush
         * deadline if that comes first: the deadline's timer never fires early, so a close before
         * it is the lingering cut short. False if the deadline was already too near to watch.
         */
        boolean assertServerSocketOpen(Duration atMost) {
            long askedAt = askedToClose.join();
            long deadline = flushDeadline(askedAt);
            Duration left = safelyBeforeTheDeadline(askedAt);
            Duration window = left.compareTo(atMost) < 0 ? left : atMost;
            if (window.toMillis() < 100) {
                return false; // a loaded machine stalled this thread until the deadline was near
            }
            // Closed, and seen before the deadline: the lingering was cut short, and that fails at
            // once (during() alone would only start its window again, and pass once the deadline
            // is over). Seen only after it, by a poll a starved machine held up: it may have been
            // on time.
            await("the server's socket to stay open")
                    .failFast("the server's socket closed before the flush deadline",
                            () -> serverSocketClosed() && System.nanoTime() - deadline < 0)
                    .during(window).atMost(window.plusSeconds(5))
                    .until(() -> !serverSocketClosed() || System.nanoTime() - deadline >= 0);
            return true;
        }

        /** Whether the server's socket is closed, not only its sending side. */
        boolean serverSocketClosed() {
            return connection.join().socketClosed();
        }

        private InetSocketAddress listenSendingThenHangingUp(boolean throwOnLost, CompletableFuture<String> lostReason)
                throws IOException {
            byte[] payload = new byte[HALF_CLOSE_PAYLOAD_BYTES];
            Arrays.fill(payload, (byte) 'x');
            return reactor.listenTCP(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    peer -> new Protocol() {
                        @Override
                        protected void connectionMade() {
                            connection.complete((Connection) transport());
                            transport().write(payload); // most of it waits in the queue
                            askedToClose.complete(System.nanoTime());
                            transport().loseConnection();
                        }

                        @Override
                        protected void connectionLost(String reason) {
                            lostReason.complete(reason);
                            if (throwOnLost) {
                                throw new IllegalStateException("a bug in connectionLost, on purpose");
                            }
                        }
                    });
        }

        /** Sends to the server every millisecond or so until the connection fails. */
        private void keepTalking() {
            byte[] chatter = "still talking\n".repeat(64).getBytes(StandardCharsets.US_ASCII);
            try {
                while (true) {
                    socket.sendBytes(chatter);
                    Thread.sleep(1); // still sending, without taking a core from the other tests
                }
            } catch (IOException closed) {
                // the server closed the socket, or this side ended: nothing more to say
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
            talker.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    /** Well past what the two kernels hold (see PAYLOAD_BYTES), and quick to read. */
    private static final int HALF_CLOSE_PAYLOAD_BYTES = 8 * 1024 * 1024;
}
