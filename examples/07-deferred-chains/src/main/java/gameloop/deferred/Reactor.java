package gameloop.deferred;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Just enough of Twisted's reactor for timed calls: one named thread that runs
 * {@link #callLater delayed calls} until {@link #stop()}. {@link #run()} owns the thread's end:
 * it returns, or throws, only after the thread has finished. The one exception is a call that
 * overruns and then ignores the interrupt sent to end it: Java cannot stop a thread that will not
 * stop, and {@code run()} then says so instead of waiting forever.
 *
 * <p>Twisted's reactor also watches sockets; that part is example 08.
 */
final class Reactor {

    /** How long run() lets a delayed call that is still running finish, and then waits again once it is interrupted. */
    static final Duration GRACE = Duration.ofSeconds(5);

    private final ScheduledThreadPoolExecutor executor;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final Consumer<Throwable> unhandled;
    private volatile Thread thread;
    /** Set by run() before it shuts the pool down, whether after stop() or an interrupt. */
    private volatile boolean stopping;

    /** A reactor that reports a delayed call's exception on stderr, with its stack trace, as Twisted logs one. */
    Reactor(String threadName) {
        this(threadName, error -> {
            System.err.println("Unhandled error in a delayed call on " + threadName + ":");
            error.printStackTrace();
        });
    }

    /** The same, with the reports going to {@code unhandled} (tests read them there). */
    Reactor(String threadName, Consumer<Throwable> unhandled) {
        this.unhandled = unhandled;
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
        // Report every Throwable, or it vanishes into a ScheduledFuture nobody reads (and a chain
        // meant to end with stop() would leave run() waiting for ever). Even an Error is survived,
        // as in Twisted: this reactor has no sockets an Error could leave half-handled. 08's has
        // sockets, so there an Error ends the reactor.
        Runnable reported = () -> {
            try {
                call.run();
            } catch (Throwable e) {
                unhandled.accept(e);
            }
        };
        try {
            executor.schedule(reported, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            if (!(stopping && Thread.currentThread() == thread)) {
                throw e; // from elsewhere, or after the reactor is gone: a real fault, not ours to hide
            }
            // A call that schedules its own next run (a game tick) while run() shuts the pool
            // down. As in Twisted, a call scheduled as the reactor stops simply never runs.
        }
    }

    /** Twisted's {@code reactor.stop()}: ask {@link #run()} to return. Safe from any thread, including the reactor's. */
    void stop() {
        stopRequested.countDown();
    }

    /** Twisted's {@code reactor.run()}: block until {@link #stop()}, then end the reactor thread and wait for it. */
    void run() throws InterruptedException {
        try {
            stopRequested.await();
            stopping = true;
            executor.shutdown(); // lets a call that is running finish; drops those not yet due
            if (!executor.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow(); // interrupts the call that overran, and gives it GRACE more
                if (!executor.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("a delayed call ran over " + GRACE.toSeconds() + " s and ignored the interrupt;"
                            + " the reactor thread is still running it");
                }
                joinThread();
                throw new IllegalStateException("a delayed call did not finish within " + GRACE.toSeconds() + " s; it was interrupted");
            }
            joinThread();
        } catch (InterruptedException e) {
            stopping = true;
            executor.shutdownNow(); // our caller gave up: interrupt a running call, drop the rest,
            if (!awaitEnd()) {      // still wait for the thread, as promised,
                e.addSuppressed(new IllegalStateException("the reactor thread did not end within " + GRACE.toSeconds() + " s"));
            }
            throw e;                // and pass the interrupt on rather than swallow it
        }
    }

    /** After the pool has terminated: waits out the thread's last few instructions. */
    private void joinThread() throws InterruptedException {
        Thread t = thread; // null if nothing was ever scheduled: no thread was started
        if (t != null) {
            t.join();
        }
    }

    /** After shutdownNow: waits up to {@link #GRACE} for the reactor thread, whatever interrupts come meanwhile. True if it ended. */
    private boolean awaitEnd() {
        long deadline = System.nanoTime() + GRACE.toNanos();
        while (true) {
            try {
                executor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                Thread t = thread;
                if (t != null) {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                }
                return t == null || !t.isAlive();
            } catch (InterruptedException again) {
                // already stopping, and the caller will see the interrupt it gave us
            }
        }
    }

    /** For tests: the reactor thread, or null if none was started yet. */
    Thread thread() {
        return thread;
    }
}
