package gameloop.reactor;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The reactor's timers, earliest first. The reactor asks how long it may sleep in select()
 * ({@link #nanosUntilNext}) and, after each wake-up, takes the calls that are due. Reactor thread
 * only; a cancelled call stays in the queue until its turn and is then skipped.
 */
final class DelayedCalls {

    private final PriorityQueue<DelayedCall> queue = new PriorityQueue<>(DelayedCalls::earlierFirst);
    private long sequence;
    /** What each call checks its caller with: the reactor's thread check. */
    private final Consumer<String> checkThread;

    DelayedCalls(Consumer<String> checkThread) {
        this.checkThread = checkThread;
    }

    DelayedCall add(long dueNanos, Runnable action) {
        DelayedCall call = new DelayedCall(dueNanos, sequence++, action, checkThread);
        queue.add(call);
        return call;
    }

    /** How long until the next active call is due: 0 if one is due now, -1 if there is none. */
    long nanosUntilNext(long now) {
        dropCancelledHead();
        DelayedCall next = queue.peek();
        return next == null ? -1 : Math.max(0, next.dueNanos - now);
    }

    /**
     * The calls due at {@code now}, removed from the queue. Taken all at once, before any runs, so a
     * call that schedules another with no delay cannot keep the reactor from its sockets.
     */
    List<DelayedCall> takeDue(long now) {
        List<DelayedCall> due = new ArrayList<>();
        dropCancelledHead();
        while (!queue.isEmpty() && queue.peek().dueNanos - now <= 0) {
            DelayedCall call = queue.poll();
            if (call.isActive()) {
                due.add(call);
            }
        }
        return due;
    }

    void clear() {
        queue.clear();
    }

    /**
     * Earliest first, ties in the order they were made. Due times are {@code System.nanoTime()}
     * values, which may wrap round past {@code Long.MAX_VALUE}: they are compared by their
     * difference, as nanoTime's documentation says to ({@link Reactor#callLater} keeps any two
     * close enough for that).
     */
    private static int earlierFirst(DelayedCall a, DelayedCall b) {
        int byDue = Long.signum(a.dueNanos - b.dueNanos);
        return byDue != 0 ? byDue : Long.compare(a.sequence, b.sequence);
    }

    private void dropCancelledHead() {
        while (!queue.isEmpty() && !queue.peek().isActive()) {
            queue.poll();
        }
    }
}
