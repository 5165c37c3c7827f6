package gameloop.executor;

import gameloop.shared.Player;
import gameloop.shared.Players;
import gameloop.shared.Protocol;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

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
    /**
     * Each player's latest key code. A player who leaves is not removed at once: nobody tells
     * this state of joins and leaves (see {@link #keyPressed}), so its entry (and with it the
     * player's closed session) goes at the next snapshot, or sooner, when the map outgrows twice
     * the players connected, plus 16.
     */
    private final Map<Player, Integer> latestKeys = new HashMap<>();

    /**
     * @param onOwnerThread true when called on the thread this state belongs to
     */
    GameState(Players players, LongFunction<String> tickMessage, BooleanSupplier onOwnerThread) {
        this.players = players;
        this.tickMessage = tickMessage;
        this.onOwnerThread = onOwnerThread;
    }

    /**
     * Records the key and answers the player, as the article's handler does. Who is connected
     * is not kept here: {@link Players} is thread-safe, and {@link Player#isGone()} says whether
     * a player has left. So joins and leaves need no hand-over to this thread, and cannot pile
     * up in its queue while it is busy or stuck. A key from a player who has left (a send to it
     * failed on another thread just as its key arrived) is not recorded (nor answered: a send to
     * a player who has left does nothing).
     */
    void keyPressed(Player player, int keyCode) {
        confined();
        if (!player.isGone()) {
            latestKeys.put(player, keyCode);
            if (latestKeys.size() > 2 * players.count() + 16) {
                forgetPlayersWhoLeft(); // players who pressed a key and left, between snapshots
            }
        }
        player.send(Protocol.pressed(keyCode)); // never blocks: the owner must stay quick
    }

    /** The tick, and the latest key of every player still connected. */
    Snapshot snapshot() {
        confined();
        forgetPlayersWhoLeft();
        // Made unmodifiable here, so the Snapshot's own Map.copyOf keeps it as it is, uncopied.
        return new Snapshot(tick, latestKeys.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(entry -> entry.getKey().id(), Map.Entry::getValue)));
    }

    /** Keys held, players who left included (for tests: the map stays bounded between snapshots). */
    int keysHeld() {
        confined();
        return latestKeys.size();
    }

    private void forgetPlayersWhoLeft() {
        latestKeys.keySet().removeIf(Player::isGone);
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
