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
 * {@link #MAX_WAITING}, a key is dropped, and the first one dropped in a busy spell is answered at
 * once, on the Jetty thread.
 *
 * <p>Both the count and the flag live in one {@code int}, the count in the low bits and
 * "refusing" in bit 30, so that every change to them is one atomic step. With two atomics, the
 * owner reaching zero and then clearing the flag would be two steps, and a whole new busy spell
 * could start in between: its first refusal would find the old flag still set and go unanswered,
 * and the late clear would then make a second refusal answered in the same spell.
 *
 * <p>Bit 29 says the player was told that keys are dropped past the bound for all players
 * ({@link KeyCounters}). That spell is not this player's: it may have no key waiting at all, so
 * the owner's last {@link #countOut()} cannot end it. It ends instead when one of its keys is
 * let through again ({@link #admitted()}).
 */
final class KeysOnTheirWay {

    /** Key presses of one player that may wait for the owner at once. */
    static final int MAX_WAITING = 64;

    private static final int REFUSING = 1 << 30;
    private static final int TOLD_ALL_FULL = 1 << 29;
    private static final int COUNT = TOLD_ALL_FULL - 1;
    private final AtomicInteger state = new AtomicInteger();

    /**
     * Jetty's thread: counts a key in, or says no when {@link #MAX_WAITING} already wait. A key
     * said no to stays counted until {@link #refuse()}, so meanwhile the owner cannot reach zero
     * and clear a flag that is about to be set.
     */
    boolean countIn() {
        return (state.getAndIncrement() & COUNT) < MAX_WAITING;
    }

    /**
     * Jetty's thread, after {@link #countIn()} said no: gives the count back and sets the flag, in
     * one step. True if the flag was not set: the first refusal of a busy spell.
     */
    boolean refuse() {
        // If the owner took every other key meanwhile, this gives back the last count: the spell
        // is over, and the flag must not outlive it.
        int before = state.getAndUpdate(s -> oneFewer(s, REFUSING));
        return (before & REFUSING) == 0;
    }

    /**
     * Jetty's thread, after {@link #countIn()} said yes but the key is refused all the same, past
     * the bound for all players: as {@link #refuse()}, and marks the player told. True for the
     * first such refusal since a key of this player was last let through, unless this player's own
     * busy spell has already been answered.
     */
    boolean refuseForAll() {
        int before = state.getAndUpdate(s -> oneFewer(s, REFUSING) | TOLD_ALL_FULL);
        return (before & (REFUSING | TOLD_ALL_FULL)) == 0;
    }

    /** Jetty's thread, once a key is let through to the owner: a later refusal for all is news again. */
    void admitted() {
        if ((state.get() & TOLD_ALL_FULL) != 0) {
            state.updateAndGet(s -> s & ~TOLD_ALL_FULL);
        }
    }

    /** The owner's thread, for each key it takes: the last one clears the flag in the same step. */
    void countOut() {
        state.updateAndGet(s -> oneFewer(s, 0));
    }

    /**
     * {@code s} with one key fewer and {@code flag} set; or, if that was the last key, no count
     * and no refusing flag (the told-for-all mark stays: the owner does not end that spell).
     */
    private static int oneFewer(int s, int flag) {
        return ((s - 1) & COUNT) == 0 ? s & TOLD_ALL_FULL : (s - 1) | flag;
    }
}
