package gameloop.reactor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A shutdown hook that goes in before what it stops has started.
 *
 * <p>Ctrl+C runs shutdown hooks on a JVM thread of their own, at any moment. A hook added once the
 * start has returned misses a Ctrl+C that comes while it is still going, and by then a server may
 * already accept and a client may already be connected: the JVM would end without closing them in
 * order. Added first, the hook waits for the start to end (at most 5 s), then stops what started;
 * if the start failed, nothing is open and there is nothing to stop.
 */
final class StopAtExit<T> {

    private static final Duration START_WAIT = Duration.ofSeconds(5);

    /** What the hook does with what started; it may wait, and an interrupt ends the wait. */
    @FunctionalInterface
    interface Stop<T> {
        void stop(T started) throws InterruptedException;
    }

    private final CompletableFuture<T> start = new CompletableFuture<>();
    private final Thread hook;

    /** Adds the hook now; once it runs, {@code stop} gets what started, on the hook's thread. */
    StopAtExit(String threadName, Stop<? super T> stop) {
        hook = new Thread(() -> stopOnceStarted(stop), threadName);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The start has ended well: from now on, Ctrl+C stops {@code started}. */
    void started(T started) {
        start.complete(started);
    }

    /** The start failed (an {@code Error} too, or the hook would wait its 5 s for nothing). */
    void startFailed(Throwable why) {
        start.completeExceptionally(why);
    }

    /** The end came on its own: the hook has nothing left to do. */
    void remove() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl+C: the hook is running, and that is fine
        }
    }

    private void stopOnceStarted(Stop<? super T> stop) {
        try {
            stop.stop(start.get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException | TimeoutException e) {
            // The start failed (main reports it) or hangs (resolving a host name): nothing is
            // open, so nothing needs closing in order.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
