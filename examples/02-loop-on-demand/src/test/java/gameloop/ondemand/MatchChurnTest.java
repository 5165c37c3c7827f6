package gameloop.ondemand;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.FakeSessions;
import gameloop.shared.GameContext;
import gameloop.shared.Player;
import gameloop.shared.Players;
import gameloop.shared.Protocol;
import gameloop.testkit.Threads;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Matches started and stopped, one after another or racing a join: none leaves a tick behind in
 * the loop's queue, no late leave stops a newcomer's match, and no two matches tick at once.
 */
class MatchChurnTest {

    /** For the tests whose matches tick: short, so that they tick often. */
    private static final Duration TICK = Duration.ofMillis(20);

    @Test
    void aStoppedMatchLeavesNoTickWaitingInTheQueue() {
        Players players = new Players();
        // A long period: a cancelled tick left in the queue would wait there ten minutes.
        OnDemandGameLoop loop = new OnDemandGameLoop(new GameContext(players, Duration.ofMinutes(10), "match-churn-test-"));
        try {
            FakeSessions.attach(players, loop);
            for (int round = 1; round <= 100; round++) {
                AtomicInteger sends = new AtomicInteger();
                int queuedBefore = loop.ticksQueued();
                Player player = FakeSessions.join(players, sends);
                // Tick 1 goes out at once, and the next, ten minutes away, joins the queue. Wait for
                // both: a leave just as tick 1's work ends can lose a race inside the JDK's
                // executor, which then queues the next tick anyway (see the loop's constructor).
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                        .until(() -> sends.get() == 1 && loop.ticksQueued() == queuedBefore + 1);
                FakeSessions.leave(player);
                assertFalse(loop.isRunning());
            }

            assertEquals(100, loop.matchesStarted());
            assertEquals(0, loop.ticksQueued(), "ticks of stopped matches still queued");
        } finally {
            loop.close();
        }
    }

    /**
     * A player can be gone by the time the game takes it in: once listed, it can be ended by a
     * failed tick, and the last other player can leave, before the game's playerJoined runs.
     * The loop acts on the count of players, so that join starts no match for nobody.
     */
    @Test
    void aJoinWhosePlayerIsAlreadyGoneStartsNoMatch() {
        Players players = new Players();
        OnDemandGameLoop loop = new OnDemandGameLoop(new GameContext(players, Duration.ofMinutes(10), "late-join-test-"));
        try {
            FakeSessions.attach(players, loop);
            Player player = FakeSessions.join(players, new AtomicInteger());
            FakeSessions.leave(player);
            assertFalse(loop.isRunning());

            loop.playerJoined(player); // a join the game takes in with its player gone

            assertFalse(loop.isRunning(), "a match started with nobody connected");
            assertEquals(1, loop.matchesStarted());
        } finally {
            loop.close();
        }
    }

    /**
     * The count is read inside the lock. A leave that has to wait for the lock must decide from
     * the count it finds once it has it, not from one it read on the way in. Here the test holds
     * the game's lock (its own, passed in) while the only player leaves (its reconcile() waits at
     * the lock) and a newcomer joins on this thread, which holds the lock, so the newcomer's
     * reconcile() runs at once and finds the match running. Once the lock is let go, the leave
     * must find the newcomer there and leave the match alone; a leave that decided from a count
     * of 0 read before the lock stops it under the newcomer's feet, deterministically, where the
     * stress test with real clients would need two threads to meet within nanoseconds.
     */
    @Test
    void aLeaveThatWaitedForTheLockDecidesFromTheCountItFindsThere() throws Exception {
        Players players = new Players();
        Object lock = new Object();
        OnDemandGameLoop game = new OnDemandGameLoop(new GameContext(players, TICK, "stale-count-test-"), Protocol::tick, lock);
        try {
            FakeSessions.attach(players, game);
            Player first = FakeSessions.join(players, new AtomicInteger());
            AtomicInteger newcomersSends = new AtomicInteger();
            Thread leaving = new Thread(() -> FakeSessions.leave(first), "stale-count-test-leave");
            synchronized (lock) {
                leaving.start();
                await("the leave waiting at the game's lock (a game without that lock fails here)")
                        .until(() -> leaving.getState() == Thread.State.BLOCKED
                        && Arrays.stream(leaving.getStackTrace()).anyMatch(f -> f.getMethodName().equals("reconcile")));
                FakeSessions.join(players, newcomersSends); // the lock is re-entrant: this join is handled now
            }
            leaving.join(10_000);

            await("the newcomer gets ticks").until(() -> newcomersSends.get() >= 3);
            assertTrue(game.isRunning(), "the match the newcomer joined was stopped by a stale leave");
            assertEquals(1, game.matchesStarted());
        } finally {
            game.close();
        }
    }

    /**
     * One loop thread: the first tick of a new match never runs beside the last round of the
     * match before it, not even when that round is slow and the new match starts in its middle.
     */
    @Test
    void aNewMatchNeverTicksBesideTheLastRoundOfTheOneBefore() throws Exception {
        Players players = new Players();
        AtomicInteger ticking = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        CountDownLatch inLongRound = new CountDownLatch(1);
        AtomicReference<OnDemandGameLoop> game = new AtomicReference<>();
        game.set(new OnDemandGameLoop(new GameContext(players, TICK, "match-overlap-test-"), n -> {
            if (ticking.incrementAndGet() > 1) {
                overlapped.set(true);
            }
            try {
                if (n == 2 && game.get().matchesStarted() == 1) { // match 1's second round: long
                    inLongRound.countDown();
                    // Until the newcomer has started match 2 (at most 10 s), then a while more.
                    Threads.waitIgnoringInterrupts(() -> game.get().matchesStarted() >= 2, Duration.ofSeconds(10));
                    Threads.workIgnoringInterrupts(Duration.ofMillis(300)); // match 2's tick 1 would run now, if it could
                }
                return Protocol.tick(n);
            } finally {
                ticking.decrementAndGet();
            }
        }));
        try {
            FakeSessions.attach(players, game.get());
            Player first = FakeSessions.join(players, new AtomicInteger());
            assertTrue(inLongRound.await(10, TimeUnit.SECONDS));

            FakeSessions.leave(first); // match 1 is over, its tick 2 still under way
            AtomicInteger newcomersSends = new AtomicInteger();
            FakeSessions.join(players, newcomersSends); // match 2

            await().until(() -> newcomersSends.get() >= 3);
            assertEquals(2, game.get().matchesStarted());
            assertFalse(overlapped.get(), "match 2 ticked while match 1's last round was still under way");
        } finally {
            game.get().close();
        }
    }
}
