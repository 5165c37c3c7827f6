package gameloop.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Every tick every client received, keyed by tick number: when the first client got it and when
 * the last one did. The difference is that tick's fan-out, the time one broadcast takes to reach
 * everyone.
 *
 * <p>Thousands of connections report here at once, from a handful of reading threads, so the hot
 * path takes no lock:
 * <ul>
 *   <li>the slots live in a {@link ConcurrentHashMap}: once a tick's slot exists, finding it is a
 *       plain read, and only the first arrival of each tick creates one;</li>
 *   <li>a slot keeps its first and last arrival in {@link AtomicLong}s, moved by compare-and-set
 *       only when an arrival is earlier (or later) than what is there;</li>
 *   <li>tick intervals go to an HdrHistogram {@link ConcurrentHistogram}, whose recording is
 *       wait-free.</li>
 * </ul>
 * What each client saw on its own (its count, its gaps) is that client's business and lives in
 * {@link LoadClient}, where it needs no sharing at all.
 *
 * <p>The measurement window is two volatile timestamps. Ticks are recorded from the first
 * connection on, but the figures count only what arrived inside the window.
 */
final class TickLedger {

    /** One tick, after the run: who got it first and last, and how many clients got it. */
    record Tick(long number, long firstNanos, long lastNanos, int clients) {
        long fanOutNanos() {
            return lastNanos - firstNanos;
        }
    }

    private final Map<Long, Slot> slots = new ConcurrentHashMap<>();
    /**
     * Each client's interval between consecutive tick numbers, in microseconds. Four significant
     * digits, not three: the figure people read is the interval minus the nominal period, a few
     * microseconds out of 100,000, and with three a 100 ms interval falls in a 64 µs bucket (so
     * a perfect period would print as +0.03 ms); with four the bucket is 4 µs.
     */
    private final ConcurrentHistogram intervalsMicros = new ConcurrentHistogram(4);
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    /** Written before {@link #windowStart}, so whoever sees the window open sees it too. */
    private int ticksToTrack = 1;

    /**
     * The window opens at {@code nanoTime}.
     *
     * @param ticksToTrack how many tick numbers each client keeps a bit for, from the window on
     *                     (see {@link #ticksToTrack(Duration, Duration)})
     */
    void openWindow(long nanoTime, int ticksToTrack) {
        this.ticksToTrack = ticksToTrack;
        windowStart = nanoTime;
    }

    /**
     * How many tick numbers a window of {@code window} can hold, with the drain after it: four
     * times what the nominal period allows, for a server that runs fast or catches up, and a
     * thousand more. With no nominal period, as if the server ticked every millisecond. Only a
     * numbering that jumps far goes past it, and those numbers are reported as untracked.
     */
    static int ticksToTrack(Duration window, Duration nominalPeriod) {
        Duration period = nominalPeriod != null ? nominalPeriod : Duration.ofMillis(1);
        long ticks = window.plus(LoadGenerator.DRAIN_MAX).toNanos() / Math.max(1, period.toNanos());
        return (int) Math.min(Integer.MAX_VALUE, 4 * ticks + 1024);
    }

    int ticksToTrack() {
        return ticksToTrack;
    }

    void closeWindow(long nanoTime) {
        windowEnd = nanoTime;
    }

    boolean inWindow(long nanoTime) {
        return nanoTime >= windowStart && nanoTime < windowEnd;
    }

    long windowStart() {
        return windowStart;
    }

    long windowNanos() {
        return windowEnd - windowStart;
    }

    /**
     * A client received tick {@code number} at {@code nanoTime}, for the first time (a repeat
     * must not stretch the fan-out, nor count as one more client). Called from many threads.
     */
    void arrived(long number, long nanoTime) {
        Slot slot = slots.get(number);
        if (slot == null) {
            slot = slots.computeIfAbsent(number, n -> new Slot()); // a first arrival (racing ones: one makes the slot)
        }
        slot.arrived(nanoTime);
    }

    /** One client's interval between tick n-1 and tick n. Called from many threads. */
    void interval(long nanos) {
        intervalsMicros.recordValue(Math.max(0, nanos / 1000));
    }

    /** After the run: the ticks whose first arrival fell inside the window, in tick order. */
    List<Tick> ticksInWindow() {
        List<Tick> ticks = new ArrayList<>();
        slots.forEach((number, slot) -> {
            long first = slot.first.get();
            if (inWindow(first)) {
                ticks.add(new Tick(number, first, slot.last.get(), slot.clients.get()));
            }
        });
        ticks.sort((a, b) -> Long.compare(a.number(), b.number()));
        return ticks;
    }

    /** After the run: every client's tick intervals, in microseconds. */
    Histogram intervalsMicros() {
        return intervalsMicros.copy();
    }

    /**
     * For servers whose ticks carry no number: groups every arrival, from every client, into
     * rounds by time. A round starts at the first arrival more than half a period after the
     * current round began. That holds only while fan-out stays under half a period, which
     * the report says. A round may hold more than one tick: see {@link #firstTickOfEachRound}.
     *
     * @param sortedArrivals every client's tick arrival times, sorted
     * @return the start time of each round
     */
    static long[] roundStarts(long[] sortedArrivals, long periodNanos) {
        long[] starts = new long[sortedArrivals.length];
        int rounds = 0;
        for (long t : sortedArrivals) {
            if (rounds == 0 || t - starts[rounds - 1] > periodNanos / 2) {
                starts[rounds++] = t;
            }
        }
        return Arrays.copyOf(starts, rounds);
    }

    /**
     * The number of the first tick of each round, and one more entry after the last round: the
     * number after its last tick. A round holds as many ticks as the fewest arrivals any client
     * with arrivals in it has there. When every client gets several ticks within half a period (a
     * server catching up after a stall, or this whole tool held up), those are ticks in a row, not
     * one tick again and again. When only some do (one reading thread held up, say), their extra
     * arrivals are late ticks of earlier rounds, which this cannot place: they stay repeats, and
     * the clients that got each tick once are not charged with ticks that were never sent.
     *
     * @param arrivalsPerClient each client's tick arrival times, in the order they came
     */
    static long[] firstTickOfEachRound(long[] roundStarts, List<long[]> arrivalsPerClient) {
        int[] fewest = new int[roundStarts.length]; // 0: no client had an arrival in the round yet
        for (long[] arrivals : arrivalsPerClient) {
            int[] mine = new int[roundStarts.length];
            for (long t : arrivals) {
                mine[roundOf(roundStarts, t)]++;
            }
            for (int r = 0; r < mine.length; r++) {
                if (mine[r] > 0) {
                    fewest[r] = fewest[r] == 0 ? mine[r] : Math.min(fewest[r], mine[r]);
                }
            }
        }
        long[] first = new long[roundStarts.length + 1];
        for (int r = 0; r < roundStarts.length; r++) {
            first[r + 1] = first[r] + Math.max(1, fewest[r]);
        }
        return first;
    }

    /** The last round that started at or before {@code t}. */
    static int roundOf(long[] roundStarts, long t) {
        int found = Arrays.binarySearch(roundStarts, t);
        return Math.max(0, found >= 0 ? found : -found - 2);
    }

    /** One tick number's first and last arrival, moved by compare-and-set, never by a lock. */
    private static final class Slot {
        final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong last = new AtomicLong(Long.MIN_VALUE);
        final AtomicInteger clients = new AtomicInteger();

        void arrived(long t) {
            // Read before writing: most arrivals are not the earliest, so most never write `first`.
            long seen;
            while (t < (seen = first.get()) && !first.compareAndSet(seen, t)) {
                // another thread moved it meanwhile: look again
            }
            while (t > (seen = last.get()) && !last.compareAndSet(seen, t)) {
                // likewise
            }
            clients.incrementAndGet();
        }
    }
}
