package gameloop.shared;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class StopAndAwaitTest {

    /**
     * A game's close() may be called by a thread that is already interrupted. It must still wait
     * for the loop thread, or a tick (or a worker being replaced) outlives close().
     */
    @Test
    void anInterruptedCallerStillWaitsForTheLoopThreadAndKeepsItsInterrupt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService loop = startALoopDeafToInterrupts("stop-and-await-test-loop", release);

        boolean[] terminatedOnReturn = new boolean[1];
        boolean[] stillInterrupted = new boolean[1];
        Thread closer = new Thread(() -> {
            Thread.currentThread().interrupt();
            Game.stopAndAwait(loop);
            terminatedOnReturn[0] = loop.isTerminated();
            stillInterrupted[0] = Thread.currentThread().isInterrupted();
        }, "stop-and-await-test-closer");
        closer.start();
        try {
            // Waiting (in awaitTermination) or, if it gave up, already gone.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (closer.isAlive() && closer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(closer.isAlive(), "stopAndAwait returned while the loop thread was still running");
        } finally {
            release.countDown();
            closer.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertTrue(terminatedOnReturn[0], "stopAndAwait returned before the loop thread ended");
        assertTrue(stillInterrupted[0], "the caller's interrupt was lost");
    }

    /** It interrupts the loop, so a loop that waits (a sleep between ticks, a blocking call) ends at once. */
    @Test
    void aLoopThatWaitsIsInterruptedAndEndsAtOnce() throws Exception {
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "stop-and-await-test-waiting-loop"));
        CountDownLatch waiting = new CountDownLatch(1);
        loop.execute(() -> {
            waiting.countDown();
            try {
                new CountDownLatch(1).await(); // only an interrupt ends this
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(waiting.await(5, TimeUnit.SECONDS));
        try {
            Game.stopAndAwait(loop); // without the interrupt it would wait its 5 s and give up

            assertTrue(loop.isTerminated(), "the waiting loop was not interrupted");
        } finally {
            loop.shutdownNow();
        }
    }

    /**
     * A loop thread deaf to interrupts is given up on after {@link Game#STOP_TIMEOUT}, so a stuck
     * game cannot hold the server's stop (and Ctrl+C) for ever.
     */
    @Test
    void aLoopThatNeverEndsIsGivenUpOnAfterTheStopTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService loop = startALoopDeafToInterrupts("stop-and-await-test-deaf-loop", release);
        try {
            long began = System.nanoTime();
            assertTimeoutPreemptively(Game.STOP_TIMEOUT.plusSeconds(5), () -> Game.stopAndAwait(loop),
                    "stopAndAwait did not give up on a loop that never ends");
            Duration took = Duration.ofNanos(System.nanoTime() - began);

            assertTrue(took.compareTo(Game.STOP_TIMEOUT) >= 0, "it gave up after " + took.toMillis() + " ms");
            assertFalse(loop.isTerminated());
        } finally {
            release.countDown();
        }
    }

    /**
     * A loop running a step that does not answer interrupts (a process start, a busy computation):
     * it ends only when the test counts {@code release} down.
     */
    private static ExecutorService startALoopDeafToInterrupts(String threadName, CountDownLatch release)
            throws InterruptedException {
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, threadName));
        CountDownLatch running = new CountDownLatch(1);
        loop.execute(() -> {
            running.countDown();
            awaitIgnoringInterrupts(release);
        });
        assertTrue(running.await(5, TimeUnit.SECONDS));
        return loop;
    }

    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException ignored) {
                // deaf to shutdownNow(), on purpose
            }
        }
    }
}
