package gameloop.loadgen;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gameloop.testkit.Threads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What both clients must do alike, whichever carries the run (NIO's or Jetty's), against a
 * hand-written server ({@link Peer}): a run's figures must not depend on the client, beyond the
 * reading delay only NIO's can probe.
 */
class TransportTest {

    private static final AtomicInteger TESTS = new AtomicInteger();
    /** Generous: every test's handshake must finish within it, while other tests load both cores. */
    private static final Duration UPGRADE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SHORT_UPGRADE_TIMEOUT = Duration.ofMillis(300);

    /** One per test: they run in parallel, and each checks that its own threads are gone. */
    private final String prefix = "transport-test" + TESTS.incrementAndGet() + "-";

    private ServerSocket listener;
    private Transport transport;
    private final Echoes echoes = new Echoes();
    private LoadClient client;

    @BeforeEach
    void setUp() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TickLedger ledger = new TickLedger();
        ledger.openWindow(System.nanoTime(), 1 << 16);
        client = new LoadClient(ledger, echoes);
    }

    @AfterEach
    void tearDown() throws IOException {
        try {
            if (transport != null) {
                transport.close();
            }
        } finally {
            listener.close();
        }
        Threads.assertNoneLeft(prefix, Duration.ofSeconds(5));
    }

    private void start(Transport.Kind kind, Duration upgradeTimeout) {
        transport = switch (kind) {
            case NIO -> new NioTransport(prefix, 1, upgradeTimeout);
            case JETTY -> new JettyTransport(prefix, 10, upgradeTimeout);
        };
    }

    private CompletableFuture<Void> connect() {
        return transport.connect(URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/connect"), client);
    }

    /**
     * A key press still waiting to go out when the server hangs up is counted as a failed send,
     * and so is no longer waiting for its echo. Were the failure lost, the press would wait to
     * the end of the run and be reported as never answered, blaming the server for a press it
     * never got. It waits behind 24 MB the server never reads, more than the kernel's socket
     * buffers take.
     */
    @ParameterizedTest
    @EnumSource(Transport.Kind.class)
    void aPressTheConnectionCouldNotSendIsAFailedSendNotAnUnansweredOne(Transport.Kind kind) throws Exception {
        start(kind, UPGRADE_TIMEOUT);
        CompletableFuture<Void> opened = connect();
        try (Peer peer = Peer.accept(listener)) {
            peer.acceptUpgrade();
            opened.get(5, TimeUnit.SECONDS);
            for (int i = 0; i < 400; i++) {
                client.connection().sendText("k".repeat(60_000), () -> { }); // not a press: counted nowhere
            }
            long now = System.nanoTime();
            client.pressKey(now, now);
            assertEquals(1, echoes.pressedCount());
        } // the server hangs up without reading

        await("the press counted as a failed send").atMost(Duration.ofSeconds(5))
                .until(() -> echoes.sendFailureCount() == 1);
        assertEquals(0, echoes.pending(), "still waiting for an echo, to be reported as never answered");
        assertEquals(0, echoes.echoedCount());
    }

    /**
     * A server that answers the upgrade after the client gave up on it (the run has counted the
     * connection as failed) is not left with a player that stays connected: the connection is
     * closed again.
     */
    @ParameterizedTest
    @EnumSource(Transport.Kind.class)
    void aConnectionUpgradedAfterItsTimeoutIsClosedAgain(Transport.Kind kind) throws Exception {
        start(kind, SHORT_UPGRADE_TIMEOUT);
        CompletableFuture<Void> opened = connect();
        try (Peer peer = Peer.accept(listener)) {
            String key = peer.readKey();
            ExecutionException e = assertThrows(ExecutionException.class, () -> opened.get(5, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, e.getCause());

            answerLate(peer, key);

            await("the client to end the connection").atMost(Duration.ofSeconds(5)).until(() -> client.closed().isDone());
            assertHungUp(peer);
        }
    }

    /** The client closed the socket: the server reads its end, or a reset if the late 101 met it closed. */
    private static void assertHungUp(Peer peer) throws IOException {
        try {
            assertEquals(-1, peer.in.read(), "the client hung up");
        } catch (SocketException reset) {
            // hung up as well (a timeout, still connected, is no SocketException: it fails the test)
        }
    }

    /** The 101, too late: the NIO client has closed its socket already, and the answer may find it so. */
    private static void answerLate(Peer peer, String key) {
        try {
            peer.send(Peer.upgradeResponse(key).getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException closedAlready) {
            // the client hung up already, as it should have
        }
    }
}
