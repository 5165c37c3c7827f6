package gameloop.executor;

import gameloop.shared.Player;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound on key presses waiting for the state's owner, whose queue has none of its own:
 * {@link KeysOnTheirWay#MAX_WAITING} per player, from the player's join to its leave, and
 * {@link #MAX_WAITING_IN_ALL} for all players together. The second is what a client that
 * reconnects in a loop, pressing keys each time, meets while the owner is stuck: each connection
 * is a new player with a fresh count. A side matter of this example, kept out of
 * {@link ThreadExecutorGame} so that its hooks show the hand-off and little else. Called on
 * Jetty's threads (and on the owner's, for a leave after a failed broadcast): thread-safe.
 */
final class KeyCounters {

    /** Key presses of all players that may wait for the owner at once: about a megabyte of tasks. */
    static final int MAX_WAITING_IN_ALL = 10_000;

    /**
     * The start of the answer to the first key dropped beyond {@link KeysOnTheirWay#MAX_WAITING}
     * for its player, or beyond {@link #MAX_WAITING_IN_ALL} for all players together.
     */
    static final String BUSY = "Server busy, dropped key code: ";
    static final String BUSY_UNTIL_CAUGHT_UP = " (more may be dropped, unanswered, until it has caught up)";

    /**
     * An entry from the player's join (which always comes before its keys) to its leave. A key
     * that arrives after the leave (a send to the player failed on another thread meanwhile)
     * finds no entry and makes none. The server tells the game of a leave only after the join
     * has returned, so the leave always finds the entry its join made.
     */
    private final Map<Player, KeysOnTheirWay> keysWaiting = new ConcurrentHashMap<>();
    private final AtomicInteger waitingInAll = new AtomicInteger();
    private final int maxWaitingInAll;

    KeyCounters() {
        this(MAX_WAITING_IN_ALL);
    }

    KeyCounters(int maxWaitingInAll) {
        this.maxWaitingInAll = maxWaitingInAll;
    }

    void joined(Player player) {
        keysWaiting.put(player, new KeysOnTheirWay(waitingInAll, maxWaitingInAll));
    }

    void left(Player player) {
        keysWaiting.remove(player);
    }

    /**
     * Counts a key in and returns the player's counter, on which the owner calls
     * {@link KeysOnTheirWay#taken()} when it takes the key; or returns null when the key is
     * dropped: its player has left, or a bound is reached (then the first key dropped in a busy
     * spell is answered here and now).
     */
    KeysOnTheirWay admit(Player player, int keyCode) {
        KeysOnTheirWay keys = keysWaiting.get(player);
        if (keys == null) {
            return null; // it has just left (a send to it failed on another thread): nobody to answer
        }
        // One answer per busy spell, not one per dropped key. This thread reads a burst of keys
        // far faster than it can write answers while the owner's thread writes echoes to the
        // same client: thousands of answers would queue up at once, and the server would cut the
        // client off as one that does not read, though it does.
        return switch (keys.admit()) {
            case LET_THROUGH -> keys;
            case DROPPED_FIRST -> {
                player.send(BUSY + keyCode + BUSY_UNTIL_CAUGHT_UP);
                yield null;
            }
            case DROPPED_AGAIN -> null;
        };
    }

    /** Keys of all players waiting for the owner (for tests). */
    int waitingInAll() {
        return waitingInAll.get();
    }

    /** Players with a counter: every player between its join and its leave (for tests). */
    int size() {
        return keysWaiting.size();
    }
}
