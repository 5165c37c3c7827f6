package gameloop.loadgen;

import java.util.BitSet;

/**
 * The tick numbers one client received, one bit each, for working out after the run which of
 * the window's ticks it missed.
 *
 * <p>Only ticks that reach it from the window on can be window ticks (a window tick is one
 * whose first arrival, at any client, is inside the window, so it reaches this client no
 * sooner). So before the window the bits follow the newest tick, keeping just that one (it may
 * be a window tick after all if it arrived as the window opened), and from the window on they
 * run from there: as many as the window can hold, {@code capacity}, so that memory stays
 * bounded when a server's numbering jumps. A number outside that range is <em>untracked</em>:
 * whether it arrived cannot be told, and the report says how many such numbers there were
 * rather than count them as missed. Until a tick arrives from the window on, there is no such
 * range yet: a client still connected that got nothing in the window missed every window tick.
 *
 * <p>One writer at a time, the thread reading the client's connection (see {@link LoadClient}).
 */
final class ReceivedTicks {

    /** Whether a number arrived, as far as the bits can tell. */
    enum Receipt { RECEIVED, NOT_RECEIVED, UNTRACKED }

    private final BitSet bits = new BitSet();
    private boolean any;
    /** Whether a tick has arrived from the window on: until one has, only the newest earlier one is kept. */
    private boolean inWindow;
    /** The number bit 0 stands for. */
    private long base;
    private int capacity = 1;

    /**
     * Tick {@code number} arrived before the window opened: only the newest number is kept.
     *
     * @return false if it had already arrived (a repeat of the number kept)
     */
    boolean addBeforeWindow(long number) {
        if (!any || number > base) {
            restartAt(number);
            return true;
        }
        return number != base;
    }

    /**
     * Tick {@code number} arrived from the window on.
     *
     * @param capacity how many numbers, from the base, the window can hold (see {@link TickLedger#ticksToTrack})
     * @return false if it had already arrived (a repeat)
     */
    boolean add(long number, int capacity) {
        this.capacity = Math.max(1, capacity);
        inWindow = true;
        if (!any) {
            restartAt(number);
            return true;
        }
        int bit = bitOf(number);
        if (bit < 0) {
            return true; // untracked: cannot tell a repeat, and must not grow the bits
        }
        boolean repeat = bits.get(bit);
        bits.set(bit);
        return !repeat;
    }

    Receipt receipt(long number) {
        if (!any) {
            return Receipt.NOT_RECEIVED;
        }
        if (!inWindow) {
            return number == base ? Receipt.RECEIVED : Receipt.NOT_RECEIVED;
        }
        int bit = bitOf(number);
        return bit < 0 ? Receipt.UNTRACKED : bits.get(bit) ? Receipt.RECEIVED : Receipt.NOT_RECEIVED;
    }

    /** How many of the numbers {@code lowest} to {@code highest} are tracked and did not arrive; no loop over them. */
    long notReceived(long lowest, long highest) {
        if (!any) {
            return span(lowest, highest);
        }
        if (!inWindow) {
            // Ticks came before the window and none since, to a client still connected: every
            // number but the one kept is known not to have arrived (the range tracked from the
            // window on does not exist yet, and must not make them "untracked").
            boolean keptIsInRange = lowest <= base && base <= highest;
            return span(lowest, highest) - (keptIsInRange ? 1 : 0);
        }
        long from = Math.max(lowest, base);
        long to = Math.min(highest, lastTracked());
        if (from > to) {
            return 0;
        }
        int fromBit = bitOf(from);
        int endBit = bitOf(to) + 1;
        return span(from, to) - bits.get(fromBit, endBit).cardinality();
    }

    /** How many of the numbers {@code lowest} to {@code highest} fall outside the tracked range. */
    long untracked(long lowest, long highest) {
        if (!any || !inWindow) {
            return 0; // nothing arrived from the window on: every number is known not to have arrived
        }
        return span(lowest, highest) - span(Math.max(lowest, base), Math.min(highest, lastTracked()));
    }

    private void restartAt(long number) {
        bits.clear();
        any = true;
        base = number;
        bits.set(0);
    }

    private long lastTracked() {
        long last = base + capacity - 1;
        return last < base ? Long.MAX_VALUE : last; // past the end of the longs
    }

    private int bitOf(long number) {
        if (number < base || number > lastTracked()) {
            return -1;
        }
        return (int) (number - base); // capacity is an int's worth at most
    }

    /** How many numbers {@code lowest} to {@code highest}: 0 if none, clamped where a long cannot count them. */
    private static long span(long lowest, long highest) {
        if (lowest > highest) {
            return 0;
        }
        long span = highest - lowest + 1;
        return span <= 0 ? Long.MAX_VALUE : span;
    }
}
