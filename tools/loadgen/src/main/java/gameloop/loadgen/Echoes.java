package gameloop.loadgen;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Key presses and their echoes, summed over every connection.
 *
 * <p>Many threads write, one reads at the end. The counters are {@link LongAdder}s, which
 * spread contended increments over several cells instead of making every thread fight for
 * one; the round-trip times go to a wait-free {@link ConcurrentHistogram}.
 */
final class Echoes {

    private final ConcurrentHistogram roundTripMicros = new ConcurrentHistogram(3);
    private final ConcurrentHistogram sentLateMicros = new ConcurrentHistogram(3);
    private final LongAdder pressed = new LongAdder();
    private final LongAdder echoed = new LongAdder();
    private final LongAdder unmatched = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();
    private final LongAdder overtaken = new LongAdder();

    /** A press of the window, sent {@code lateNanos} after it was due (the key timer's own delay). */
    void pressed(long lateNanos) {
        pressed.increment();
        sentLateMicros.recordValue(Math.max(0, lateNanos / 1000));
    }

    void echoed(long roundTripNanos) {
        echoed.increment();
        roundTripMicros.recordValue(Math.max(0, roundTripNanos / 1000));
    }

    /** An echo of a key this client had no press waiting for (a duplicate, or a stranger's). */
    void unmatched() {
        unmatched.increment();
    }

    void sendFailed() {
        sendFailures.increment();
    }

    /**
     * A press still waiting for its echo when its key came round again. Echoes are matched to
     * presses by key code, 'A' to 'Z' in turn, so this happens only when an echo is 26 key
     * periods late (or lost); it makes the round trips unreliable, and the report says so.
     */
    void overtaken() {
        overtaken.increment();
    }

    long overtakenCount() {
        return overtaken.sum();
    }

    long pressedCount() {
        return pressed.sum();
    }

    long echoedCount() {
        return echoed.sum();
    }

    long unmatchedCount() {
        return unmatched.sum();
    }

    long sendFailureCount() {
        return sendFailures.sum();
    }

    /** Presses still waiting for their echo (sums are not a snapshot; fine for "are we done?"). */
    long pending() {
        return pressed.sum() - echoed.sum() - sendFailures.sum() - overtaken.sum();
    }

    Histogram roundTripMicros() {
        return roundTripMicros.copy();
    }

    Histogram sentLateMicros() {
        return sentLateMicros.copy();
    }
}
