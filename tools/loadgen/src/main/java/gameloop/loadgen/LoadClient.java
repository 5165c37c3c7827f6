package gameloop.loadgen;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One simulated player: what it does with each message, and its connection's own figures.
 *
 * <p>There is no thread per client. A {@link Transport} reads thousands of connections with a
 * few threads and calls {@link #text} when a message arrives, one message at a time for one
 * connection, though not always on the same thread (Jetty's client moves a connection between
 * pool threads). So the per-connection fields below have one writer at a time and need no lock.
 * Most are {@code volatile}, so that the next thread to serve this connection, and the report at
 * the end, see the last write; the few plain ones are published by the volatile write that
 * follows each change of them. Figures about all clients at once go to the shared
 * {@link TickLedger} and {@link Echoes}, which are built for many writers.
 */
public final class LoadClient {

    /**
     * The protocol's tick message, without the number the examples add (the article's first two
     * Python servers send it so, with no number; its later ones use other words).
     */
    static final String TICK_WORDS = "game loop says: tick";
    static final String PRESSED_PREFIX = "Pressed key code: ";
    /** Keys 'A' to 'Z' in turn: the key code in an echo says which press it answers. */
    private static final int FIRST_KEY = 65;
    static final int KEYS = 26;
    private static final long NONE = Long.MIN_VALUE;
    /**
     * A key press waiting for its echo. Whether it counts is decided once, when it is sent: the
     * window may open or close between the press and its echo, and a press must not be counted
     * on one side of that line and its echo on the other.
     */
    private static final class Press {
        final long dueAt;
        final boolean counted;
        /**
         * Whether it is already counted as lost: as a failed send (found by whichever thread
         * writes it) or as overtaken (found by the key timer), whichever comes first. The other
         * must not count it again, or the presses still waiting would go below zero.
         */
        private final AtomicBoolean lost = new AtomicBoolean();

        Press(long dueAt, boolean counted) {
            this.dueAt = dueAt;
            this.counted = counted;
        }

        void failed(Echoes echoes) {
            if (lost.compareAndSet(false, true)) {
                echoes.sendFailed();
            }
        }

        void overtaken(Echoes echoes) {
            if (lost.compareAndSet(false, true)) {
                echoes.overtaken();
            }
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
    private volatile int tickMessages;
    private volatile int outOfOrder;
    /**
     * The tick numbers this client received. After the run they are held against the numbers
     * everyone else received, so a tick this client never got counts as missed wherever it
     * falls: between two it did get, or after its last one (a server that silently stops sending
     * to a client leaves no gap to see).
     */
    private final ReceivedTicks received = new ReceivedTicks();
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

    /** The upgrade succeeded at {@code now}; from now on key presses go out on {@code connection}. */
    void opened(Connection connection, long now) {
        openedAt = now;
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
     * numbers follow on, is one tick interval: across a gap there is none, and the gap shows as
     * missed ticks instead. A repeated number is counted as such, and nothing else: it must not
     * stretch that tick's fan-out. What was received and missed is worked out after the run
     * ({@link #ticksReceived}, {@link #missed}).
     */
    void tick(long number, long now) {
        boolean first = !hasFirstTick;
        long previous = lastTick;
        if (first) {
            hasFirstTick = true;
            firstTick = number;
        }
        boolean beforeWindow = now < ledger.windowStart();
        boolean isNew = beforeWindow ? received.addBeforeWindow(number) : received.add(number, ledger.ticksToTrack());
        if (isNew) {
            ledger.arrived(number, now);
        }
        if (ledger.inWindow(now) && !first) {
            if (number == previous + 1) {
                ledger.interval(now - lastArrival);
            } else if (number <= previous) {
                outOfOrder++; // repeated or late: a server bug worth seeing
            }
        }
        if (first || number > previous) {
            lastArrival = now;
        }
        lastTick = first ? number : Math.max(previous, number);
        // Counted last: whoever sees this count also sees everything this tick changed above.
        tickMessages++;
    }

    /**
     * After the run: how many of the window's ticks this client received, each once however
     * often it came. A window tick is one whose first arrival, at any client, fell inside the
     * window, as for every per-client figure.
     */
    int ticksReceived(List<TickLedger.Tick> windowTicks) {
        return (int) windowTicks.stream()
                .filter(t -> received.receipt(t.number()) == ReceivedTicks.Receipt.RECEIVED)
                .count();
    }

    /**
     * After the run: whether tick {@code t} was meant for this client. It was if it was sent
     * while the client was connected, from the client's first tick on: the server lists a player
     * a moment after the client sees its upgrade answer, so the first tick or two may rightly
     * not be for it; and after it was lost it is counted as lost instead.
     */
    boolean wasOwed(TickLedger.Tick t) {
        long until = endedAt == NONE ? Long.MAX_VALUE : endedAt;
        boolean connected = openedAt != NONE && t.firstNanos() >= openedAt && t.firstNanos() < until;
        return connected && (!hasFirstTick || t.number() >= firstTick);
    }

    /** After the run: whether tick {@code number} reached this client, as far as it can tell. */
    ReceivedTicks.Receipt receipt(long number) {
        return received.receipt(number);
    }

    /**
     * After the run: how many of the window's tick numbers this client was owed ({@link #wasOwed})
     * and never received, and how many it cannot tell (see {@link ReceivedTicks}). A number no
     * client received at all (the server skipped it) counts too, for everyone. A client that
     * received no tick at all missed every tick sent while it was connected.
     *
     * @param windowTicks every tick whose first arrival, at any client, fell inside the window, in number order
     */
    Misses missed(List<TickLedger.Tick> windowTicks) {
        long missed = 0;
        long untracked = 0;
        boolean hasPrevious = false;
        long previous = 0;
        for (TickLedger.Tick t : windowTicks) {
            if (wasOwed(t)) {
                // This tick, and the numbers between the previous one and it that nobody got.
                long lowest = hasPrevious ? previous + 1 : t.number();
                if (hasFirstTick) {
                    lowest = Math.max(lowest, firstTick); // not the numbers before its own first tick
                }
                // Clamped at each step: a numbering that jumps by billions must not overflow the sums.
                missed = clampedSum(missed, received.notReceived(lowest, t.number()));
                untracked = clampedSum(untracked, received.untracked(lowest, t.number()));
            }
            previous = t.number();
            hasPrevious = true;
        }
        return new Misses((int) missed, (int) untracked);
    }

    /** One client's missed tick numbers, and the numbers it could not tell about. */
    record Misses(int missed, int untracked) {
    }

    private static long clampedSum(long a, long b) {
        return Math.min(Integer.MAX_VALUE, a + Math.min(Integer.MAX_VALUE, b));
    }

    private void keepUnnumbered(long now) {
        int n = unnumberedCount;
        if (n == unnumbered.length) {
            unnumbered = Arrays.copyOf(unnumbered, Math.max(64, n * 2));
        }
        unnumbered[n] = now;
        unnumberedCount = n + 1; // the volatile write publishes the array element above
    }

    /**
     * After the run, for ticks with no number: replays them as the ticks of the rounds they fell
     * into, this client's first arrival in a round as its first tick, the next as the next, and
     * any beyond the round's last tick as that tick again (see
     * {@link TickLedger#firstTickOfEachRound}).
     */
    void replayUnnumbered(long[] roundStarts, long[] firstTickOfEachRound) {
        int round = -1;
        int inRound = 0;
        for (long t : unnumberedArrivals()) {
            int r = TickLedger.roundOf(roundStarts, t);
            inRound = r == round ? inRound + 1 : 0;
            round = r;
            long last = firstTickOfEachRound[r + 1] - 1;
            tick(Math.min(firstTickOfEachRound[r] + inRound, last), t);
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
            echoes.echoed(now - press.dueAt);
        }
    }

    private static OptionalInt parseKey(String text) {
        try {
            return OptionalInt.of(Integer.parseInt(text.strip()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * Sends the next key, 'A' to 'Z' in turn, at {@code now}, for a press due at {@code due}.
     * Called by the key timer; never throws, never blocks.
     *
     * <p>The round trip is timed from {@code due}, not from {@code now}. A timer held up (a busy
     * machine, or other work on its thread) sends its presses late; timed from their sending, the
     * wait before they left would drop out of the figures, and the moments the machine was
     * busiest, when a press waits longest, would be measured least (what load testers call
     * coordinated omission). How late each press left is kept apart too, so a report can say how
     * much of the round trips was the tool's own timer.
     */
    void pressKey(long due, long now) {
        Connection c = connection;
        if (c == null || !c.isOpen()) {
            return;
        }
        int key = FIRST_KEY + nextKey;
        nextKey = (nextKey + 1) % KEYS;
        boolean counted = ledger.inWindow(due); // presses in the warm-up are sent and echoed, not counted
        Press press = new Press(due, counted);
        Press unanswered = pending.getAndSet(key - FIRST_KEY, press);
        if (unanswered != null && unanswered.counted) {
            // Its echo is 26 presses late, or lost. If it still comes, it will be taken for this
            // newer press's, and its round trip will look shorter than it was: the report warns.
            unanswered.overtaken(echoes);
        }
        if (counted) {
            echoes.pressed(now - due);
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
        ended(why, System.nanoTime());
    }

    /** {@link #ended(String)} at {@code now}, a made-up time in tests. */
    void ended(String why, long now) {
        if (endedAt == NONE) {
            endReason = why;
            endedAt = now;
        }
        closed.complete(null);
    }

    /** When the connection ended (a System.nanoTime), or Long.MIN_VALUE while it is open. */
    long endedAt() {
        return endedAt;
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

    /** Every tick message received so far, repeats and the warm-up's included (for tests). */
    int tickMessages() {
        return tickMessages;
    }

    /** The highest tick number received so far. */
    long lastTick() {
        return lastTick;
    }

    /** Whether any tick has reached this client yet. */
    boolean hadATick() {
        return lastTick != NONE;
    }

    int outOfOrder() {
        return outOfOrder;
    }

    int unknownMessages() {
        return unknownMessages;
    }
}
