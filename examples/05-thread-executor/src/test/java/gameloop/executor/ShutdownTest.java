package gameloop.executor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.executor.GameState.Step;
import gameloop.shared.GameContext;
import gameloop.shared.GameServer;
import gameloop.shared.Players;
import gameloop.shared.Protocol;
import gameloop.shared.ServerSettings;
import gameloop.testkit.DeafWork;
import gameloop.testkit.ServerLog;
import gameloop.testkit.TestClient;
import gameloop.testkit.TestClients;
import gameloop.testkit.Threads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Stopping (what Ctrl+C runs) interrupts the blocked loop, tells every client, and leaves nothing running. */
class ShutdownTest {

    /**
     * The loop is in the middle of a minute-long blocking call: the simulation's, or its wait for
     * the state's owner, busy with a minute-long step. Only an interrupt can end either in time,
     * and only a loop that ends on the interrupt (instead of going round again) lets the server
     * stop within two seconds.
     */
    @ParameterizedTest
    @ValueSource(strings = {"the simulation", "the hand-over"})
    void stoppingInterruptsTheBlockedLoopAtOnceAndLeavesNoThreads(String blockedIn) throws Exception {
        AtomicBoolean blockNext = new AtomicBoolean();
        CountDownLatch blocked = new CountDownLatch(1);
        ThreadExecutorGame[] game = new ThreadExecutorGame[1];
        ServerLog.capture();
        GameServer server = GameServer.start(ServerSettings.forTest("05-thread-executor", Duration.ofMillis(20)),
                context -> game[0] = new ThreadExecutorGame(context, now -> {
                    if (blockedIn.equals("the simulation") && blockNext.getAndSet(false)) {
                        blocked.countDown();
                        Thread.sleep(Duration.ofMinutes(1).toMillis());
                    }
                    return new Step(now.tick() + 1);
                }, n -> {
                    if (blockedIn.equals("the hand-over") && blockNext.getAndSet(false)) {
                        blocked.countDown();
                        sleepUnlessInterrupted(Duration.ofMinutes(1)); // on the owner, while the loop waits for it
                    }
                    return Protocol.tick(n);
                }, Duration.ofMinutes(2))); // longer than the block: only the stop may end the wait
        try (TestClients clients = new TestClients()) {
            List<TestClient> players = clients.connect(server.webSocketUri(), 3);
            await().until(() -> players.stream().allMatch(p -> p.ticks().size() >= 2));
            blockNext.set(true);
            await().until(() -> blocked.getCount() == 0);

            long started = System.nanoTime();
            server.close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "stopping took " + took);
            assertEquals(0, game[0].failures(), "a stop is not a failure");
            assertEquals(1, game[0].loopsStarted());
            ServerLog.awaitLine(server, "Game loop 1 stopped: the server is stopping"); // as the chapter shows
            for (TestClient player : players) {
                assertEquals(1001, player.closed().get(5, TimeUnit.SECONDS).code());
            }
            Threads.assertNoneLeft(server.threadNamePrefix(), Duration.ofSeconds(5));
        } finally {
            server.close();
        }
    }

    /**
     * The README's Ctrl+C at "-Dtick.ms=60000": between ticks the loop thread is asleep until the
     * next one, up to a minute away, and the stop interrupts that sleep. A loop that caught the
     * interrupt there and went round again would send one more tick, sleep another minute, and
     * hold the stop for the 5 s the server waits for it.
     */
    @Test
    void stoppingWhileTheLoopSleepsUntilTheNextTickIsImmediate() throws Exception {
        AtomicLong stepsAfter = new AtomicLong(-1); // the tick the loop last worked from
        AtomicLong ticksMade = new AtomicLong();
        ThreadExecutorGame[] game = new ThreadExecutorGame[1];
        ServerLog.capture();
        GameServer server = GameServer.start(ServerSettings.forTest("05-thread-executor", Duration.ofMinutes(1)),
                context -> game[0] = new ThreadExecutorGame(context, now -> {
                    stepsAfter.set(now.tick());
                    return new Step(now.tick() + 1);
                }, n -> {
                    ticksMade.incrementAndGet();
                    return Protocol.tick(n);
                }, ThreadExecutorGame.HAND_OVER_TIMEOUT));
        try (TestClients clients = new TestClients()) {
            TestClient player = clients.connect(server.webSocketUri());
            // Tick 1 went out at once and step 2 is worked out: the loop sleeps until tick 2, a minute away.
            await().until(() -> stepsAfter.get() == 1);

            long started = System.nanoTime();
            server.close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "stopping took " + took);
            assertEquals(1, ticksMade.get(), "a tick was made after the stop began");
            assertEquals(0, game[0].failures(), "a stop is not a failure");
            ServerLog.awaitLine(server, "Game loop 1 stopped: the server is stopping");
            assertEquals(1001, player.closed().get(5, TimeUnit.SECONDS).code());
            Threads.assertNoneLeft(server.threadNamePrefix(), Duration.ofSeconds(5));
        } finally {
            server.close();
        }
    }

    private static void sleepUnlessInterrupted(Duration time) {
        try {
            Thread.sleep(time.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * "Waits for both threads. No tick can be sent after this returns": close() waits for a
     * simulation step on the loop thread, or for the making of a tick's message on the state's
     * owner (before its broadcast), that ignores the interrupt, and only then returns, with
     * neither thread left.
     */
    @ParameterizedTest
    @ValueSource(strings = {"game-loop", "game-state"})
    void closeWaitsForBothThreadsEvenWhenOneIgnoresTheInterrupt(String busyThread) throws Exception {
        DeafWork busy = new DeafWork();
        ServerLog.capture();
        GameServer server = GameServer.start(ServerSettings.forTest("05-thread-executor", Duration.ofMillis(20)),
                context -> new ThreadExecutorGame(context, now -> {
                    if (busyThread.equals("game-loop")) {
                        busy.at(now.tick() + 1); // the step that makes that tick
                    }
                    return new Step(now.tick() + 1);
                }, n -> {
                    if (busyThread.equals("game-state")) {
                        busy.at(n);
                    }
                    return Protocol.tick(n);
                }, ThreadExecutorGame.HAND_OVER_TIMEOUT));
        try (TestClients clients = new TestClients()) {
            clients.connect(server.webSocketUri()); // a player, so the ticks have somewhere to go

            busy.assertCloseWaitsForIt(server, "game-loop", "game-state");
        } finally {
            server.close();
        }
    }

    /**
     * A Ctrl+C during a start that outlasts the shutdown hook's wait for it (10 s) stops the
     * server, and the game, before the start reaches the game's start(): that start must then
     * start no loop, and leave no thread behind.
     */
    @Test
    void aStartAfterTheGameClosedStartsNoLoop() {
        ThreadExecutorGame game = new ThreadExecutorGame(new GameContext(new Players(), Duration.ofMillis(20), "start-after-close-test-"));
        game.close();

        game.start();

        assertEquals(0, game.loopsStarted());
        Threads.assertNoneLeft("start-after-close-test-", Duration.ofSeconds(5));
    }

    @Test
    void stoppingTheArticlesGameLeavesNoThreads() throws Exception {
        ServerLog.capture();
        GameServer server = GameServer.start(ServerSettings.forTest("05-thread-executor", Duration.ofMillis(20)),
                ThreadExecutorGame::new);
        try (TestClients clients = new TestClients()) {
            TestClient player = clients.connect(server.webSocketUri());
            player.send("65");
            await().until(() -> player.hasReceived("Pressed key code: 65") && player.lastTickNumber() >= 3);
            // The threads, named in the log as the chapter shows.
            String prefix = server.threadNamePrefix();
            ServerLog.awaitLine(server, "Game loop 1 is running on " + prefix + "game-loop-1; it hands each tick to "
                    + prefix + "game-state-1");

            server.close();

            assertEquals(1001, player.closed().get(5, TimeUnit.SECONDS).code());
            Threads.assertNoneLeft(server.threadNamePrefix(), Duration.ofSeconds(5));
        } finally {
            server.close();
        }
    }
}
