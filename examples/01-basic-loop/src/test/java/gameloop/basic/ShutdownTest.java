package gameloop.basic;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.GameServer;
import gameloop.shared.ServerSettings;
import gameloop.testkit.RawWebSocket;
import gameloop.testkit.ServerLog;
import gameloop.testkit.TestClient;
import gameloop.testkit.TestClients;
import gameloop.testkit.Threads;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Stopping (what Ctrl+C runs) is quick, tells every client, and leaves nothing running. */
class ShutdownTest {

    @Test
    void stoppingWithClientsConnectedIsQuickTellsThemAndLeavesNoThreads() throws Exception {
        GameServer server = GameServer.start(ServerSettings.forTest("01-basic-loop", Duration.ofMillis(20)),
                FixedRateGameLoop::new);
        try (TestClients clients = new TestClients();
             RawWebSocket silent = RawWebSocket.connect(server.webSocketUri(), Map.of(), 4096)) {
            List<TestClient> connected = clients.connect(server.webSocketUri(), 3);
            await().until(() -> connected.stream().allMatch(c -> c.lastTickNumber() > 0));
            assertEquals(101, silent.status());
            await().until(() -> server.players().count() == 4); // one of them never reads, nor answers a close

            long started = System.nanoTime();
            server.close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "stopping took " + took);
            for (TestClient client : connected) {
                assertEquals(1001, client.closed().get(5, TimeUnit.SECONDS).code());
            }
            Threads.assertNoneLeft(server.threadNamePrefix(), Duration.ofSeconds(5));
        } finally {
            server.close(); // already done if all went well (it is idempotent); not if an assert failed early
        }
    }

    /**
     * What the terminal shows at Ctrl+C, line by line as chapter 01 quotes them: each player's
     * leave with the server's own 1001 and reason, the goodbye's summary, then "Stopped.".
     */
    @Test
    void atTheStopTheLogShowsEachLeaveTheGoodbyeAndStopped() throws Exception {
        ServerLog.capture();
        GameServer server = GameServer.start(ServerSettings.forTest("01-basic-loop", Duration.ofMillis(20)),
                FixedRateGameLoop::new);
        try (TestClients clients = new TestClients()) {
            TestClient client = clients.connect(server.webSocketUri());
            await().until(() -> client.lastTickNumber() > 0);

            ServerLog.closeOnTheServersOwnThread(server); // as the Ctrl+C hook does, on gsN-shutdown

            assertEquals(1001, client.closed().get(5, TimeUnit.SECONDS).code());
            ServerLog.awaitLine(server, "player \\d+ left \\(0 online\\): closed with 1001 \"server shutting down\"");
            ServerLog.awaitLine(server, "Said goodbye to 1 player; it left within \\d+ ms");
            ServerLog.awaitLine(server, "Stopped\\.");
        } finally {
            server.close();
        }
    }

    @Test
    void closeIsSafeToCallAgainAndFromSeveralThreads() throws Exception {
        GameServer server = GameServer.start(ServerSettings.forTest("01-basic-loop", Duration.ofMillis(20)),
                FixedRateGameLoop::new);
        Thread[] stoppers = new Thread[4];
        for (int i = 0; i < stoppers.length; i++) {
            stoppers[i] = new Thread(server::close, "stopper-" + i);
            stoppers[i].start();
        }
        for (Thread stopper : stoppers) {
            stopper.join(5_000);
            assertTrue(!stopper.isAlive(), stopper.getName() + " is stuck");
        }
        server.close();
        Threads.assertNoneLeft(server.threadNamePrefix(), Duration.ofSeconds(5));
    }

    /**
     * Jetty's own failure, from {@code start}; {@code runUntilShutdown}, what {@code main} calls,
     * turns it into one line that says what to do (the test kit's CannotListenTest).
     */
    @Test
    void aSecondServerOnATakenPortFailsToStartAndLeavesNoThread() throws Exception {
        GameServer first = GameServer.start(ServerSettings.forTest("01-basic-loop", Duration.ofMillis(20)),
                FixedRateGameLoop::new);
        try {
            ServerSettings samePort =
                    new ServerSettings("01-basic-loop", "127.0.0.1", first.port(), Duration.ofMillis(20));
            AtomicReference<String> threadNamePrefix = new AtomicReference<>();
            Exception failure = assertThrows(Exception.class, () -> GameServer.start(samePort, context -> {
                threadNamePrefix.set(context.threadNamePrefix());
                return new FixedRateGameLoop(context);
            }));
            assertTrue(String.valueOf(failure.getMessage()).contains("Failed to bind"), failure.toString());
            // Jetty binds its port before it starts its thread pool (Server's "open early", on by
            // default), and the game is never started: the failed start must leave no thread behind.
            Threads.assertNoneLeft(threadNamePrefix.get(), Duration.ofSeconds(5));
        } finally {
            first.close();
        }
    }
}
