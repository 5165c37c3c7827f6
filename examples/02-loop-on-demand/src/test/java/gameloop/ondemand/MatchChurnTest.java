package gameloop.ondemand;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import gameloop.shared.FakeSessions;
import gameloop.shared.GameContext;
import gameloop.shared.Player;
import gameloop.shared.Players;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Matches started and stopped many times over leave nothing behind in the loop's queue. */
class MatchChurnTest {

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
}
