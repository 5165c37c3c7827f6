package gameloop.reactor;

/**
 * A call the reactor will make later, from {@link Reactor#callLater}; Twisted's IDelayedCall.
 * Like everything the reactor hands out, use it on the reactor thread only.
 */
public final class DelayedCall {

    final long dueNanos;
    final long sequence; // breaks ties: two calls due at the same time run in the order they were made
    final Runnable action;
    private boolean cancelled;
    private boolean called;

    DelayedCall(long dueNanos, long sequence, Runnable action) {
        this.dueNanos = dueNanos;
        this.sequence = sequence;
        this.action = action;
    }

    /** The call will not happen. Harmless if it already did. */
    public void cancel() {
        cancelled = true;
    }

    /** True until the call was made or cancelled. */
    public boolean isActive() {
        return !cancelled && !called;
    }

    void markCalled() {
        called = true;
    }
}
