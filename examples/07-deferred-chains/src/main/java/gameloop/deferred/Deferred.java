package gameloop.deferred;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A small Twisted-style Deferred: ONE object holding ONE list of steps, each step a pair
 * (what to do with a value, what to do with a failure). The current result walks the list in
 * order, on the callback track while it is a value and on the errback track while it is a failure.
 *
 * <p>It exists for what {@link java.util.concurrent.CompletableFuture} cannot say: {@link #pause()}
 * and {@link #unpause()}, and a chain that keeps growing in place, where a step added later (by
 * anyone holding this object) sees the result of the step added before it.
 *
 * <p>Like Twisted's, it is not thread-safe: use it from one thread at a time (in Twisted, the
 * reactor thread). Teaching code: no cancellation, no timeouts, and a callback that returns
 * another Deferred is not waited for (see the exercises in the chapter).
 */
public final class Deferred<T> {

    /**
     * A callback or errback. It may throw an exception: that moves the result to the errback
     * track. An {@link Error} instead ends the chain for good (see {@link #addCallbacks}).
     */
    @FunctionalInterface
    public interface Callback<A, B> {
        B call(A input) throws Exception;
    }

    /** For {@link #addBoth}: exactly one of {@code value} and {@code failure} is meaningful. */
    @FunctionalInterface
    public interface BothCallback<A, B> {
        B call(A value, Exception failure) throws Exception;
    }

    // While the result is a Failure, the chain is on the errback track. Private, so no value a
    // caller passes in can be mistaken for one.
    private record Failure(Exception cause) {}

    private record Step(Callback<Object, Object> onValue, Callback<Exception, Object> onFailure) {}

    private final ArrayDeque<Step> steps = new ArrayDeque<>();
    private Object result;
    private boolean called;
    private boolean running;
    private int pauses;
    /** The Error a step threw, or null: after one, the chain runs nothing more. */
    private Error broken;

    /**
     * Twisted's addCallbacks: one step with both branches. The errback does NOT see the callback's
     * failure.
     *
     * <p>A step that throws an {@link Error} ends the chain for good: the Error goes to whoever
     * made the step run, and adding another step throws (chapter 07, "The two tracks", says why).
     *
     * @throws IllegalStateException if a step of this Deferred has thrown an Error
     */
    @SuppressWarnings("unchecked")
    public <R> Deferred<R> addCallbacks(Callback<? super T, ? extends R> onValue,
                                        Callback<? super Exception, ? extends R> onFailure) {
        if (broken != null) {
            throw new IllegalStateException("this Deferred broke: a step threw " + broken, broken);
        }
        steps.addLast(new Step((Callback<Object, Object>) onValue, (Callback<Exception, Object>) onFailure));
        runSteps(); // already fired? then the new step runs now, in the caller's thread
        // Same object, new result type: Twisted's own type hints do this cast too.
        return (Deferred<R>) this;
    }

    public <R> Deferred<R> addCallback(Callback<? super T, ? extends R> onValue) {
        return addCallbacks(onValue, failure -> { throw failure; }); // the failure stays on its track
    }

    public Deferred<T> addErrback(Callback<? super Exception, ? extends T> onFailure) {
        return addCallbacks(value -> value, onFailure); // the value passes through untouched
    }

    public <R> Deferred<R> addBoth(BothCallback<? super T, ? extends R> onEither) {
        return addCallbacks(value -> onEither.call(value, null), failure -> onEither.call(null, failure));
    }

    /** Fire {@code other} with whatever reaches this point. Afterwards this chain carries null, as in Twisted. */
    public Deferred<Void> chainDeferred(Deferred<? super T> other) {
        return addCallbacks(value -> { other.callback(value); return null; },
                            failure -> { other.errback(failure); return null; });
    }

    /** Start down the callback track with {@code value}. A Deferred fires once. */
    public void callback(T value) {
        fire(value);
    }

    /** Start down the errback track with {@code failure}. */
    public void errback(Exception failure) {
        fire(new Failure(Objects.requireNonNull(failure, "failure")));
    }

    /** Hold the chain where it is; steps added meanwhile wait too. Pauses nest, like Twisted's. */
    public void pause() {
        pauses++;
    }

    public void unpause() {
        if (pauses == 0) {
            throw new IllegalStateException("unpause() without pause()");
        }
        pauses--;
        runSteps();
    }

    private void fire(Object first) {
        if (called) {
            throw new IllegalStateException("already called"); // Twisted: AlreadyCalledError
        }
        called = true;
        result = first;
        try {
            runSteps();
        } catch (Error e) {
            // runSteps breaks the chain on an Error in it; a stack overflow can also strike on
            // the way into it, and must not leave this Deferred fired but resumable half-way.
            breakChain(e);
            throw e;
        }
    }

    private void runSteps() {
        // A step that adds a step to this same Deferred must not start a second loop: the loop
        // already running will reach the new step, in order.
        if (!called || pauses > 0 || running) {
            return;
        }
        running = true;
        try {
            while (pauses == 0 && !steps.isEmpty()) {
                Step step = steps.removeFirst();
                try {
                    result = result instanceof Failure failure
                            ? step.onFailure().call(failure.cause())
                            : step.onValue().call(result);
                } catch (Exception e) {
                    result = new Failure(e); // a throwing step moves the chain to the errback track
                }
            }
        } catch (Error e) { // from a step, or a stack overflow between steps
            breakChain(e); // see addCallbacks: the chain ends here, and the Error goes on up
            throw e;
        } finally {
            running = false;
        }
    }

    /** After an Error: nothing more runs, and adding a step throws. The first Error is the one kept. */
    private void breakChain(Error e) {
        if (broken == null) {
            broken = e;
        }
        steps.clear();
    }

    @Override
    public String toString() {
        String state = broken != null ? "broken: " + broken
                : !called ? "waiting" : result instanceof Failure f ? "failed: " + f.cause() : "result: " + result;
        return "Deferred[" + state + (pauses > 0 ? ", paused" : "") + ", " + steps.size() + " steps pending]";
    }
}
