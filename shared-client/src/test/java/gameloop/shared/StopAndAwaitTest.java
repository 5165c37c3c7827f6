package gameloop.shared;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "stop-and-await-test-loop"));
        CountDownLatch running = new CountDownLatch(1);
        loop.execute(() -> {
            running.countDown();
            // A step that does not answer interrupts at once (a process start, a busy computation).
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        });
        assertTrue(running.await(5, TimeUnit.SECONDS));

        boolean[] terminatedOnReturn = new boolean[1];
        boolean[] stillInterrupted = new boolean[1];
        Thread closer = new Thread(() -> {
            Thread.currentThread().interrupt();
            Game.stopAndAwait(loop);
            terminatedOnReturn[0] = loop.isTerminated();
            stillInterrupted[0] = Thread.currentThread().isInterrupted();
        }, "stop-and-await-test-closer");
        closer.start();
        closer.join(TimeUnit.SECONDS.toMillis(10));

        assertTrue(terminatedOnReturn[0], "stopAndAwait returned while the loop thread was still running");
        assertTrue(stillInterrupted[0], "the caller's interrupt was lost");
    }
}
