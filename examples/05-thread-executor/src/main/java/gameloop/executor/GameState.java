package gameloop.executor;

import gameloop.shared.Player;
import gameloop.shared.Players;
import gameloop.shared.Protocol;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * The game's state: the number of the last tick sent, and each player's latest key press.
 *
 * <p>It has no lock, no {@code volatile} and no concurrent map, and needs none: it is
 * <em>confined</em> to one thread, the game-state thread, and only that thread ever calls it.
 * Everyone else (Jetty's threads with key presses, the loop thread with each new step) hands a
 * task to that thread instead. One writer means no lost updates and no torn reads; the executor's
 * hand-over (submit, then {@code get}) gives the happens-before edges that make each thread see
 * the other's writes.
 *
 * <p>Confinement is a promise the compiler does not check. So every method checks it: a call from
 * any other thread fails at once, at the line that broke the promise, instead of losing a key
 * press once in a million.
 *
 * <p>{@link Players} needs none of this: it is a thread-safe object, callable from anywhere. Only
 * state that is <em>not</em> thread-safe has to live on one thread.
 */
final class GameState {

    /** What the loop gets to work from: an immutable copy, safe to read on any thread. */
    record Snapshot(long tick, Map<Integer, Integer> latestKeys) {
        Snapshot {
            latestKeys = Map.copyOf(latestKeys);
        }
    }

    /** What the loop worked out: the tick to send next. A real game would add positions and the like. */
    record Step(long tick) {
    }

    private final Players players;
    /** What tick n says. The server says {@link Protocol#tick}; tests make it fail or hang on purpose. */
    private final LongFunction<String> tickMessage;
    private final BooleanSupplier onOwnerThread;

    /** The last tick sent. It lives here, not in the loop, so a restarted loop counts on from it. */
    private long tick;
    /** The ids of the players who are connected. */
    private final Set<Integer> present = new HashSet<>();
    /** Players whose leave got here before their join; each is removed when its join comes. */
    private final Set<Integer> leftBeforeJoining = new HashSet<>();
    /** Player id to the key code that player pressed last. */
    private final Map<Integer, Integer> latestKeys = new HashMap<>();

    /**
     * @param onOwnerThread true when called on the thread this state belongs to
     */
    GameState(Players players, LongFunction<String> tickMessage, BooleanSupplier onOwnerThread) {
        this.players = players;
        this.tickMessage = tickMessage;
        this.onOwnerThread = onOwnerThread;
    }

    /**
     * A join can arrive after its own leave: the server lists a player before it tells the game,
     * and a broadcast in between may already have failed to reach it. That leave left a mark
     * here, and the join, finding it, is dropped.
     */
    void playerJoined(Player player) {
        confined();
        if (!leftBeforeJoining.remove(player.id())) {
            present.add(player.id());
        }
    }

    /**
     * Records the key and answers the player, as the article's handler does. A key handed over
     * after its player's leave is not recorded: a send to that player can fail on another thread
     * just as its key arrives, and then the leave may reach this thread first.
     */
    void keyPressed(Player player, int keyCode) {
        confined();
        if (present.contains(player.id())) {
            latestKeys.put(player.id(), keyCode);
        }
        player.send(Protocol.pressed(keyCode)); // never blocks: the owner must stay quick
    }

    void playerLeft(Player player) {
        confined();
        if (!present.remove(player.id())) {
            leftBeforeJoining.add(player.id()); // its join is still on the way (ids are never reused)
        }
        latestKeys.remove(player.id());
    }

    Snapshot snapshot() {
        confined();
        return new Snapshot(tick, latestKeys);
    }

    /**
     * Applies the loop's step and tells every player: the article's {@code notify()}. Returns the
     * snapshot the loop works out the next step from.
     */
    Snapshot apply(Step step) {
        confined();
        if (step.tick() != tick + 1) {
            // Only one step is ever in flight (the loop waits for this one), so this means a bug.
            throw new IllegalStateException("a step for tick " + step.tick() + " cannot follow tick " + tick);
        }
        String message = tickMessage.apply(step.tick()); // first: if it throws, the state is unchanged
        tick = step.tick();
        players.broadcast(message); // never blocks, never throws
        return snapshot();
    }

    private void confined() {
        if (!onOwnerThread.getAsBoolean()) {
            throw new IllegalStateException("GameState belongs to the game-state thread; it was called on "
                    + Thread.currentThread().getName() + ". Hand the call to its owner instead.");
        }
    }
}
