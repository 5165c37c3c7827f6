package gameloop.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.Game;
import gameloop.shared.GameServer;
import gameloop.shared.Player;
import gameloop.shared.Protocol;
import gameloop.shared.ServerSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A game's join, key and leave hooks run on Jetty's threads, and its close on whichever thread
 * stops the server. If one throws, an Error included, the server says so in its log, deals with
 * what the hook was about, and goes on: no ghost player counted as online, no exception text
 * sent to the client, no stalled or half-done shutdown.
 */
class FailingGameHooksTest {

    /**
     * What a buggy game throws: an exception, an Error such as a failed assert, or a checked
     * exception its method never declared (Kotlin code and Lombok's {@code @SneakyThrows} throw
     * those, and Java's compiler cannot see them coming).
     */
    enum Bug {
        EXCEPTION, ERROR, UNDECLARED_CHECKED_EXCEPTION;

        void raise() {
            switch (this) {
                case ERROR -> throw new AssertionError("a bug in the game, on purpose");
                case UNDECLARED_CHECKED_EXCEPTION -> Bug.<RuntimeException>throwUndeclared(
                        new IOException("a bug in the game, on purpose"));
                default -> throw new IllegalStateException("a bug in the game, on purpose");
            }
        }

        @SuppressWarnings("unchecked")
        private static <T extends Throwable> void throwUndeclared(Throwable checked) throws T {
            throw (T) checked; // erased to Throwable: the compiler asks for no throws clause
        }
    }

    private final TestClients clients = new TestClients();
    private GameServer server;

    @BeforeAll
    static void captureTheLog() {
        ServerLog.capture();
    }

    @AfterEach
    void tearDown() {
        Teardown.closeAll(clients, server);
    }

    @ParameterizedTest
    @EnumSource(Bug.class)
    void aJoinTheGameFailsOnDisconnectsThatPlayerOnlyAndLeavesNoGhost(Bug bug) throws Exception {
        AtomicInteger joins = new AtomicInteger();
        List<Integer> left = new CopyOnWriteArrayList<>();
        server = GameServer.start(ServerSettings.forTest("failing-join-test", Duration.ofSeconds(1)), context -> new Game() {
            @Override
            public void playerJoined(Player player) {
                if (joins.incrementAndGet() == 2) {
                    bug.raise();
                }
            }

            @Override
            public void playerLeft(Player player) {
                left.add(player.id()); // the failed join's half-made state is undone here
            }

            @Override
            public void close() {
            }
        });
        TestClient bystander = clients.connect(server.webSocketUri());
        await().until(() -> server.players().count() == 1);

        TestClient unlucky = clients.connect(server.webSocketUri());
        TestClient.Closed closed = unlucky.closed().get(10, TimeUnit.SECONDS);
        assertEquals(StatusCode.SERVER_ERROR, closed.code());
        assertEquals("the game could not take this player in", closed.reason());
        ServerLog.awaitLine(server, "The game failed to take in player 2; disconnecting it, the others play on\\R.*a bug in the game, on purpose.*");
        await().until(() -> server.players().count() == 1);
        await().until(() -> left.equals(List.of(2))); // the game hears that player leave, once

        bystander.send("65");
        await().until(() -> bystander.hasReceived(Protocol.pressed(65)));
        assertFalse(bystander.closed().isDone(), "the player already in was disconnected too");
        TestClient next = clients.connect(server.webSocketUri());
        next.send("66");
        await().until(() -> next.hasReceived(Protocol.pressed(66)));
        assertEquals(2, server.players().count());
        assertEquals(List.of(2), left, "players the game heard leave");
    }

    @ParameterizedTest
    @EnumSource(Bug.class)
    void aLeaveTheGameFailsOnDoesNotHoldUpTheShutdown(Bug bug) throws Exception {
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
                bug.raise();
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
            // to leave, it drops.
            // Tasks, not bare threads, so that a failure in either fails this test.
            ServerLog.Closing closing = ServerLog.startClosingOnTheServersOwnThread(server);
            FutureTask<Void> dropped = new FutureTask<>(() -> {
                await().pollInterval(Duration.ofMillis(1)).until(closing::isWaitingForThePlayersToLeave);
                silent.resetAbruptly();
                return null;
            });
            Thread dropper = new Thread(dropped, "failing-leave-test-dropper");

            dropper.start();
            closing.finish();
            dropped.get(10, TimeUnit.SECONDS);

            // The server waits up to 1 s for its close frames to go out (Jetty does not wait for
            // an answer to a 1001), and is woken as each player leaves. A leave the game fails on
            // must still wake it.
            long took = ServerLog.goodbyeMillis(server);
            assertTrue(took < 900, "the shutdown waited out its timeout: " + took + " ms");
            ServerLog.awaitLine(server, "The game failed on player \\d+ leaving; it is gone all the same\\R.*a bug in the game, on purpose.*");
        }
    }

    /** A thread of the game's own that dies of an exception nobody catches: its death is in the server's log. */
    @ParameterizedTest
    @EnumSource(Bug.class)
    void aGameThreadThatDiesOfAnUncaughtExceptionIsLogged(Bug bug) throws Exception {
        server = GameServer.start(ServerSettings.forTest("dying-thread-test", Duration.ofSeconds(1)), context -> new Game() {
            @Override
            public void start() {
                context.threads("worker").newThread(bug::raise).start();
            }

            @Override
            public void close() {
            }
        });

        ServerLog.awaitLine(server, "Thread " + server.threadNamePrefix() + "worker-1 died\\R.*a bug in the game, on purpose.*");
    }

    /** A game that fails to stop: the players still get their goodbye, and the server still stops. */
    @ParameterizedTest
    @EnumSource(Bug.class)
    void aStopTheGameFailsOnStillSaysGoodbyeAndStopsTheServer(Bug bug) throws Exception {
        server = GameServer.start(ServerSettings.forTest("failing-close-test", Duration.ofSeconds(1)), context -> new Game() {
            @Override
            public void close() {
                bug.raise();
            }
        });
        TestClient player = clients.connect(server.webSocketUri());
        await().until(() -> server.players().count() == 1);

        // Like the server's own shutdown hook, whose log lines count as the server's; close()
        // must not throw there, as the hook has nobody to throw to (this fails the test if it does).
        ServerLog.closeOnTheServersOwnThread(server);

        assertEquals(StatusCode.SHUTDOWN, player.closed().get(10, TimeUnit.SECONDS).code());
        ServerLog.awaitLine(server, "Stopping the game failed; stopping the server anyway\\R.*a bug in the game, on purpose.*");
        await().untilAsserted(() -> assertEquals(List.of(), Threads.alive(server.threadNamePrefix())));
    }

    @ParameterizedTest
    @EnumSource(Bug.class)
    void aKeyTheGameFailsOnClosesThatConnectionOnly(Bug bug) throws Exception {
        server = GameServer.start(ServerSettings.forTest("failing-key-test", Duration.ofSeconds(1)), context -> new Game() {
            @Override
            public void keyPressed(Player player, int keyCode) {
                if (keyCode == 13) {
                    bug.raise();
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

        TestClient.Closed closed = unlucky.closed().get(10, TimeUnit.SECONDS);
        assertEquals(StatusCode.SERVER_ERROR, closed.code());
        assertEquals("the game failed on this key", closed.reason());
        ServerLog.awaitLine(server, "The game failed on a key from player \\d+; disconnecting it, the others play on\\R.*a bug in the game, on purpose.*");
        await().until(() -> server.players().count() == 1);
        bystander.send("65");
        await().until(() -> bystander.hasReceived(Protocol.pressed(65)));
    }
}
