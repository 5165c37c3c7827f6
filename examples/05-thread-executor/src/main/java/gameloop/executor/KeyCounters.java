package gameloop.executor;

import gameloop.shared.Player;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every player's {@link KeysOnTheirWay}, from the player's join to its leave: the bound on key
 * presses waiting for the state's owner. A side matter of this example, kept out of
 * {@link ThreadExecutorGame} so that its hooks show the hand-off and little else. Called on
 * Jetty's threads (and on the owner's, for a leave after a failed broadcast): thread-safe.
 */
final class KeyCounters {

    /** The start of the answer to the first key dropped beyond {@link KeysOnTheirWay#MAX_WAITING}. */
    static final String BUSY = "Server busy, dropped key code: ";
    static final String BUSY_UNTIL_CAUGHT_UP = " (more may be dropped, unanswered, until it has caught up)";

    /**
     * An entry from the player's join (which always comes before its keys) to its leave. A key
     * that arrives after the leave (a send to the player failed on another thread meanwhile)
     * finds no entry and makes none. A join overtaken by its own leave: see {@link #joined}.
     */
    private final Map<Player, KeysOnTheirWay> keysWaiting = new ConcurrentHashMap<>();

    void joined(Player player) {
        keysWaiting.put(player, new KeysOnTheirWay());
        if (player.isGone()) {
            // Its leave overtook this join (see GameState#playerJoined), and may have found no
            // entry to remove. The leave marks the player gone before it calls playerLeft, so
            // whichever order the two map calls take, one of them removes the entry.
            keysWaiting.remove(player);
        }
    }

    void left(Player player) {
        keysWaiting.remove(player);
    }

    /**
     * Counts a key in and returns the player's counter, for the owner to count it out; or
     * returns null when the key is dropped: its player has left, or {@link KeysOnTheirWay#MAX_WAITING}
     * keys already wait (then the first key dropped in a busy spell is answered here and now).
     */
    KeysOnTheirWay admit(Player player, int keyCode) {
        KeysOnTheirWay keys = keysWaiting.get(player);
        if (keys == null) {
            return null; // it has just left (a send to it failed on another thread): nobody to answer
        }
        if (keys.countIn()) {
            return keys;
        }
        // One answer per busy spell, not one per dropped key. This thread reads a burst of keys
        // far faster than it can write answers while the owner's thread writes echoes to the
        // same client: thousands of answers would queue up at once, and the server would cut the
        // client off as one that does not read, though it does.
        if (keys.refuse()) {
            player.send(BUSY + keyCode + BUSY_UNTIL_CAUGHT_UP);
        }
        return null;
    }

    /** Players with a counter: every player between its join and its leave (for tests). */
    int size() {
        return keysWaiting.size();
    }
}
