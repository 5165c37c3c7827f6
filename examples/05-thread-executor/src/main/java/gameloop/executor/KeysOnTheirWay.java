package gameloop.executor;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One player's key presses on their way to the state's owner: how many wait, and whether the
 * player has been told that keys are being dropped. Jetty's thread counts up, the owner counts
 * down.
 *
 * <p>Why a bound at all: the owner's queue has none of its own. While the owner is busy (a long
 * broadcast) or stuck, a client flooding keys would fill our memory with them, and then get them
 * all echoed in one burst, more than {@code GameServer.MAX_QUEUED_FRAMES} allows a client. Beyond
 * {@link #MAX_WAITING}, or beyond the bound for all players ({@link KeyCounters}), a key is
 * dropped, and the first one dropped in a busy spell is answered at once, on the Jetty thread.
 *
 * <p>Why a lock: the count and the two "told" marks change together. With an atomic count and an
 * atomic flag beside it, the owner taking the last key and then clearing the flag would be two
 * steps, and a whole new busy spell could start in between: its first drop would find the old
 * flag still set and go unanswered, and the late clear would then let a second drop of the same
 * spell be answered. Under one lock each change to the three is one step. The lock is this
 * player's alone, taken for a few field updates by the Jetty thread reading the player and by the
 * owner: next to the hand-over every key makes anyway, it costs next to nothing.
 */
final class KeysOnTheirWay {

    /** Key presses of one player that may wait for the owner at once. */
    static final int MAX_WAITING = 64;

    /** What became of one key press. */
    enum Admission {
        /** Counted in: the caller hands it to the owner, who calls {@link #taken()}. */
        LET_THROUGH,
        /** Dropped, the first drop of a busy spell: the caller answers it. */
        DROPPED_FIRST,
        /** Dropped, and the player has already been told: no answer. */
        DROPPED_AGAIN
    }

    /** Keys of all players waiting for the owner, shared by every player's counter. */
    private final AtomicInteger waitingInAll;
    private final int maxWaitingInAll;

    // Guarded by this.
    private int waiting;
    /**
     * A drop was answered while keys of this player waited. That spell ends when the owner has
     * taken them all: the player has heard, and the owner is catching up on its keys.
     */
    private boolean toldBusy;
    /**
     * A drop past the bound for all players was answered. That spell is not this player's: it
     * may have no key waiting at all, so the owner's last {@link #taken()} cannot end it. It ends
     * when one of its keys is let through again.
     */
    private boolean toldBusyForAll;

    KeysOnTheirWay(AtomicInteger waitingInAll, int maxWaitingInAll) {
        this.waitingInAll = waitingInAll;
        this.maxWaitingInAll = maxWaitingInAll;
    }

    /** Jetty's thread, for each key press: counts it in, or drops it and says whether to answer. */
    synchronized Admission admit() {
        if (waiting == MAX_WAITING) {
            return dropped(!toldBusy);
        }
        if (waitingInAll.incrementAndGet() > maxWaitingInAll) {
            waitingInAll.decrementAndGet();
            boolean first = !toldBusy && !toldBusyForAll;
            toldBusyForAll = true;
            return dropped(first);
        }
        waiting++;
        toldBusyForAll = false; // a later drop past the bound for all is news again
        return Admission.LET_THROUGH;
    }

    /** The owner's thread, for each key it takes: the last one ends this player's busy spell. */
    synchronized void taken() {
        waiting--;
        waitingInAll.decrementAndGet();
        if (waiting == 0) {
            toldBusy = false;
        }
    }

    private Admission dropped(boolean first) {
        // A drop while none of its keys waits starts no spell the owner could end: leave it to
        // toldBusyForAll (a drop past this player's own bound always has MAX_WAITING waiting).
        toldBusy = waiting > 0;
        return first ? Admission.DROPPED_FIRST : Admission.DROPPED_AGAIN;
    }
}
