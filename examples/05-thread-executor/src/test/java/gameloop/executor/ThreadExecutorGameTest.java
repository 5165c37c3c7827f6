package gameloop.executor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.executor.GameState.Snapshot;
import gameloop.executor.GameState.Step;
import gameloop.shared.GameServer;
import gameloop.shared.Protocol;
import gameloop.shared.ServerSettings;
import gameloop.testkit.Echoes;
import gameloop.testkit.RawWebSocket;
import gameloop.testkit.ServerLog;
import gameloop.testkit.Teardown;
import gameloop.testkit.TestClient;
import gameloop.testkit.TestClients;
import gameloop.testkit.Ticks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What example 05 promises: a loop that blocks slows nobody's echoes; the game state is changed
 * only on its owner's thread; whatever goes wrong on either thread is reported and survived.
 */
class ThreadExecutorGameTest {

    private static final Duration TICK = Duration.ofMillis(20);

    private GameServer server;
    private ThreadExecutorGame game;
    private final TestClients clients = new TestClients();
    /** Opened in @AfterEach, so a test that holds the state's owner never holds up the next one. */
    private final CountDownLatch release = new CountDownLatch(1);

    private void start(Simulation simulation, LongFunction<String> tickMessage, Duration handOverTimeout)
            throws Exception {
        server = GameServer.start(ServerSettings.forTest("05-thread-executor", TICK),
                context -> game = new ThreadExecutorGame(context, simulation, tickMessage, handOverTimeout));
    }

    @AfterEach
    void stop() {
        release.countDown();
        Teardown.closeAll(clients, server);
    }

    @Test
    void anEchoReachesOnlyItsSender() throws Exception {
        server = GameServer.start(ServerSettings.forTest("05-thread-executor", Duration.ofMillis(50)),
                ThreadExecutorGame::new);
        Echoes.assertAnEchoReachesOnlyItsSender(clients, server.webSocketUri());
    }

    @Test
    void theServerTicksAtTheConfiguredPeriod() throws Exception {
        Duration tick = Duration.ofMillis(50);
        server = GameServer.start(ServerSettings.forTest("05-thread-executor", tick), ThreadExecutorGame::new);
        TestClient player = clients.connect(server.webSocketUri());

        Ticks.assertSteadyTicksBetweenStalls(tick, player); // 05 does not catch up after a stall
    }

    /**
     * The time each tick takes, on either thread, is part of the period, not added to it: tick n
     * is due a period after tick n-1 was due, not a period after the simulation or the owner's
     * step returned. (Either mistake would tick every 65 to 80 ms here.)
     */
    @Test
    void theTickPeriodHoldsWhenEachTickTakesTime() throws Exception {
        Duration tick = Duration.ofMillis(50);
        server = GameServer.start(ServerSettings.forTest("05-thread-executor", tick),
                context -> game = new ThreadExecutorGame(context, now -> {
                    Thread.sleep(15); // a library that blocks for 15 ms of every 50,
                    return new Step(now.tick() + 1);
                }, Ticks.takingTime(Duration.ofMillis(15)), ThreadExecutorGame.HAND_OVER_TIMEOUT)); // and 15 ms of the owner's
        TestClient player = clients.connect(server.webSocketUri());

        Ticks.assertSteadyTicksBetweenStalls(tick, player); // 05 does not catch up after a stall
    }

    /**
     * The article's reason for a thread: a library that blocks must not hold up anyone else. Here
     * it blocks the loop for a minute, and twenty key presses are still each echoed within a
     * second, because the loop's thread is not the one that answers them.
     */
    @Test
    void echoesStayQuickWhileTheLoopIsBlockedForAMinute() throws Exception {
        AtomicBoolean blockNext = new AtomicBoolean();
        AtomicLong blockedAfter = new AtomicLong(-1);
        start(now -> {
            if (blockNext.getAndSet(false)) {
                blockedAfter.set(now.tick());
                Thread.sleep(Duration.ofMinutes(1).toMillis()); // a library call that takes its time
            }
            return new Step(now.tick() + 1);
        }, Protocol::tick, ThreadExecutorGame.HAND_OVER_TIMEOUT);
        TestClient player = clients.connect(server.webSocketUri());
        await().until(() -> player.ticks().size() >= 2);
        blockNext.set(true);
        await().until(() -> blockedAfter.get() > 0 && player.lastTickNumber() == blockedAfter.get());

        for (int key = 40; key < 60; key++) {
            String echo = Protocol.pressed(key);
            player.send(String.valueOf(key));
            await().atMost(Duration.ofSeconds(1)).until(() -> player.hasReceived(echo));
        }

        assertEquals(blockedAfter.get(), player.lastTickNumber(), "the loop was blocked all along");
        assertEquals(0, game.failures());
    }

    /**
     * After the loop was blocked for many periods, the missed ticks are not sent in a burst to
     * catch up: the next ticks come a period apart again.
     */
    @Test
    void ticksMissedWhileBlockedAreNotSentInABurst() throws Exception {
        AtomicBoolean blockNext = new AtomicBoolean();
        AtomicLong blockedAfter = new AtomicLong(-1);
        start(now -> {
            if (blockNext.getAndSet(false)) {
                blockedAfter.set(now.tick());
                Thread.sleep(TICK.multipliedBy(25).toMillis());
            }
            return new Step(now.tick() + 1);
        }, Protocol::tick, ThreadExecutorGame.HAND_OVER_TIMEOUT);
        TestClient player = clients.connect(server.webSocketUri());
        await().until(() -> player.ticks().size() >= 2);
        blockNext.set(true);

        int intervals = 10;
        await().until(() -> blockedAfter.get() > 0 && player.lastTickNumber() > blockedAfter.get() + intervals);

        List<TestClient.Received> after = player.ticks().stream()
                .filter(t -> t.tickNumber() > blockedAfter.get()).limit(intervals + 1).toList();
        double periodMillis = Ticks.periodMillis(after);
        // A burst would come out well under a millisecond apart; half a period leaves room for a
        // test JVM that reads some of these ticks late on a busy machine.
        assertTrue(periodMillis >= TICK.toMillis() * 0.5, "a burst after the block: ticks every " + periodMillis + " ms");
        Ticks.assertConsecutive(player.tickNumbers());
    }

    /** The loop runs on the executor the game owns (not a shared pool), the state on its own thread. */
    @Test
    void theLoopAndTheStateEachRunOnTheirOwnNamedThread() throws Exception {
        AtomicReference<String> loopThread = new AtomicReference<>();
        AtomicReference<String> stateThread = new AtomicReference<>();
        start(now -> {
            loopThread.set(Thread.currentThread().getName());
            return new Step(now.tick() + 1);
        }, n -> {
            stateThread.set(Thread.currentThread().getName());
            return Protocol.tick(n);
        }, ThreadExecutorGame.HAND_OVER_TIMEOUT);
        TestClient player = clients.connect(server.webSocketUri());

        await().until(() -> player.lastTickNumber() >= 3);

        assertEquals(server.threadNamePrefix() + "game-loop-1", loopThread.get());
        assertEquals(server.threadNamePrefix() + "game-state-1", stateThread.get());
    }

    /**
     * Key presses arrive on Jetty's threads, several at once; the owner records each one, and the loop
     * sees them all in its next snapshot. A player who leaves is forgotten the same way.
     */
    @Test
    void keyPressesFromManyPlayersReachTheLoopThroughTheOwner() throws Exception {
        AtomicReference<Snapshot> seen = new AtomicReference<>();
        start(now -> {
            seen.set(now);
            return new Step(now.tick() + 1);
        }, Protocol::tick, ThreadExecutorGame.HAND_OVER_TIMEOUT);
        List<TestClient> players = clients.connectAtOnce(server.webSocketUri(), 8);

        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < players.size(); i++) {
            keys.add(65 + i);
            players.get(i).send(String.valueOf(65 + i));
        }

        await().until(() -> seen.get() != null && seen.get().latestKeys().values().containsAll(keys));
        assertEquals(players.size(), seen.get().latestKeys().size());
        for (int i = 0; i < players.size(); i++) {
            TestClient player = players.get(i);
            String echo = Protocol.pressed(65 + i);
            await().until(() -> player.hasReceived(echo)); // sent by now, but maybe not yet arrived
        }

        players.get(0).close();
        await().until(() -> !seen.get().latestKeys().containsValue(65) && seen.get().latestKeys().size() == 7);
        assertEquals(0, game.failures());
    }

    /** The owner's exception travels back through the future to the loop, which is restarted. */
    @Test
    void aFailureOnTheOwnersThreadReachesTheLoopWhichIsRestarted() throws Exception {
        AtomicBoolean failNext = new AtomicBoolean();
        start(Simulation.ARTICLE, n -> {
            if (failNext.getAndSet(false)) {
                throw new IllegalStateException("a bug in tick " + n);
            }
            return Protocol.tick(n);
        }, ThreadExecutorGame.HAND_OVER_TIMEOUT);
        TestClient player = clients.connect(server.webSocketUri());
        await().until(() -> player.ticks().size() >= 2);
        failNext.set(true);

        await().until(() -> game.failures() == 1 && player.ticks().size() >= 6);

        Throwable failure = game.lastFailure();
        assertInstanceOf(ThreadExecutorGame.HandOverFailed.class, failure);
        assertTrue(failure.getCause().getMessage().startsWith("a bug in tick "), String.valueOf(failure.getCause()));
        assertEquals(2, game.loopsStarted(), "a new loop took over");
        // The tick number is the state's, not the loop's: the new loop counts on, with no gap.
        Ticks.assertConsecutive(player.tickNumbers());
    }

    @Test
    void aBlockingLibraryThatFailsIsReportedAndTheLoopRestarts() throws Exception {
        IllegalStateException broken = new IllegalStateException("the library failed");
        AtomicBoolean failNext = new AtomicBoolean();
        ServerLog.capture();
        start(now -> {
            if (failNext.getAndSet(false)) {
                throw broken;
            }
            return new Step(now.tick() + 1);
        }, Protocol::tick, ThreadExecutorGame.HAND_OVER_TIMEOUT);
        TestClient player = clients.connect(server.webSocketUri());
        await().until(() -> player.ticks().size() >= 2);
        failNext.set(true);

        await().until(() -> game.failures() == 1 && player.ticks().size() >= 6);

        assertSame(broken, game.lastFailure());
        assertEquals(2, game.loopsStarted());
        Ticks.assertConsecutive(player.tickNumbers());
        // What a learner sees: the failure logged with its stack trace, not only counted.
        ServerLog.awaitLine(server, "Game loop 1 failed; a new one starts in " + TICK.toMillis()
                + " ms\\R.*IllegalStateException: the library failed.*");
    }

    @Test
    void aLoopThatAlwaysFailsIsRestartedOncePerPeriodNotInATightLoop() throws Exception {
        Duration tick = Duration.ofMillis(100);
        server = GameServer.start(ServerSettings.forTest("05-thread-executor", tick),
                context -> game = new ThreadExecutorGame(context, now -> {
                    throw new IllegalStateException("always broken");
                }, Protocol::tick, ThreadExecutorGame.HAND_OVER_TIMEOUT));
        await().until(() -> game.failures() >= 2);

        long began = System.nanoTime();
        int failuresBefore = game.failures();
        await().until(() -> game.failures() >= failuresBefore + 5);
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        assertTrue(took.compareTo(tick.multipliedBy(4)) >= 0, "5 restarts took only " + took);
    }

    /**
     * The owner is stuck (here: waiting for a latch, in the middle of a tick). The loop does not
     * wait for ever: it reports the owner stuck, with the owner's own stack, and keeps trying; once
     * the owner recovers, ticks go on with no number missed or repeated.
     */
    @Test
    void aStuckOwnerIsReportedWithItsStackAndTheGameGoesOnWhenItRecovers() throws Exception {
        AtomicBoolean stickNext = new AtomicBoolean();
        AtomicLong stuckIn = new AtomicLong(-1);
        ServerLog.capture();
        start(Simulation.ARTICLE, n -> {
            if (stickNext.getAndSet(false)) {
                stuckIn.set(n);
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Protocol.tick(n);
        }, Duration.ofMillis(200));
        TestClient player = clients.connect(server.webSocketUri());
        await().until(() -> player.ticks().size() >= 2);
        stickNext.set(true);

        await().until(() -> stuckIn.get() >= 0);
        // The stuck owner is reported at every try. The newest report is awaited, not read once:
        // on a busy machine an owner merely slow for 200 ms may have been reported just before.
        await().untilAsserted(() -> {
            Throwable failure = game.lastFailure();
            assertInstanceOf(ThreadExecutorGame.HandOverFailed.class, failure);
            assertTrue(failure.getMessage().contains("did not answer within 200 ms: it is stuck or overloaded"), failure.getMessage());
            assertTrue(Arrays.stream(failure.getCause().getStackTrace())
                            .anyMatch(frame -> frame.getClassName().equals(CountDownLatch.class.getName())),
                    "the report shows where the owner is stuck");
        });
        // The tick before the stall may still be on its way to the client; none after it can be.
        await().until(() -> player.lastTickNumber() >= stuckIn.get() - 1);
        assertEquals(stuckIn.get() - 1, player.lastTickNumber(), "no tick while the owner is stuck");

        ServerLog.awaitLine(server, "Game loop \\d+ failed; a new one starts in " + TICK.toMillis()
                + " ms\\R.*did not answer within 200 ms: it is stuck or overloaded.*CountDownLatch.*");

        release.countDown();
        await().until(() -> player.lastTickNumber() >= stuckIn.get() + 3);
        Ticks.assertConsecutive(player.tickNumbers());
    }

    /**
     * A burst of keys in one write, from a client that reads everything: more keys than the bound
     * reach the game before the owner can take them, and the ones beyond it are refused. The
     * refusals must not pile up on the client's connection so fast that the server takes the
     * client for one that does not read, and cuts it off.
     */
    @Test
    void aBurstOfKeysFromAClientThatReadsDoesNotGetItCutOff() throws Exception {
        server = GameServer.start(ServerSettings.forTest("05-thread-executor", Duration.ofMillis(20)),
                ThreadExecutorGame::new);
        try (RawWebSocket flooder = RawWebSocket.connect(server.webSocketUri(), Map.of())) {
            assertEquals(101, flooder.status());
            flooder.readAndKeepTexts();
            await().until(() -> server.players().count() == 1);

            flooder.sendTextRepeatedly("65", 5000);

            // Then key 66, until one is let through and echoed (while the owner catches up, they
            // are dropped without a word). Its echo comes after every answer to the burst, so
            // once it is here the server has handled the whole burst and sent all it had to say.
            await().atMost(Duration.ofSeconds(30))
                    .failFast("the server cut the client off", () -> server.players().count() == 0)
                    .until(() -> {
                        flooder.sendText("66");
                        return flooder.hasReceivedText(Protocol.pressed(66));
                    });
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                    .until(() -> server.players().count() == 1);
        }
    }

    /**
     * While the owner is busy, a player's key presses wait in its queue. A player who floods keys
     * gets the ones beyond the bound dropped, with one answer at once for the whole busy spell,
     * and the rest echoed, in order, once the owner is free; the burst stays small enough that
     * the player is not cut off as a slow reader.
     */
    @Test
    void keysBeyondTheBoundAreRefusedAtOnceWhileTheOwnerIsBusy() throws Exception {
        AtomicBoolean stickNext = new AtomicBoolean();
        start(Simulation.ARTICLE, n -> {
            if (stickNext.getAndSet(false)) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Protocol.tick(n);
        }, Duration.ofSeconds(30));
        TestClient player = clients.connect(server.webSocketUri());
        await().until(() -> player.ticks().size() >= 2);
        stickNext.set(true);
        long stuckAfter = player.lastTickNumber();
        await().pollDelay(Duration.ofMillis(1)).until(() -> !stickNext.get()); // the owner is now stuck

        int extra = 5;
        int bound = KeysOnTheirWay.MAX_WAITING;
        IntStream.rangeClosed(1, bound + extra).forEach(k -> player.send(String.valueOf(k)));
        // A frame that is no key, answered on Jetty's thread after every key before it was counted
        // in or dropped: only then may the owner catch up (else the last keys find room again).
        player.send("all sent");
        await().until(() -> player.messages().contains(Protocol.notAKeyCode("all sent")));
        String firstDropped = KeyCounters.BUSY + (bound + 1) + KeyCounters.BUSY_UNTIL_CAUGHT_UP;
        assertTrue(player.messages().contains(firstDropped), "received: " + player.messages());
        assertTrue(player.messages().stream().noneMatch(m -> m.startsWith("Pressed")), "no echo while the owner is stuck");

        release.countDown();
        await().until(() -> player.lastTickNumber() > stuckAfter + 2);
        // Caught up: a key now is taken again. Its echo also says every key before it was read.
        player.send("999");
        await().until(() -> player.messages().contains(Protocol.pressed(999)));
        List<String> echoes = player.messages().stream().filter(m -> m.startsWith("Pressed")).toList();
        List<String> expected = new ArrayList<>(IntStream.rangeClosed(1, bound).mapToObj(Protocol::pressed).toList());
        expected.add(Protocol.pressed(999));
        assertEquals(expected, echoes);
        assertEquals(1, player.messages().stream().filter(m -> m.startsWith(KeyCounters.BUSY)).count(),
                "one answer for the busy spell, not one per dropped key");
        assertTrue(player.isOpen(), "the player was cut off");
    }
}
