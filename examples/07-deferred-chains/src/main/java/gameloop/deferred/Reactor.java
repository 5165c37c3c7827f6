package gameloop.deferred;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Just enough of Twisted's reactor for timed calls: one named thread that runs
 * {@link #callLater delayed calls} until {@link #stop()}. {@link #run()} owns the thread's end:
 * it returns only after the thread has finished.
 *
 * <p>Twisted's reactor also watches sockets; that part is module 08.
 */
final class Reactor {

    private final ScheduledThreadPoolExecutor executor;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile Thread thread;

    Reactor(String threadName) {
        executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, threadName);
            thread = t;
            return t;
        });
        // reactor.stop() forgets calls that are not due yet. A plain shutdown() would still wait
        // for them and run them, unless we say otherwise here.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Twisted's {@code reactor.callLater(delay, f)}: run {@code call} on the reactor thread after {@code delay}. */
    void callLater(Duration delay, Runnable call) {
        executor.schedule(call, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Twisted's {@code reactor.stop()}: ask {@link #run()} to return. Safe from any thread, including the reactor's. */
    void stop() {
        stopRequested.countDown();
    }

    /** Twisted's {@code reactor.run()}: block until {@link #stop()}, then end the reactor thread and wait for it. */
    void run() throws InterruptedException {
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            executor.shutdownNow(); // our caller gave up: do not leave the thread behind
            throw e;                // and pass the interrupt on rather than swallow it
        }
        executor.shutdown(); // lets a call that is running finish; drops those not yet due
        if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
            executor.shutdownNow();
            throw new IllegalStateException("a delayed call did not finish within 5 s");
        }
        Thread t = thread; // null if nothing was ever scheduled: no thread was started
        if (t != null) {
            t.join(); // the pool is terminated; this waits out the thread's last few instructions
        }
    }

    /** For tests: the reactor thread, or null if none was started yet. */
    Thread thread() {
        return thread;
    }
}
