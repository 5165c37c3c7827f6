package gameloop.events;

import java.util.ArrayDeque;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;

/**
 * One player's key presses, waiting to be handled: the counterpart of what the article gets
 * from {@code ws.receive()}, a future of the next message.
 *
 * <p>Jetty pushes each key press to us on one of its threads; the player's handler pulls them
 * one at a time, when it is ready. In between they wait here. A handler that is waiting when a
 * key arrives gets it at once, on the thread that delivered it; otherwise the key is queued.
 * The queue is bounded: a key beyond {@link #CAPACITY} is refused rather than held.
 */
final class KeyInbox {

    /**
     * A bound, so that a client flooding us cannot grow our memory: about 20 KiB per player at
     * worst. Far more than a person types: the handler takes each key within microseconds. Keys
     * pile up only behind a handler whose thread is descheduled mid-step, or one that has
     * answered its {@link PlayerHandler#KEYS_PER_STEP} and waits for the next tick.
     */
    static final int CAPACITY = 1024;

    private static final CompletableFuture<OptionalInt> CLOSED =
            CompletableFuture.completedFuture(OptionalInt.empty());

    private final Object lock = new Object();
    private final Queue<Integer> keys = new ArrayDeque<>(); // guarded by lock
    private CompletableFuture<OptionalInt> receiver;        // guarded by lock: a handler waiting
    private boolean closed;                                   // guarded by lock

    /**
     * Delivers a key. False if the inbox is full. A key for a closed inbox (the player has just
     * left) is ignored: there is nobody left to answer.
     */
    boolean offer(int keyCode) {
        CompletableFuture<OptionalInt> waiting;
        synchronized (lock) {
            if (closed) {
                return true;
            }
            if (receiver == null) {
                return keys.size() < CAPACITY && keys.add(keyCode);
            }
            waiting = receiver;
            receiver = null;
        }
        waiting.complete(OptionalInt.of(keyCode)); // outside the lock: the handler runs right here
        return true;
    }

    /**
     * The next key: completed already if one is queued, otherwise when one arrives. Empty once the
     * inbox is closed (the player left). One receive at a time: the handler asks again only
     * after this one completed.
     */
    CompletableFuture<OptionalInt> receive() {
        synchronized (lock) {
            if (!keys.isEmpty()) {
                return CompletableFuture.completedFuture(OptionalInt.of(keys.remove()));
            }
            if (closed) {
                return CLOSED;
            }
            receiver = new CompletableFuture<>();
            return receiver;
        }
    }

    /**
     * How many are waiting on the pending receive (0 if none), as {@code getNumberOfDependents()}
     * estimates it (a waiter that has moved on may be counted until its entry is cleaned up): for
     * tests that check a handler that waited through many ticks left nothing behind on it.
     */
    int waitingForKeys() {
        synchronized (lock) {
            return receiver == null ? 0 : receiver.getNumberOfDependents();
        }
    }

    /** The player left: a waiting handler gets "no more keys", and new keys are refused. */
    void close() {
        CompletableFuture<OptionalInt> waiting;
        synchronized (lock) {
            closed = true;
            keys.clear();
            waiting = receiver;
            receiver = null;
        }
        if (waiting != null) {
            waiting.complete(OptionalInt.empty());
        }
    }
}
