package gameloop.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.Game;
import gameloop.shared.GameServer;
import gameloop.shared.Player;
import gameloop.shared.Protocol;
import gameloop.shared.ServerSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A game's join and leave hooks run on Jetty's threads. If one throws, the server says so, deals
 * with that one player, and goes on: no ghost player counted as online, no stalled shutdown.
 */
class FailingGameHooksTest {

    private final TestClients clients = new TestClients();
    private GameServer server;

    @AfterEach
    void tearDown() {
        Teardown.closeAll(clients, server);
    }

    @Test
    void aJoinTheGameFailsOnDisconnectsThatPlayerOnlyAndLeavesNoGhost() throws Exception {
        AtomicBoolean failNextJoin = new AtomicBoolean(true);
        server = GameServer.start(ServerSettings.forTest("failing-join-test", Duration.ofSeconds(1)), context -> new Game() {
            @Override
            public void playerJoined(Player player) {
                if (failNextJoin.getAndSet(false)) {
                    throw new IllegalStateException("a bug in the game, on purpose");
                }
            }

            @Override
            public void close() {
            }
        });

        TestClient unlucky = clients.connect(server.webSocketUri());
        assertEquals(StatusCode.SERVER_ERROR, unlucky.closed().get(10, TimeUnit.SECONDS).code());
        await().until(() -> server.players().count() == 0);

        TestClient next = clients.connect(server.webSocketUri());
        next.send("65");
        await().until(() -> next.hasReceived(Protocol.pressed(65)));
        assertEquals(1, server.players().count());
    }

    @Test
    void aLeaveTheGameFailsOnDoesNotHoldUpTheShutdown() throws Exception {
        CountDownLatch queued = new CountDownLatch(1);
        server = GameServer.start(ServerSettings.forTest("failing-leave-test", Duration.ofSeconds(1)), context -> new Game() {
            @Override
            public void playerJoined(Player player) {
                // More than the sockets' buffers hold, to a client that never reads: the close
                // frame the shutdown sends waits behind it, so the leave comes during the wait.
                player.send("x".repeat(16 << 20));
                queued.countDown();
            }

            @Override
            public void playerLeft(Player player) {
                throw new IllegalStateException("a bug in the game, on purpose");
            }

            @Override
            public void close() {
            }
        });
        try (RawWebSocket silent = RawWebSocket.connect(server.webSocketUri(), Map.of(), 4096)) {
            // The player is listed before playerJoined runs: wait for the 16 MiB itself, or the
            // shutdown's close frame could go first, and the test would not reach the wait it is about.
            assertTrue(queued.await(10, TimeUnit.SECONDS), "the game never queued its 16 MiB");
            // It never reads, so its close frame cannot be written; once the shutdown waits for it
            // to leave (the only timed wait in close() here), it drops.
            Thread closing = Thread.currentThread();
            // A task, not a bare thread, so that its failure fails this test.
            FutureTask<Void> dropped = new FutureTask<>(() -> {
                await().pollInterval(Duration.ofMillis(1)).until(() -> closing.getState() == Thread.State.TIMED_WAITING);
                silent.resetAbruptly();
                return null;
            });
            Thread dropper = new Thread(dropped, "failing-leave-test-dropper");

            long began = System.nanoTime();
            dropper.start();
            server.close();
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            dropped.get(10, TimeUnit.SECONDS);

            // The server waits up to 1 s for players to answer its close frame, and is woken as
            // each one leaves. A leave the game fails on must still wake it.
            assertTrue(took.compareTo(Duration.ofMillis(900)) < 0, "the shutdown waited out its timeout: " + took);
        }
    }

    @Test
    void aKeyTheGameFailsOnClosesThatConnectionOnly() throws Exception {
        server = GameServer.start(ServerSettings.forTest("failing-key-test", Duration.ofSeconds(1)), context -> new Game() {
            @Override
            public void keyPressed(Player player, int keyCode) {
                if (keyCode == 13) {
                    throw new IllegalStateException("a bug in the game, on purpose");
                }
                Game.super.keyPressed(player, keyCode);
            }

            @Override
            public void close() {
            }
        });
        TestClient unlucky = clients.connect(server.webSocketUri());
        TestClient bystander = clients.connect(server.webSocketUri());

        unlucky.send("13");

        assertEquals(StatusCode.SERVER_ERROR, unlucky.closed().get(10, TimeUnit.SECONDS).code());
        await().until(() -> server.players().count() == 1);
        bystander.send("65");
        await().until(() -> bystander.hasReceived(Protocol.pressed(65)));
    }
}
