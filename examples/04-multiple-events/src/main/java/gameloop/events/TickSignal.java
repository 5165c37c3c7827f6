package gameloop.events;

import java.util.concurrent.CompletableFuture;

/**
 * The game loop's announcement of each tick, to whoever is waiting: the Java counterpart of the
 * article's {@code asyncio.Condition} and its {@code notify_all()}.
 *
 * <p>A waiter asks for {@link #after(long) the first tick after the one it has seen} and gets a
 * {@link CompletableFuture}. Every waiter of the next tick shares one future, so announcing a
 * tick is one {@code complete()} call, and the signal keeps no list of its own: the future holds
 * its waiters, the way a condition holds its waiting tasks.
 *
 * <p>The race this class exists for: a handler finishes with tick 7 and asks for the next one on
 * its thread, while the loop announces tick 8 on its own. In asyncio both run on one thread, one
 * after the other. Here the announcement can fall in between; a signal that only handed out "the
 * next future" would then give the handler the future of tick 9, and tick 8 would be lost for
 * that player. Saying which tick you have seen closes the gap: if the next one exists already,
 * the answer is a future that is already complete.
 */
final class TickSignal {

    private final Object lock = new Object();
    /** The newest tick announced, 0 before the first. Guarded by {@link #lock}. */
    private long latest;
    /** Completes with the next tick. Guarded by {@link #lock}; replaced at every tick. */
    private CompletableFuture<Long> next = new CompletableFuture<>();

    /**
     * Announces a tick. The waiters run on the calling thread, inside {@code complete()}, so they
     * must be quick and must not block (each queues its tick, and at most
     * {@link PlayerHandler#KEYS_PER_STEP} answers to keys that were waiting). Called by one thread
     * only, with increasing numbers.
     */
    void announce(long tick) {
        CompletableFuture<Long> waking;
        synchronized (lock) {
            latest = tick;
            waking = next;
            next = new CompletableFuture<>();
        }
        // Outside the lock: the waiters run now, on this thread, for the whole fan-out. Holding
        // the lock meanwhile would make every other thread that needs it (a Jetty thread asking
        // for the next tick after a key, a newcomer reading the latest) wait for all of them,
        // and would run other code's callbacks under our lock, a classic way to deadlock.
        waking.complete(tick);
    }

    /**
     * The tick after {@code seen}: at once if it was already announced, otherwise when it is.
     * A waiter that fell behind (a thread descheduled for a whole period on a busy machine)
     * catches up one tick at a time, so every player still gets every tick, in order, as in
     * examples 01 to 03. A tick here is only its number, so a missed one costs nothing to give
     * out again; a real game would instead skip to the newest state.
     */
    CompletableFuture<Long> after(long seen) {
        synchronized (lock) {
            return latest > seen ? CompletableFuture.completedFuture(seen + 1) : next;
        }
    }

    /** The newest tick announced so far (0 before the first): where a newcomer starts waiting. */
    long latest() {
        synchronized (lock) {
            return latest;
        }
    }

    /**
     * How many waiters the next tick will wake, as {@code getNumberOfDependents()} estimates it
     * (a waiter that has moved on may be counted until its entry is cleaned up); for tests that
     * check nobody is left behind.
     */
    int waiting() {
        synchronized (lock) {
            return next.getNumberOfDependents();
        }
    }
}
