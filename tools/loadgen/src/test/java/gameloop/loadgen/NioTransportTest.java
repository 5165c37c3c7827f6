package gameloop.loadgen;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.testkit.Threads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tool's own WebSocket client against a hand-written server on a plain socket, so each test
 * can send exactly the bytes a real server might, including ones the examples' server never
 * sends: a message in fragments (Jetty splits only messages over 64 KiB, and ours are a few
 * bytes), a frame cut in two, a ping, a refused upgrade, a masked frame.
 * (LoadGeneratorTest runs it against the examples' real server.)
 */
class NioTransportTest {

    private static final AtomicInteger TESTS = new AtomicInteger();
    /**
     * Generous: every test's handshake must finish within it, while other tests load both cores.
     * The one test that waits for it to run out makes a transport of its own, with a short one.
     */
    private static final Duration UPGRADE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SHORT_UPGRADE_TIMEOUT = Duration.ofMillis(500);

    /** One per test: they run in parallel, and each checks that its own threads are gone. */
    private final String prefix = "nio-test" + TESTS.incrementAndGet() + "-";

    private ServerSocket listener;
    private NioTransport transport;
    private TickLedger ledger;
    private LoadClient client;

    @BeforeEach
    void setUp() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        transport = new NioTransport(prefix, 1, UPGRADE_TIMEOUT);
        ledger = new TickLedger();
        ledger.openWindow(System.nanoTime(), 1 << 16);
        client = new LoadClient(ledger, new Echoes());
    }

    @AfterEach
    void tearDown() throws IOException {
        try {
            transport.close();
        } finally {
            listener.close();
        }
        Threads.assertNoneLeft(prefix, Duration.ofSeconds(5));
    }

    @Test
    void anIdleReadingThreadAnswersItsProbeAtOnce() throws Exception {
        CompletableFuture<Long> answered = new CompletableFuture<>();
        awaitBlockedInSelect();

        transport.probeReadingDelay(answered::complete);

        // The probe's wakeup ends the blocked select, but that round began before the probe. A
        // next select that blocks until data comes would hold the probe for ever: there is none.
        assertTrue(answered.get(5, TimeUnit.SECONDS) >= 0);
    }

    /** Until the reading thread waits in a select that blocks, as it does with nothing to do. */
    private void awaitBlockedInSelect() {
        Thread reader = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(prefix + "nio-1")).findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> Arrays.stream(reader.getStackTrace())
                .anyMatch(f -> f.getClassName().equals("sun.nio.ch.SelectorImpl") && f.getMethodName().equals("select")));
    }

    /**
     * A probe asked by another thread while the reading thread is in the middle of a round,
     * reading a socket, waits for the next round: the round under way may have read a socket just
     * before a message landed on it. So the task queued just after the probe, which runs between
     * the rounds, comes first.
     */
    @Test
    void aProbeAskedWhileARoundReadsIsAnsweredAfterTheNextRound() throws Exception {
        NioTransport.Reactor reactor = onlyReactor();
        Queue<String> order = new ConcurrentLinkedQueue<>();
        CompletableFuture<Void> probed = new CompletableFuture<>();
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Pipe pipe = Pipe.open();
        try {
            register(reactor, pipe, (key, buffer) -> {
                drain(key, buffer);
                reading.countDown();
                awaitQuietly(release);
            });
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            assertTrue(reading.await(5, TimeUnit.SECONDS));

            reactor.probe(System.nanoTime(), delay -> {
                order.add("probe answered");
                probed.complete(null);
            });
            reactor.execute(() -> order.add("task queued after the probe"));
            release.countDown();

            probed.get(5, TimeUnit.SECONDS);
            assertEquals(List.of("task queued after the probe", "probe answered"), List.copyOf(order));
        } finally {
            release.countDown();
            pipe.sink().close();
            pipe.source().close();
        }
    }

    /**
     * One select hands over at most 1024 ready keys: with 2500 sockets ready when the probe is
     * asked, it takes three rounds to read them, and the probe waits for all three.
     */
    @Test
    void aProbeWaitsForEverySocketReadyBeforeItBeyondOneSelectsBatch() throws Exception {
        NioTransport.Reactor reactor = onlyReactor();
        int count = 2500;
        AtomicInteger bytesRead = new AtomicInteger();
        List<Pipe> pipes = new ArrayList<>();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (int i = 0; i < count; i++) {
                Pipe pipe = Pipe.open();
                pipes.add(pipe);
                register(reactor, pipe, (key, buffer) -> bytesRead.addAndGet(drain(key, buffer)));
            }
            reactor.execute(() -> {
                held.countDown(); // the reading thread waits here, between rounds, while every pipe gets its byte
                awaitQuietly(release);
            });
            assertTrue(held.await(5, TimeUnit.SECONDS));
            for (Pipe pipe : pipes) {
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            }
            CompletableFuture<Integer> readWhenAnswered = new CompletableFuture<>();

            reactor.probe(System.nanoTime(), delay -> readWhenAnswered.complete(bytesRead.get()));
            release.countDown();

            assertEquals(count, readWhenAnswered.get(5, TimeUnit.SECONDS));
        } finally {
            release.countDown();
            for (Pipe pipe : pipes) {
                pipe.sink().close();
                pipe.source().close();
            }
        }
    }

    private interface OnReady {
        void ready(SelectionKey key, ByteBuffer readBuffer);
    }

    /** Registers the pipe's reading end with the reactor, on its thread, and waits until it is. */
    private static void register(NioTransport.Reactor reactor, Pipe pipe, OnReady onReady) throws Exception {
        pipe.source().configureBlocking(false);
        CompletableFuture<Void> registered = new CompletableFuture<>();
        reactor.execute(() -> {
            try {
                pipe.source().register(reactor.selector(), SelectionKey.OP_READ, new NioTransport.Attachment() {
                    @Override
                    public void ready(SelectionKey key, ByteBuffer readBuffer) {
                        onReady.ready(key, readBuffer);
                    }

                    @Override
                    public void abort() {
                    }
                });
                registered.complete(null);
            } catch (IOException e) {
                registered.completeExceptionally(e);
            }
        });
        registered.get(5, TimeUnit.SECONDS);
    }

    private static int drain(SelectionKey key, ByteBuffer buffer) {
        try {
            buffer.clear();
            return Math.max(0, ((ReadableByteChannel) key.channel()).read(buffer));
        } catch (ClosedChannelException closedByTheTestsTeardown) {
            key.cancel(); // the test is over and closed its pipes under the reading thread
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A probe asked while the reading thread is busy in a round (here, by that thread itself,
     * running a task after its select) is answered only after a round that begins later: the
     * task queued just after it, which runs in the same round, comes first.
     */
    @Test
    void aProbeAskedDuringARoundIsAnsweredAfterTheNextRound() throws Exception {
        NioTransport.Reactor reactor = onlyReactor();
        Queue<String> order = new ConcurrentLinkedQueue<>();
        CompletableFuture<Void> probed = new CompletableFuture<>();

        reactor.execute(() -> {
            reactor.probe(System.nanoTime(), delay -> {
                order.add("probe answered");
                probed.complete(null);
            });
            reactor.execute(() -> order.add("task of the same round"));
        });

        probed.get(5, TimeUnit.SECONDS);
        assertEquals(List.of("task of the same round", "probe answered"), List.copyOf(order));
    }

    private NioTransport.Reactor onlyReactor() {
        return transport.reactor(0);
    }

    private CompletableFuture<Void> connect() {
        return transport.connect(URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/connect"), client);
    }

    /** Connects, lets the hand-written server accept the upgrade, and waits until it is open. */
    private Peer open() throws Exception {
        CompletableFuture<Void> opened = connect();
        Peer peer = Peer.accept(listener);
        peer.acceptUpgrade();
        opened.get(5, TimeUnit.SECONDS);
        return peer;
    }

    @Test
    void reassemblesFragmentsAndFramesCutInTwo() throws Exception {
        try (Peer peer = open()) {
            peer.send(frame(false, WebSocketFrames.TEXT, "game loop says: "));
            peer.send(frame(true, WebSocketFrames.CONTINUATION, "tick 1"));
            byte[] second = frame(true, WebSocketFrames.TEXT, "game loop says: tick 2");
            peer.sendInTwo(second, 3); // the client's first read gets the 2-byte header and 1 byte of the payload

            await().until(() -> client.tickMessages() == 2);
            assertEquals(0, client.unknownMessages());
            assertEquals(0, client.outOfOrder());
        }
    }

    @Test
    void readsAFrameWithATwoByteLengthAndAFrameThatCameWithThe101() throws Exception {
        CompletableFuture<Void> opened = connect();
        try (Peer peer = Peer.accept(listener)) {
            String key = peer.readKey();
            byte[] response = Peer.upgradeResponse(key).getBytes(StandardCharsets.ISO_8859_1);
            peer.send(concat(response, frame(true, WebSocketFrames.TEXT, "game loop says: tick 1"))); // one write
            opened.get(5, TimeUnit.SECONDS);

            String padded = "game loop says: tick" + " ".repeat(300) + "2"; // 321 bytes: over 125, so its length takes 2 more bytes
            peer.send(frame(true, WebSocketFrames.TEXT, padded));

            await().until(() -> client.tickMessages() == 2);
            assertEquals(0, client.unknownMessages());
        }
    }

    /**
     * The response head may come in pieces too (a proxy, or a server that writes its headers one
     * by one): what one read got of it is kept for the next, and a tick right behind it is read.
     */
    @Test
    void readsAnUpgradeResponseThatArrivesInPieces() throws Exception {
        CompletableFuture<Void> opened = connect();
        try (Peer peer = Peer.accept(listener)) {
            byte[] response = Peer.upgradeResponse(peer.readKey()).getBytes(StandardCharsets.ISO_8859_1);
            peer.sendByteByByte(concat(response, frame(true, WebSocketFrames.TEXT, "game loop says: tick 1")));

            opened.get(5, TimeUnit.SECONDS);
            await().until(() -> client.tickMessages() == 1);
            assertEquals(1, client.lastTick());
        }
    }

    /** A payload length takes 7 bits, 2 more bytes or 8 more; a read may end after any byte of a frame. */
    @Test
    void readsEveryLengthEncodingWhereverAReadEnds() throws Exception {
        try (Peer peer = open()) {
            peer.sendByteByByte(frame(true, WebSocketFrames.TEXT, bytes("game loop says: tick 1"), 0));
            peer.sendByteByByte(frame(true, WebSocketFrames.TEXT, bytes("game loop says: tick 2"), 2));
            peer.sendByteByByte(frame(true, WebSocketFrames.TEXT, bytes("game loop says: tick 3"), 8));

            await().until(() -> client.tickMessages() == 3);
            assertEquals(0, client.unknownMessages());
            assertEquals(3, client.lastTick());
        }
    }

    /** What a read returns after a stall: many frames at once, with a ping between the fragments of a message. */
    @Test
    void readsThousandsOfFramesFromOneWriteWithAPingInsideAFragmentedMessage() throws Exception {
        try (Peer peer = open()) {
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            burst.writeBytes(frame(false, WebSocketFrames.TEXT, "game loop "));
            burst.writeBytes(frame(true, WebSocketFrames.PING, "between fragments"));
            burst.writeBytes(frame(true, WebSocketFrames.CONTINUATION, "says: tick 1"));
            for (int tick = 2; tick <= 3000; tick++) {
                burst.writeBytes(frame(true, WebSocketFrames.TEXT, bytes("game loop says: tick " + tick), new int[] {0, 2, 8}[tick % 3]));
            }
            peer.send(burst.toByteArray());

            assertEquals("between fragments", peer.readFrame().text(), "the pong");
            await().until(() -> client.tickMessages() == 3000);
            assertEquals(0, client.unknownMessages());
            assertEquals(0, client.outOfOrder());
            assertEquals(3000, client.lastTick());
        }
    }

    @Test
    void readsAFrameOfTheLargestSizeThatArrivesInManyPieces() throws Exception {
        try (Peer peer = open()) {
            byte[] largest = frame(true, WebSocketFrames.TEXT, "y".repeat(NioConnection.MAX_PAYLOAD_BYTES).getBytes(StandardCharsets.UTF_8), 8);
            for (int from = 0; from < largest.length; from += 1000) {
                peer.send(Arrays.copyOfRange(largest, from, Math.min(largest.length, from + 1000)));
            }
            peer.send(frame(true, WebSocketFrames.TEXT, "game loop says: tick 1"));

            await().until(() -> client.tickMessages() == 1);
            assertEquals(1, client.unknownMessages(), "the large frame, read whole, is a message the tool does not know");
            assertTrue(client.isOpen());
        }
    }

    /**
     * A two-byte length is unsigned: 40,000 bytes, over 32,767, is a frame of 40,000 bytes, not
     * a negative length that ends the connection. Servers send lengths from 126 to 65,535 this way.
     */
    @Test
    void readsATwoByteLengthOver32KiBAsUnsigned() throws Exception {
        try (Peer peer = open()) {
            peer.send(frame(true, WebSocketFrames.TEXT, "y".repeat(40_000).getBytes(StandardCharsets.UTF_8), 2));
            peer.send(frame(true, WebSocketFrames.TEXT, "game loop says: tick 1"));

            await().until(() -> client.tickMessages() == 1 || client.closed().isDone());
            assertTrue(client.isOpen(), () -> "the connection ended: " + client.endReason());
            assertEquals(1, client.tickMessages());
            assertEquals(1, client.unknownMessages(), "the 40,000 bytes, read whole, are one message the tool does not know");
        }
    }

    @Test
    void queuesWhatTheSocketCannotTakeAndSendsItInOrder() throws Exception {
        try (Peer peer = open()) {
            int frames = 200; // 12 MB: more than the kernel's socket buffers, since the server reads none yet
            AtomicInteger failed = new AtomicInteger();
            for (int i = 0; i < frames; i++) {
                client.connection().sendText(String.valueOf((char) ('a' + i % 26)).repeat(60_000), failed::incrementAndGet);
            }

            for (int i = 0; i < frames; i++) {
                Peer.Frame frame = peer.readFrame();
                assertEquals(60_000, frame.payload().length);
                assertEquals(String.valueOf((char) ('a' + i % 26)).repeat(60_000), frame.text(), "frame " + i);
            }
            assertEquals(0, failed.get());
        }
    }

    /**
     * The reading thread asks for OP_WRITE only while frames wait in an outbox: left on once it
     * has drained, an always-writable socket would end every select at once, and the thread
     * would spin a core that the server under test needs. Counted in rounds of select, not in
     * CPU time: a spinning thread starved by a busy machine still goes round thousands of times.
     */
    @Test
    void theReadingThreadSleepsOnceWhatWasQueuedHasBeenSent() throws Exception {
        NioTransport.Reactor reader = onlyReactor();
        try (Peer peer = open()) {
            for (int i = 0; i < 200; i++) { // 12 MB: most waits in the outbox until the server reads
                client.connection().sendText("q".repeat(60_000), () -> { });
            }
            for (int i = 0; i < 200; i++) {
                peer.readFrame(); // the last frame read: the outbox has drained
            }

            long roundsBefore = reader.rounds();
            // Idle, it sleeps in select; spinning, it would come back at once, again and again.
            await("the reading thread to stay asleep").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> reader.rounds() - roundsBefore <= 2);
        }
    }

    @Test
    void keysStillQueuedWhenTheConnectionEndsAreCountedAsFailed() throws Exception {
        AtomicInteger failed = new AtomicInteger();
        try (Peer peer = open()) {
            for (int i = 0; i < 200; i++) { // 12 MB the server never reads: most of it stays queued
                client.connection().sendText("k".repeat(60_000), failed::incrementAndGet);
            }
        } // the server hangs up without reading
        await().until(() -> client.closed().isDone());
        assertTrue(failed.get() > 0, "queued sends lost silently when the connection ended");
    }

    @Test
    void answersAPingWithItsPayloadAndSendsKeysMasked() throws Exception {
        try (Peer peer = open()) {
            peer.send(frame(true, WebSocketFrames.PING, "are you there"));
            Peer.Frame pong = peer.readFrame();
            assertEquals(WebSocketFrames.PONG, pong.opcode());
            assertEquals("are you there", pong.text());

            long now = System.nanoTime();
            client.pressKey(now, now);
            Peer.Frame key = peer.readFrame();
            assertEquals(WebSocketFrames.TEXT, key.opcode());
            assertEquals("65", key.text(), "the first press is 'A'");
        }
    }

    @Test
    void answersTheServersCloseWithTheSameCodeAndEnds() throws Exception {
        try (Peer peer = open()) {
            assertTrue(client.isOpen());

            peer.send(frame(true, WebSocketFrames.CLOSE, WebSocketFrames.closePayload(1001, "going away")));

            Peer.Frame reply = peer.readFrame();
            assertEquals(WebSocketFrames.CLOSE, reply.opcode());
            assertArrayEquals(new byte[] {0x03, (byte) 0xE9}, reply.payload(), "1001 back");
            client.closed().get(5, TimeUnit.SECONDS);
            assertFalse(client.isOpen());
        } // the server hangs up first, as RFC 6455 asks; the client then closes its socket
    }

    /**
     * No data frame follows our close frame (RFC 6455, 5.5.1), not even a key that another thread
     * sends just as the reading thread answers the server's close: such a send fails, as one
     * after the close does. Ten connections in turn, as the moment is a matter of microseconds.
     */
    @Test
    void noKeyFollowsOurCloseFrameWhileAnotherThreadKeepsSending() throws Exception {
        for (int round = 1; round <= 10; round++) {
            client = new LoadClient(ledger, new Echoes());
            int connection = round;
            List<Integer> after = framesAfterOurCloseWhileAnotherThreadSends();
            assertEquals(0, after.size(), () -> "connection " + connection + ": " + after.size()
                    + " frames after our close, opcodes " + after.subList(0, Math.min(5, after.size())) + "...");
        }
    }

    private List<Integer> framesAfterOurCloseWhileAnotherThreadSends() throws Exception {
        try (Peer peer = open()) {
            Connection connection = client.connection();
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread presser = new Thread(() -> {
                while (sending.get()) {
                    connection.sendText("65", () -> { });
                }
            }, prefix + "presser");
            presser.start();
            try {
                for (int i = 0; i < 200; i++) {
                    peer.readFrame(); // the presses are under way
                }
                peer.send(frame(true, WebSocketFrames.CLOSE, WebSocketFrames.closePayload(1001, "going away")));
                while (peer.readFrame().opcode() != WebSocketFrames.CLOSE) {
                    // presses sent before the close: allowed
                }
                client.closed().get(5, TimeUnit.SECONDS);
            } finally {
                sending.set(false);
                presser.join();
            }
            return peer.framesUntilQuiet(Duration.ofMillis(200));
        }
    }

    @Test
    void closesPolitelyWhenTheRunEnds() throws Exception {
        try (Peer peer = open()) {
            client.close();
            Peer.Frame close = peer.readFrame();
            assertEquals(WebSocketFrames.CLOSE, close.opcode());
            assertArrayEquals(new byte[] {0x03, (byte) 0xE8}, Arrays.copyOf(close.payload(), 2), "1000");
            // The close ran as a task on the reading thread: one queued after it has run once that
            // task is over, so whatever it did to the connection, it did before the check below.
            CompletableFuture<Void> closeTaskOver = new CompletableFuture<>();
            onlyReactor().execute(() -> closeTaskOver.complete(null));
            closeTaskOver.get(5, TimeUnit.SECONDS);
            assertFalse(client.closed().isDone(), "it waits for the server's answer");

            peer.send(frame(true, WebSocketFrames.CLOSE, close.payload()));
            client.closed().get(5, TimeUnit.SECONDS);
        }
    }

    /** Upgrade responses the client must refuse: made from the request's key, and the reason it must give. */
    static Stream<Arguments> badUpgrades() {
        UnaryOperator<String> refused = key -> "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n";
        UnaryOperator<String> wrongKey = key -> Peer.upgradeResponse("someone else's key");
        UnaryOperator<String> noUpgradeHeader = key -> Peer.upgradeResponse(key).replace("Upgrade: websocket\r\n", "");
        UnaryOperator<String> noConnectionHeader = key -> Peer.upgradeResponse(key).replace("Connection: Upgrade\r\n", "");
        UnaryOperator<String> unofferedExtension = key -> Peer.upgradeResponse(key)
                .replace("\r\n\r\n", "\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n");
        UnaryOperator<String> unofferedSubprotocol = key -> Peer.upgradeResponse(key)
                .replace("\r\n\r\n", "\r\nSec-WebSocket-Protocol: chat\r\n\r\n");
        return Stream.of(
                Arguments.of("refused", refused, "HTTP/1.1 403 Forbidden"),
                Arguments.of("an accept key made from another key", wrongKey, "wrong Sec-WebSocket-Accept"),
                Arguments.of("a 101 without Upgrade: websocket", noUpgradeHeader, "does not upgrade to websocket"),
                Arguments.of("a 101 without Connection: Upgrade", noConnectionHeader, "lacks Connection: Upgrade"),
                Arguments.of("an extension it did not offer", unofferedExtension, "permessage-deflate"),
                Arguments.of("a subprotocol it did not offer", unofferedSubprotocol, "sec-websocket-protocol: chat"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badUpgrades")
    void aBadUpgradeResponseIsAFailureThatSaysWhy(String name, UnaryOperator<String> response, String reason) throws Exception {
        CompletableFuture<Void> opened = connect();
        try (Peer peer = Peer.accept(listener)) {
            peer.send(response.apply(peer.readKey()).getBytes(StandardCharsets.ISO_8859_1));

            ExecutionException e = assertThrows(ExecutionException.class, () -> opened.get(5, TimeUnit.SECONDS));
            assertInstanceOf(ProtocolException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains(reason), e.getCause().getMessage());
            client.closed().get(5, TimeUnit.SECONDS);
        }
    }

    /** Frames RFC 6455 forbids a server to send: each a tick, spoilt one way. */
    static Stream<Arguments> forbiddenFrames() {
        byte[] masked = frame(true, WebSocketFrames.TEXT, "game loop says: tick 1");
        masked[1] |= (byte) 0x80; // a server never masks
        byte[] reservedBit = frame(true, WebSocketFrames.TEXT, "game loop says: tick 1");
        reservedBit[0] |= 0x40; // RSV1, permessage-deflate's mark, which was never agreed
        byte[] reservedBit2 = frame(true, WebSocketFrames.TEXT, "game loop says: tick 1");
        reservedBit2[0] |= 0x20; // RSV2: no extension defines it, and none was agreed
        byte[] reservedBit3 = frame(true, WebSocketFrames.TEXT, "game loop says: tick 1");
        reservedBit3[0] |= 0x10; // RSV3: likewise
        byte[] fragmentedPing = frame(false, WebSocketFrames.PING, "a control frame comes whole");
        byte[] longPing = frame(true, WebSocketFrames.PING, new byte[126]); // control frames carry at most 125
        // Just the head of a text frame announcing 65,537 bytes (an eight-byte length): refused
        // on its length alone, before any of it is read.
        byte[] overLimit = {(byte) (0x80 | WebSocketFrames.TEXT), 127, 0, 0, 0, 0, 0, 1, 0, 1};
        // An eight-byte length of 2^32 + 22, then a tick of 22 bytes: the length is all eight
        // bytes, not their low four, which would read 22 and take the tick.
        byte[] overLimitInTheHighBytes = concat(new byte[] {(byte) (0x80 | WebSocketFrames.TEXT), 127, 0, 0, 0, 1, 0, 0, 0, 22},
                bytes("game loop says: tick 1"));
        // A tick of 80,000 bytes in two fragments of 40,000, each under the limit: the message is over it.
        byte[] longMessage = bytes("game loop says: tick" + " ".repeat(80_000 - 21) + "1");
        byte[] overLimitInFragments = concat(
                frame(false, WebSocketFrames.TEXT, Arrays.copyOfRange(longMessage, 0, 40_000)),
                frame(true, WebSocketFrames.CONTINUATION, Arrays.copyOfRange(longMessage, 40_000, 80_000)));
        return Stream.of(Arguments.of("masked", masked), Arguments.of("with a reserved bit", reservedBit),
                Arguments.of("with reserved bit 2", reservedBit2), Arguments.of("with reserved bit 3", reservedBit3),
                Arguments.of("a fragmented ping", fragmentedPing), Arguments.of("a ping of 126 bytes", longPing),
                Arguments.of("a frame over 64 KiB", overLimit),
                Arguments.of("a frame over 4 GiB, its length in the high bytes", overLimitInTheHighBytes),
                Arguments.of("a message over 64 KiB in fragments under it", overLimitInFragments));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forbiddenFrames")
    void aForbiddenFrameEndsTheConnectionAndCountsForNothing(String name, byte[] frame) throws Exception {
        try (Peer peer = open()) {
            peer.send(frame);

            client.closed().get(5, TimeUnit.SECONDS);
            assertEquals(0, client.tickMessages(), "nothing of that frame was taken as a tick");
        }
    }

    /**
     * {@code close()} from a thread with an interrupt pending still waits for every reading thread
     * (the run then reads what they recorded, so none may still be writing) and hands the
     * interrupt back.
     */
    @Test
    void closingFromAnInterruptedThreadStillWaitsForEveryReadingThread() throws Exception {
        NioTransport two = new NioTransport(prefix + "two-", 2, UPGRADE_TIMEOUT);
        CountDownLatch busy = new CountDownLatch(1);
        two.reactor(1).execute(() -> { // a reading thread busy for a moment, as with a burst to read
            busy.countDown();
            Threads.workIgnoringInterrupts(Duration.ofMillis(300));
        });
        try {
            assertTrue(busy.await(5, TimeUnit.SECONDS));
            Thread.currentThread().interrupt();
        } finally {
            two.close(); // also when the wait failed: the test owns this transport
        }

        assertTrue(Thread.interrupted(), "the interrupt was not handed back");
        assertEquals(List.of(), Threads.alive(prefix + "two-"), "close() returned before its threads ended");
    }

    /**
     * The connections are shared out among the reading threads, not all given to one: with one
     * thread held up, the tick sent to each of two connections reaches only the one the other
     * thread reads. (All on one thread, that thread would read every socket of a broadcast, and
     * its delay would be in the fan-out, the echoes and the reading delay.)
     */
    @Test
    void sharesTheConnectionsOutAmongItsReadingThreads() throws Exception {
        transport.close();
        transport = new NioTransport(prefix + "two-", 2, UPGRADE_TIMEOUT);
        LoadClient first = client;
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Peer one = open()) {
            client = new LoadClient(ledger, new Echoes());
            LoadClient second = client;
            try (Peer two = open()) {
                transport.reactor(1).execute(() -> {
                    held.countDown();
                    awaitQuietly(release);
                });
                assertTrue(held.await(5, TimeUnit.SECONDS));

                one.send(frame(true, WebSocketFrames.TEXT, "game loop says: tick 1"));
                two.send(frame(true, WebSocketFrames.TEXT, "game loop says: tick 1"));

                await().until(() -> first.tickMessages() + second.tickMessages() >= 1);
                await("the held thread's connection to wait for it").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                        .until(() -> first.tickMessages() + second.tickMessages() == 1);
                release.countDown();
                await().until(() -> first.tickMessages() == 1 && second.tickMessages() == 1);
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void stoppingTheTransportCutsOffAConnectionStillUpgrading() throws Exception {
        CompletableFuture<Void> opened = connect();
        try (Peer peer = Peer.accept(listener)) {
            peer.readRequestHead(); // and no answer yet

            transport.close();

            ExecutionException e = assertThrows(ExecutionException.class, () -> opened.get(5, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("stopped"), e.getCause().getMessage());
            assertTrue(client.closed().isDone());
            assertEquals(-1, peer.in.read(), "the socket was closed");
        }
    }

    @Test
    void aServerThatNeverAnswersTheUpgradeIsAFailureNotAHang() throws Exception {
        transport.close();
        // Its threads are named after this test too, so the teardown checks that they are gone.
        transport = new NioTransport(prefix + "short-", 1, SHORT_UPGRADE_TIMEOUT);
        CompletableFuture<Void> opened = connect();
        try (Peer peer = Peer.accept(listener)) {
            peer.readRequestHead(); // and say nothing
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> opened.get(SHORT_UPGRADE_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, e.getCause());
            client.closed().get(5, TimeUnit.SECONDS);
        }
    }

    /** One server frame: final or not, never masked, with a payload under 64 KiB. */
    private static byte[] frame(boolean last, int opcode, String text) {
        return frame(last, opcode, text.getBytes(StandardCharsets.UTF_8));
    }

    /** With its length in as few bytes as it fits, as servers send it. */
    private static byte[] frame(boolean last, int opcode, byte[] payload) {
        return frame(last, opcode, payload, payload.length < 126 ? 0 : 2);
    }

    /**
     * With its length in the 7 bits of the second byte, or in {@code lengthBytes} (2 or 8) more:
     * RFC 6455 asks senders for the shortest; this reader takes any that fits.
     */
    private static byte[] frame(boolean last, int opcode, byte[] payload, int lengthBytes) {
        ByteBuffer frame = ByteBuffer.allocate(2 + lengthBytes + payload.length);
        frame.put((byte) ((last ? 0x80 : 0) | opcode));
        switch (lengthBytes) {
            case 0 -> frame.put((byte) payload.length);
            case 2 -> frame.put((byte) 126).putShort((short) payload.length);
            case 8 -> frame.put((byte) 127).putLong(payload.length);
            default -> throw new IllegalArgumentException("a length takes 0, 2 or 8 more bytes, not " + lengthBytes);
        }
        return frame.put(payload).array();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
