package gameloop.futures;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.FakeSessions;
import gameloop.shared.Game;
import gameloop.shared.GameContext;
import gameloop.shared.GameServer;
import gameloop.shared.Player;
import gameloop.shared.Players;
import gameloop.shared.Protocol;
import gameloop.shared.ServerSettings;
import gameloop.testkit.Races;
import gameloop.testkit.DeafWork;
import gameloop.testkit.ServerLog;
import gameloop.testkit.Teardown;
import gameloop.testkit.TestClient;
import gameloop.testkit.TestClients;
import gameloop.testkit.Threads;
import gameloop.testkit.Ticks;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What example 03 promises: the loop is a task that cancel really stops, and whose failures show. */
class ManagedGameLoopTest {

    private static final Duration TICK = Duration.ofMillis(20);

    private GameServer server;
    private ManagedGameLoop loop;
    private final TestClients clients = new TestClients();

    private void start(Duration tick, LongFunction<String> tickMessage) throws Exception {
        ServerLog.capture();
        server = GameServer.start(ServerSettings.forTest("03-managed-futures", tick),
                context -> loop = new ManagedGameLoop(context, tickMessage));
    }

    @AfterEach
    void stop() {
        Teardown.closeAll(clients, server);
    }

    @Test
    void theFirstPlayerStartsTheLoopAndTheLastOneCancelsIt() throws Exception {
        start(TICK, Protocol::tick);
        TestClient player = clients.connect(server.webSocketUri());
        await().until(() -> player.lastTickNumber() >= 3);
        assertEquals(1, loop.loopsStarted());
        ServerLog.awaitLine(server, "Game loop 1 started"); // the lines the chapter says to watch for

        player.close();
        await().until(() -> !loop.isRunning());
        ServerLog.awaitLine(server, "Game loop 1 cancelled: the last player left");

        TestClient next = clients.connect(server.webSocketUri());
        await().until(() -> next.tickNumbers().contains(3L));
        assertEquals(2, loop.loopsStarted());
        // The new loop counts from 1. (The old loop's last round of sends, if it was still under
        // way, may have reached the newcomer first: a cancel does not stop a send in progress.)
        Ticks.assertCountsUpFromOne(next.tickNumbers());
    }

    /**
     * Fixed rate, as in 01 and 02: the time a tick takes is part of the period, not added to it.
     */
    @Test
    void theTickPeriodHoldsWhenEveryTickTakesTime() throws Exception {
        Ticks.assertThePeriodHoldsWhenEveryTickTakesTime("03-managed-futures",
                tickMessage -> context -> new ManagedGameLoop(context, tickMessage));
    }

    /**
     * Cancel must interrupt: the loop sleeps a whole minute between ticks here, so only an
     * interrupted sleep lets the next loop start in time. (With cancel(false) the old loop would
     * sleep on, then tick forever on the one loop thread, and the next loop would never start.)
     */
    @Test
    void cancellingInterruptsTheSleepingLoopAtOnce() throws Exception {
        start(Duration.ofMinutes(1), Protocol::tick);
        TestClient first = clients.connect(server.webSocketUri());
        await().until(() -> first.lastTickNumber() == 1); // tick 1 at once, tick 2 a minute later

        first.close();
        await().until(() -> !loop.isRunning());
        TestClient second = clients.connect(server.webSocketUri());

        await().atMost(Duration.ofSeconds(5)).until(() -> second.lastTickNumber() == 1);
        assertEquals(2, loop.loopsStarted());
        assertEquals(0, loop.crashes(), "the cancel's interrupt is not a crash");
    }

    /**
     * A loop whose ticks take longer than the period is always late, so its sleeps are zero or
     * less; {@code TimeUnit}'s sleep of zero or less returns without looking at the interrupt
     * ({@code Thread.sleep(0)} would throw), so the loop must look itself, or a cancel would never
     * reach it and it would hold the one loop thread for good.
     */
    @Test
    void aLoopRunningLateIsStillCancelled() throws Exception {
        start(TICK, n -> {
            Threads.workIgnoringInterrupts(TICK.multipliedBy(3));
            return Protocol.tick(n);
        });
        TestClient first = clients.connect(server.webSocketUri());
        await().until(() -> first.lastTickNumber() >= 3);

        first.close();
        await().until(() -> !loop.isRunning());
        TestClient second = clients.connect(server.webSocketUri());

        await().until(() -> second.tickNumbers().contains(1L)); // the new loop's first
        assertEquals(0, loop.crashes());
    }

    /**
     * One loop thread: a new loop starts only once the cancelled one has finished its last
     * round. Here that last round is made long on purpose; no tick of the new loop may run
     * beside it.
     */
    @Test
    void aNewLoopNeverTicksBesideTheLastRoundOfACancelledOne() throws Exception {
        AtomicInteger ticking = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        CountDownLatch inLongRound = new CountDownLatch(1);
        start(TICK, n -> {
            if (ticking.incrementAndGet() > 1) {
                overlapped.set(true);
            }
            try {
                if (n == 2 && loop.loopsStarted() == 1) { // the first loop's second round: long
                    inLongRound.countDown();
                    // Deaf to the cancel's interrupt, until the newcomer has started a new loop (at most 10 s).
                    Threads.waitIgnoringInterrupts(() -> loop.loopsStarted() >= 2, Duration.ofSeconds(10));
                    Threads.workIgnoringInterrupts(Duration.ofMillis(300)); // the new loop would tick now, if it could
                }
                return Protocol.tick(n);
            } finally {
                ticking.decrementAndGet();
            }
        });
        TestClient first = clients.connect(server.webSocketUri());
        assertTrue(inLongRound.await(10, TimeUnit.SECONDS));

        first.close();
        await().until(() -> !loop.isRunning());
        TestClient second = clients.connect(server.webSocketUri());

        // Two rounds of the new loop: its tick 1 (only the new loop sends a 1; the old one is past
        // it), then a tick 2 after that 1 (the old loop's long tick 2 may reach this client too,
        // before the new loop's 1). Had the new loop been able to run beside the old one's last
        // round, it would have by now.
        await().until(() -> {
            List<Long> seen = second.tickNumbers();
            return seen.contains(1L) && seen.subList(seen.indexOf(1L) + 1, seen.size()).contains(2L);
        });
        assertFalse(overlapped.get(), "a new loop ticked while the cancelled one was still in its last round");
        assertEquals(0, loop.crashes());
    }

    @Test
    void aLoopThatCrashesIsReportedAndReplaced() throws Exception {
        AtomicBoolean failOnce = new AtomicBoolean(true);
        start(TICK, n -> {
            if (n == 3 && failOnce.getAndSet(false)) {
                throw new IllegalStateException("a bug in tick 3");
            }
            return Protocol.tick(n);
        });
        TestClient player = clients.connect(server.webSocketUri());

        await().until(() -> loop.crashes() == 1 && player.ticks().size() >= 5);
        assertEquals("a bug in tick 3", loop.lastCrash().getMessage());
        assertEquals(2, loop.loopsStarted(), "a new loop took over");
        ServerLog.awaitLine(server, "Game loop 1 crashed; a new one starts now, its first tick in 20 ms\\R"
                + "java.lang.IllegalStateException: a bug in tick 3\\R.*"); // with its stack trace
        ServerLog.awaitLine(server, "Game loop 2 started; its first tick in 20 ms");
        List<Long> numbers = player.tickNumbers();
        assertEquals(List.of(1L, 2L, 1L, 2L, 3L), numbers.subList(0, 5), "the new loop counts from 1");
        assertTrue(loop.isRunning());
    }

    @Test
    void aLoopThatAlwaysCrashesIsReplacedOncePerPeriodNotInATightLoop() throws Exception {
        Duration tick = Duration.ofMillis(100);
        start(tick, n -> {
            throw new IllegalStateException("always broken");
        });
        clients.connect(server.webSocketUri());
        await().until(() -> loop.crashes() >= 3);

        long began = System.nanoTime();
        int crashesBefore = loop.crashes();
        await().until(() -> loop.crashes() >= crashesBefore + 5);
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        assertTrue(took.compareTo(tick.multipliedBy(4)) >= 0, "5 replacements took only " + took);
    }

    /**
     * A stray interrupt, not from a cancel, may land in the middle of a broadcast. On Jetty's
     * non-blocking sockets the sends still go out and no connection is closed; the loop then ends
     * at its next sleep, which counts as a crash, and is replaced.
     */
    @Test
    void anInterruptInTheMiddleOfABroadcastBreaksNoConnection() throws Exception {
        AtomicBoolean armed = new AtomicBoolean();
        AtomicLong interruptedTick = new AtomicLong(-1);
        start(TICK, n -> {
            if (armed.compareAndSet(true, false)) {
                interruptedTick.set(n);
                Thread.currentThread().interrupt(); // the sends of this tick happen with the flag set
            }
            return Protocol.tick(n);
        });
        List<TestClient> players = clients.connect(server.webSocketUri(), 3);
        // Armed only once every player is in: on a loaded machine a player can join several
        // periods after the first, too late for a tick chosen in advance.
        await().until(() -> players.stream().allMatch(p -> !p.ticks().isEmpty()));
        armed.set(true);

        await().until(() -> loop.crashes() == 1 && players.stream().allMatch(p -> p.ticks().size() >= 4));
        assertTrue(loop.lastCrash() instanceof InterruptedException, String.valueOf(loop.lastCrash()));
        for (TestClient player : players) {
            assertTrue(player.isOpen());
            List<Long> numbers = player.tickNumbers();
            int sentWhileInterrupted = numbers.indexOf(interruptedTick.get());
            assertTrue(sentWhileInterrupted >= 0 && numbers.subList(sentWhileInterrupted, numbers.size()).contains(1L),
                    "tick " + interruptedTick.get() + " was sent while interrupted, and then the new loop counted from 1: "
                            + numbers);
        }
    }

    @Test
    void playersWhoArriveTogetherStartOneLoop() throws Exception {
        start(TICK, Protocol::tick);
        List<TestClient> players = clients.connectAtOnce(server.webSocketUri(), 40);

        await().until(() -> players.stream().allMatch(p -> p.ticks().size() >= 5));
        assertEquals(1, loop.loopsStarted());
        players.forEach(player -> Ticks.assertConsecutive(player.tickNumbers())); // one loop, not two
    }

    /**
     * A player let in just before the server began to stop can reach the game's playerJoined
     * after its close(): that join must not start a loop.
     */
    @Test
    void aPlayerWhoJoinsAfterTheGameClosedStartsNoLoop() throws Exception {
        start(TICK, Protocol::tick);
        loop.close(); // as GameServer.close() does, while a join let in just before is still on its way

        TestClient late = clients.connect(server.webSocketUri());
        // Jetty reads a connection's first frame only after its open event (and so the game's
        // playerJoined) has returned: the echo proves the join was handled, not just listed.
        late.send("65");
        await().until(() -> late.hasReceived(Protocol.pressed(65)));

        assertEquals(0, loop.loopsStarted());
        assertFalse(loop.isRunning());
    }

    /** The article's race: cancel() only asks, and a join right after it saw "not cancelled yet". */
    @Test
    void aPlayerArrivingAsTheLastOneLeavesAlwaysGetsTicks() throws Exception {
        start(TICK, Protocol::tick);
        Races.newcomerArrivesAsTheLastPlayerLeaves(server.webSocketUri(), loop::isRunning, 150);
    }

    @Test
    void stoppingMidGameCancelsTheLoopAndLeavesNoThreads() throws Exception {
        start(TICK, Protocol::tick);
        List<TestClient> players = clients.connect(server.webSocketUri(), 3);
        await().until(() -> players.stream().allMatch(p -> p.lastTickNumber() >= 1));

        ServerLog.closeOnTheServersOwnThread(server); // so that what close() logs counts as the server's

        assertFalse(loop.isRunning());
        ServerLog.awaitLine(server, "Game loop 1 cancelled: the server is stopping");
        assertEquals(0, loop.crashes(), "a cancel is not a crash");
        for (TestClient player : players) { // the cancel's interrupt broke no player's connection
            assertEquals(1001, player.closed().get(5, TimeUnit.SECONDS).code());
        }
        Threads.assertNoneLeft(server.threadNamePrefix(), Duration.ofSeconds(5));
    }

    /** "Cancels the loop, stops its thread and waits for it": even for a tick deaf to the interrupt. */
    @Test
    void closeWaitsForATickThatIgnoresTheCancelsInterrupt() throws Exception {
        DeafWork busyTick = new DeafWork();
        start(TICK, n -> {
            busyTick.at(n);
            return Protocol.tick(n);
        });
        clients.connect(server.webSocketUri()); // the first player starts the loop

        busyTick.assertCloseWaitsForIt(server, "game-loop");
    }

    /**
     * A failure and a cancel at the same moment: the cancel wins the Future, which then drops the
     * exception. The failure must still be counted and logged, not vanish.
     */
    @Test
    void aLoopThatFailsAsItIsCancelledStillReportsTheFailure() throws Exception {
        CountDownLatch tickTwoStarted = new CountDownLatch(1);
        start(TICK, n -> {
            if (n == 2) {
                tickTwoStarted.countDown();
                // Wait, deaf to the cancel's interrupt, until the last player's leave has
                // cancelled this loop (at most 10 s); then fail.
                Threads.waitIgnoringInterrupts(() -> !loop.isRunning(), Duration.ofSeconds(10));
                throw new IllegalStateException("a bug in tick 2, as the loop was cancelled");
            }
            return Protocol.tick(n);
        });
        TestClient player = clients.connect(server.webSocketUri());
        // The leave must find the loop inside tick 2, not asleep before it (then the cancel
        // would simply end the sleep, and there would be no failure to race).
        assertTrue(tickTwoStarted.await(10, TimeUnit.SECONDS));

        player.close();

        await().until(() -> loop.crashes() == 1);
        assertEquals("a bug in tick 2, as the loop was cancelled", loop.lastCrash().getMessage());
        assertFalse(loop.isRunning(), "nobody is here: no new loop");
        // Reported, not only counted: the log has it, with its stack trace, as for any crash.
        ServerLog.awaitLine(server, "Game loop 1 crashed as it was being cancelled\\R"
                + "java.lang.IllegalStateException: a bug in tick 2, as the loop was cancelled\\R.*");
    }

    /**
     * A crash report can come late: the last player leaves and a newcomer starts the next loop
     * between a crash and its report (done() waits for the lock meanwhile). The report must then
     * leave the newcomer's loop alone, not start a third beside it: on the one loop thread, a
     * loop the game no longer holds would tick on for good, and keep every later loop waiting.
     */
    @Test
    void aCrashReportedAfterTheNextLoopStartedReplacesNothing() {
        Players players = new Players();
        Object lock = new Object();
        AtomicReference<Thread> loopThread = new AtomicReference<>();
        ManagedGameLoop game = new ManagedGameLoop(new GameContext(players, TICK, "late-crash-report-test-"), n -> {
            if (loopThread.compareAndSet(null, Thread.currentThread())) {
                throw new IllegalStateException("a bug in the first loop's first tick, on purpose");
            }
            return Protocol.tick(n);
        }, lock);
        try {
            FakeSessions.attach(players, game);
            AtomicInteger newcomersSends = new AtomicInteger();
            synchronized (lock) {
                Player first = FakeSessions.join(players, new AtomicInteger()); // loop 1 starts, and crashes at once
                // Its report is kept waiting for this lock (nothing else blocks that thread).
                await().until(() -> loopThread.get() != null && loopThread.get().getState() == Thread.State.BLOCKED);
                FakeSessions.leave(first); // its cancel finds loop 1 failed already
                FakeSessions.join(players, newcomersSends); // loop 2, queued behind the report
            }

            await().until(() -> game.crashes() == 1 && newcomersSends.get() >= 3);
            assertEquals(2, game.loopsStarted(), "the late report started a loop beside the newcomer's");
        } finally {
            game.close();
        }
    }

    /**
     * close() waits for the loop thread outside its lock, because that thread may need the lock
     * to finish: a tick that fails after the close's cancel is reported under it (a failure that
     * lost the race to a cancel). Waiting inside the lock, each would hold the other up for the
     * whole stop timeout.
     */
    @Test
    void aFailureAfterTheStopsCancelDoesNotHoldTheStopUp() throws Exception {
        CountDownLatch inTickTwo = new CountDownLatch(1);
        start(TICK, n -> {
            if (n == 2) {
                inTickTwo.countDown();
                Threads.waitIgnoringInterrupts(() -> Thread.currentThread().isInterrupted(), Duration.ofSeconds(10));
                throw new IllegalStateException("a bug in tick 2, as the server stopped");
            }
            return Protocol.tick(n);
        });
        clients.connect(server.webSocketUri());
        assertTrue(inTickTwo.await(10, TimeUnit.SECONDS));

        long began = System.nanoTime();
        loop.close(); // the server's stop calls it first
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        assertTrue(took.compareTo(Game.STOP_TIMEOUT) < 0, "close() took " + took.toMillis() + " ms");
        assertEquals(1, loop.crashes(), "the failure is reported all the same");
    }
}
