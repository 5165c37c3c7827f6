package gameloop.loadgen;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One simulated player: what it does with each message, and its connection's own figures.
 *
 * <p>There is no thread per client. A {@link Transport} reads thousands of connections with a
 * few threads and calls {@link #text} when a message arrives, one message at a time for one
 * connection, though not always on the same thread (Jetty's client moves a connection between
 * pool threads). So the per-connection fields below have one writer at a time and need no lock;
 * they are {@code volatile} so the next thread to serve this connection, and the report at the
 * end, see the last write. Figures about all clients at once go to the shared
 * {@link TickLedger} and {@link Echoes}, which are built for many writers.
 */
public final class LoadClient {

    /** The protocol's tick message, without the number the examples add (the Python servers do not). */
    static final String TICK_WORDS = "game loop says: tick";
    static final String PRESSED_PREFIX = "Pressed key code: ";
    /** Keys 'A' to 'Z' in turn: the key code in an echo says which press it answers. */
    private static final int FIRST_KEY = 65;
    static final int KEYS = 26;
    private static final long NONE = Long.MIN_VALUE;
    /**
     * How many tick numbers, from its first, a client keeps a bit for: 8 KiB at most, however the
     * server numbers its ticks. A number beyond (a numbering that jumps by thousands) is not
     * kept, and counts as missed.
     */
    static final int MAX_TRACKED_TICKS = 1 << 16;

    /**
     * A key press waiting for its echo. Whether it counts is decided once, when it is sent: the
     * window may open or close between the press and its echo, and a press must not be counted
     * on one side of that line and its echo on the other.
     */
    private static final class Press {
        final long sentAt;
        final boolean counted;
        /** Set by whichever thread finds the send failed; read by the key timer. */
        volatile boolean sendFailed;

        Press(long sentAt, boolean counted) {
            this.sentAt = sentAt;
            this.counted = counted;
        }

        /** Counted once, as a failed send: not again as overtaken when its key comes round. */
        void failed(Echoes echoes) {
            sendFailed = true;
            echoes.sendFailed();
        }
    }

    private final TickLedger ledger;
    private final Echoes echoes;
    /** Each key's press awaiting its echo, or null: set by the key timer, taken by the threads that read the echoes. */
    private final AtomicReferenceArray<Press> pending = new AtomicReferenceArray<>(KEYS);
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile Connection connection;
    private int nextKey; // the key timer's only

    /** When the connection opened and ended (System.nanoTime), or NONE. */
    private volatile long openedAt = NONE;
    private volatile long endedAt = NONE;
    /** Why it ended, as the transport saw it first; for the report when a client is lost. */
    private volatile String endReason;

    // This connection's ticks: one writer at a time (see above).
    private volatile long lastTick = NONE;
    private volatile long lastArrival;
    private volatile int ticks;
    private volatile int outOfOrder;
    /**
     * Every tick number this client received, as bits from {@link #firstTick} on (at most
     * {@link #MAX_TRACKED_TICKS} of them). After the run it is held against the numbers everyone
     * else received, so a tick this client never got counts as missed wherever it falls: between
     * two it did get, or after its last one (a server that silently stops sending to a client
     * leaves no gap to see).
     */
    private final BitSet received = new BitSet();
    private boolean hasFirstTick;
    private long firstTick;
    private volatile int unknownMessages;
    /** Arrival times of ticks that carry no number; lined up with everyone's after the run. */
    private long[] unnumbered = new long[0];
    private volatile int unnumberedCount;

    LoadClient(TickLedger ledger, Echoes echoes) {
        this.ledger = ledger;
        this.echoes = echoes;
    }

    /** The upgrade succeeded; from now on key presses go out on {@code connection}. */
    void opened(Connection connection) {
        openedAt = System.nanoTime();
        this.connection = connection;
    }

    /**
     * A message arrived at {@code now}: taken by the transport as soon as it read the bytes,
     * since everything after that is our own delay, not the server's.
     */
    void text(String text, long now) {
        if (text.startsWith(PRESSED_PREFIX)) {
            echoed(text.substring(PRESSED_PREFIX.length()), now);
        } else if (text.startsWith(TICK_WORDS)) {
            String number = text.substring(TICK_WORDS.length()).strip();
            if (number.isEmpty()) {
                keepUnnumbered(now);
            } else {
                try {
                    tick(Long.parseLong(number), now);
                } catch (NumberFormatException e) {
                    unknownMessages++;
                }
            }
        } else {
            unknownMessages++;
        }
    }

    /** A message the examples never send (a binary one): counted, like any text we do not know. */
    void unknownMessage() {
        unknownMessages++;
    }

    /**
     * Tick {@code number} arrived at {@code now}. The time since the previous tick, when the
     * numbers follow on, is one tick interval; what was missed is worked out after the run
     * ({@link #missed}).
     */
    void tick(long number, long now) {
        ledger.arrived(number, now);
        boolean first = !hasFirstTick;
        long previous = lastTick;
        if (first) {
            hasFirstTick = true;
            firstTick = number;
        }
        int bit = bitOf(number);
        if (bit >= 0) {
            received.set(bit);
        }
        if (ledger.inWindow(now)) {
            ticks++;
            if (!first) {
                if (number == previous + 1) {
                    ledger.interval(now - lastArrival);
                } else if (number <= previous) {
                    outOfOrder++; // repeated or late: a server bug worth seeing
                }
            }
        }
        if (first || number > previous) {
            lastArrival = now;
        }
        lastTick = first ? number : Math.max(previous, number); // volatile: publishes the bit set above
    }

    /**
     * After the run: how many of the window's tick numbers this client never received, from its
     * first tick on, and while it was connected. A number no client received at all (the server
     * skipped it) counts too, for everyone. Not counted: ticks before its first one (the server
     * lists a player a moment after the client sees its upgrade answer, so the first tick or two
     * may rightly not be for it), and ticks after it was lost (it is counted as lost instead). A
     * client that received no tick at all missed every tick sent while it was connected.
     *
     * @param windowTicks every tick whose first arrival, at any client, fell inside the window, in number order
     */
    int missed(List<TickLedger.Tick> windowTicks) {
        long from = openedAt;
        long until = endedAt == NONE ? Long.MAX_VALUE : endedAt;
        long missed = 0;
        boolean hasPrevious = false;
        long previous = 0;
        for (TickLedger.Tick t : windowTicks) {
            boolean connected = from != NONE && t.firstNanos() >= from && t.firstNanos() < until;
            if (connected && (!hasFirstTick || t.number() >= firstTick)) {
                // This tick, and the numbers between the previous one and it that nobody got.
                long lowest = hasPrevious ? previous + 1 : t.number();
                if (hasFirstTick) {
                    lowest = Math.max(lowest, firstTick); // not the numbers before its own first tick
                }
                // Clamped at each step: a numbering that jumps by billions must not overflow the sum.
                missed = Math.min(Integer.MAX_VALUE, missed + Math.min(Integer.MAX_VALUE, notReceived(lowest, t.number())));
            }
            previous = t.number();
            hasPrevious = true;
        }
        return (int) missed;
    }

    /** How many of the numbers {@code lowest} to {@code highest} this client did not receive; no loop over them. */
    private long notReceived(long lowest, long highest) {
        long span = highest - lowest + 1;
        if (span <= 0) {
            span = Long.MAX_VALUE; // a range wider than a long can count: the numbering is nonsense anyway
        }
        int fromBit = bitOf(lowest);
        if (fromBit < 0) {
            return span; // none of it is kept: all missed
        }
        int toBit = bitOf(highest);
        int endBit = toBit >= 0 ? toBit + 1 : MAX_TRACKED_TICKS;
        int got = fromBit + 1 == endBit ? (received.get(fromBit) ? 1 : 0) : received.get(fromBit, endBit).cardinality();
        return span - got;
    }

    /** The bit kept for tick {@code number}, or -1 if none is: before the first tick, or too far past it. */
    private int bitOf(long number) {
        if (!hasFirstTick || number < firstTick) {
            return -1;
        }
        long bit = number - firstTick; // negative only on overflow, which is as far past as it gets
        return bit >= 0 && bit < MAX_TRACKED_TICKS ? (int) bit : -1;
    }

    private void keepUnnumbered(long now) {
        int n = unnumberedCount;
        if (n == unnumbered.length) {
            unnumbered = Arrays.copyOf(unnumbered, Math.max(64, n * 2));
        }
        unnumbered[n] = now;
        unnumberedCount = n + 1; // the volatile write publishes the array element above
    }

    /** After the run, for ticks with no number: replays them as the rounds they fell into. */
    void replayUnnumbered(long[] roundStarts) {
        long[] arrivals = unnumberedArrivals();
        for (long t : arrivals) {
            int found = Arrays.binarySearch(roundStarts, t);
            int round = found >= 0 ? found : -found - 2; // the last round that started at or before t
            tick(Math.max(0, round), t);
        }
    }

    long[] unnumberedArrivals() {
        int n = unnumberedCount;
        return Arrays.copyOf(unnumbered, n);
    }

    private void echoed(String keyText, long now) {
        OptionalInt key = parseKey(keyText);
        int slot = key.isPresent() ? key.getAsInt() - FIRST_KEY : -1;
        Press press = slot >= 0 && slot < KEYS ? pending.getAndSet(slot, null) : null;
        if (press == null) {
            echoes.unmatched();
        } else if (press.counted) {
            echoes.echoed(now - press.sentAt);
        }
    }

    private static OptionalInt parseKey(String text) {
        try {
            return OptionalInt.of(Integer.parseInt(text.strip()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** Sends the next key, 'A' to 'Z' in turn. Called by the key timer; never throws, never blocks. */
    void pressKey() {
        Connection c = connection;
        if (c == null || !c.isOpen()) {
            return;
        }
        int key = FIRST_KEY + nextKey;
        nextKey = (nextKey + 1) % KEYS;
        long now = System.nanoTime();
        boolean counted = ledger.inWindow(now); // presses in the warm-up are sent and echoed, not counted
        Press press = new Press(now, counted);
        Press unanswered = pending.getAndSet(key - FIRST_KEY, press);
        if (unanswered != null && unanswered.counted && !unanswered.sendFailed) {
            // Its echo is 26 presses late, or lost. If it still comes, it will be taken for this
            // newer press's, and its round trip will look shorter than it was: the report warns.
            echoes.overtaken();
        }
        if (counted) {
            echoes.pressed();
        }
        // Never throws (a periodic task that throws is never run again): a failure is counted.
        c.sendText(Integer.toString(key), counted ? () -> press.failed(echoes) : () -> { });
    }

    /** The connection key presses go out on, or null before the upgrade (for tests). */
    Connection connection() {
        return connection;
    }

    /** The connection is over, whichever side ended it; counted as lost if during the run. */
    void ended(String why) {
        if (endedAt == NONE) {
            endReason = why;
            endedAt = System.nanoTime();
        }
        closed.complete(null);
    }

    /** Why the connection ended, or null while it is open. */
    String endReason() {
        return endedAt == NONE ? null : endReason;
    }

    /** Starts a polite close (1000). */
    void close() {
        Connection c = connection;
        if (c != null) {
            c.close();
        } else {
            closed.complete(null);
        }
    }

    boolean isOpen() {
        Connection c = connection;
        return c != null && c.isOpen() && !closed.isDone();
    }

    CompletableFuture<Void> closed() {
        return closed;
    }

    int ticks() {
        return ticks;
    }

    /** The highest tick number received so far. */
    long lastTick() {
        return lastTick;
    }

    int outOfOrder() {
        return outOfOrder;
    }

    int unknownMessages() {
        return unknownMessages;
    }
}
