package gameloop.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.GameServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Work that, once, at tick 3 or the first tick after it that does work, keeps its thread busy for
 * half a second and ignores the interrupt sent to stop it, as a computation does. A game whose
 * {@code close()} promises to wait for its threads ("no tick is sent after this returns") must
 * return only after it. A close that merely interrupts and moves on returns at once, and its
 * thread is still alive for a while after: a check that polls for leftover threads would forgive
 * that, {@link #assertCloseWaitsForIt} does not.
 */
public final class DeafWork {

    private static final long AT_TICK = 3;

    private final Duration takes;
    private final AtomicBoolean taken = new AtomicBoolean();
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile boolean finished;

    /** Half a second of work: long enough to outlast a close that does not wait for it. */
    public DeafWork() {
        this(Duration.ofMillis(500));
    }

    /** For the test kit's own test of {@link #assertCloseWaitsForIt}, which needs a margin a busy machine cannot eat. */
    DeafWork(Duration takes) {
        this.takes = takes;
    }

    /**
     * Called by the work for each tick: the first time from tick 3 on, the half second; otherwise
     * nothing. (Not tick 3 exactly: in a game whose loop runs from the start, a player that
     * connects late on a busy machine may miss it, and work done per player is not done then.)
     */
    public void at(long tick) {
        if (tick >= AT_TICK && taken.compareAndSet(false, true)) {
            started.countDown();
            Threads.workIgnoringInterrupts(takes);
            finished = true;
        }
    }

    /**
     * Once the work has begun, closes the server; then the work must be over, and no thread whose
     * name starts with the server's prefix and one of {@code threads} ("game-loop") still alive.
     */
    public void assertCloseWaitsForIt(GameServer server, String... threads) throws InterruptedException {
        assertTrue(started.await(10, TimeUnit.SECONDS), "no tick from " + AT_TICK + " on did any work");

        server.close();

        assertTrue(finished, "close() returned while the work was still running");
        for (String thread : threads) {
            assertEquals(List.of(), Threads.alive(server.threadNamePrefix() + thread), "alive after close() returned");
        }
    }
}
