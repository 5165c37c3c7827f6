package gameloop.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.Game;
import gameloop.shared.GameServer;
import gameloop.shared.Protocol;
import gameloop.shared.ServerSettings;
import gameloop.testkit.TestClient.Closed;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared wiring's idle timeout (five minutes in the examples; half a second in the first test
 * here, two seconds in the second): a
 * connection with no traffic either way is closed with 1001, and its player leaves. Every
 * example's loop sends ticks, which count as traffic, so in the examples only a connection open
 * while no loop runs ever reaches it (a peer that vanished while ticks flow is found by a send
 * instead, once the kernel gives up on it or its queue fills).
 */
class IdleTimeoutTest {

    private static final Duration IDLE_TIMEOUT = Duration.ofMillis(500);

    private final TestClients clients = new TestClients();
    private GameServer server;

    @AfterEach
    void tearDown() {
        Teardown.closeAll(clients, server);
    }

    @Test
    void aConnectionSilentBothWaysIsClosedWith1001OnceTheIdleTimeoutPassesAndTheLogSaysSo() throws Exception {
        ServerLog.capture();
        Game sendsNothing = () -> { };
        server = GameServer.start(ServerSettings.forTest("idle-test", Duration.ofSeconds(1)).withIdleTimeout(IDLE_TIMEOUT),
                context -> sendsNothing);

        long connected = System.nanoTime();
        TestClient silent = clients.connect(server.webSocketUri());
        // The join's log line, not the count: on a starved machine the count may be back to 0,
        // the idle timeout passed, before this thread looks.
        ServerLog.awaitLine(server, "player 1 joined from .* \\(1 online\\)");

        Closed closed = silent.closed().get(10, TimeUnit.SECONDS);
        long openMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connected);

        assertEquals(StatusCode.SHUTDOWN, closed.code(), "closed with " + closed);
        assertTrue(openMillis >= IDLE_TIMEOUT.toMillis(), "closed after " + openMillis + " ms, before the idle timeout");
        ServerLog.awaitLine(server, "player 1 left \\(0 online\\): connection error, WebSocketTimeoutException: Connection Idle Timeout");
        assertEquals(0, server.players().count());
    }

    /**
     * The shared README's promise (its table of limits) that ticks count as traffic: a client that
     * only listens is kept.
     */
    @Test
    void aClientThatOnlyReceivesIsKeptLongPastTheIdleTimeout() throws Exception {
        Duration idleTimeout = Duration.ofSeconds(2); // forty ticks: a busy machine's stall does not reach it
        server = GameServer.start(ServerSettings.forTest("idle-test", Duration.ofSeconds(1)).withIdleTimeout(idleTimeout),
                context -> new Game() {
                    private final ScheduledExecutorService loop =
                            Executors.newSingleThreadScheduledExecutor(context.threads("game-loop"));
                    private final AtomicLong ticks = new AtomicLong();

                    @Override
                    public void start() {
                        loop.scheduleAtFixedRate(() -> context.players().broadcast(Protocol.tick(ticks.incrementAndGet())),
                                0, 50, TimeUnit.MILLISECONDS);
                    }

                    @Override
                    public void close() {
                        Game.stopAndAwait(loop);
                    }
                });
        TestClient listener = clients.connect(server.webSocketUri());

        await().until(() -> listener.lastTickNumber() > 0);
        long first = listener.lastTickNumber();

        // Two idle timeouts' worth of ticks, and not a word from the client.
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.lastTickNumber() >= first + 80);

        assertFalse(listener.closed().isDone(), "closed while receiving ticks: " + listener.closed().getNow(null));
        assertEquals(1, server.players().count());
    }
}
