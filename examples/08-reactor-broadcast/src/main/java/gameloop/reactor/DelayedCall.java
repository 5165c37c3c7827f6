package gameloop.reactor;

import java.util.function.Consumer;

/**
 * A call the reactor will make later, from {@link Reactor#callLater}; Twisted's IDelayedCall.
 * Like everything the reactor hands out, use it on the reactor thread only: its methods check.
 */
public final class DelayedCall {

    final long dueNanos;
    final long sequence; // breaks ties: two calls due at the same time run in the order they were made
    final Runnable action;
    /** Throws unless on the reactor thread: the flags below have no lock. */
    private final Consumer<String> checkThread;
    private boolean cancelled;
    private boolean called;

    DelayedCall(long dueNanos, long sequence, Runnable action, Consumer<String> checkThread) {
        this.dueNanos = dueNanos;
        this.sequence = sequence;
        this.action = action;
        this.checkThread = checkThread;
    }

    /**
     * The call will not happen. Harmless if it already did, or was cancelled already (Twisted's
     * raises {@code AlreadyCalled} or {@code AlreadyCancelled}: a teardown that cancels whatever
     * is pending is simpler this way).
     */
    public void cancel() {
        checkThread.accept("DelayedCall.cancel");
        cancelled = true;
    }

    /** True until the call was made or cancelled. */
    public boolean isActive() {
        checkThread.accept("DelayedCall.isActive");
        return !cancelled && !called;
    }

    void markCalled() {
        called = true;
    }
}
