package gameloop.events;

import gameloop.shared.Protocol;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One player's handler: it waits for two kinds of event at once, a key press or a tick, and
 * handles whichever comes first. The article's {@code wshandler} loop, written with futures.
 *
 * <p>The article keeps two tasks, one for "the next message" and one for "the next tick",
 * waits with {@code asyncio.wait(..., FIRST_COMPLETED)}, handles what is done, and makes a new
 * task only for the one that completed. This class does the same with
 * {@link CompletableFuture#anyOf}. What it does not have is a thread: while it waits, it is
 * only a callback attached to two futures, so a thousand waiting players cost a thousand small
 * objects, not a thousand parked threads.
 *
 * <p>Where does it run, then? On whichever thread completes the future it waits for: a Jetty
 * thread for a key press, the game loop's thread for a tick, the thread that closes the inbox
 * when the player leaves; or on the step's own thread, inside {@code whenComplete}, when the
 * future completed just before the callback was attached. Different threads, but never two at
 * once on these fields: a step attaches exactly one callback for the next step and then touches
 * nothing, so whatever the next step does comes after all this one did, even when it starts
 * before this one has returned. The attach also publishes everything the step wrote to the
 * thread that runs the next: the future takes the callback with an atomic update, and the
 * completing thread reads it back from there before it runs it, which in the Java memory model
 * orders the step's writes before the next step's reads. That is why the fields below need
 * neither a lock nor {@code volatile}. (It comes from how {@code CompletableFuture} is built, not
 * from a sentence of its documentation; chapter 04 says more, and {@code PlayerHandlerRace} puts
 * it to the test.)
 */
final class PlayerHandler {

    private static final Logger LOG = LoggerFactory.getLogger(PlayerHandler.class);

    /**
     * Keys one step may answer before it waits for the next tick alone. A step can run on the loop
     * thread, inside {@link TickSignal#announce}, where every other player's tick waits behind it;
     * a player flooding keys must not keep that thread for itself. Someone typing never gets
     * near it: a key that finds the handler waiting is answered at once, on Jetty's thread.
     */
    static final int KEYS_PER_STEP = 64;

    /** The answer to a key the inbox had no room for. */
    static final String TOO_MANY_KEYS = "Too many keys at once, dropped key code: ";

    private final String name;
    private final Consumer<String> out;
    private final Runnable onFailure;
    private final TickSignal ticks;
    /** What tick n says. The server says {@link Protocol#tick}; tests make it slow. */
    private final LongFunction<String> tickMessage;
    private final KeyInbox keys = new KeyInbox();

    // Confined to the step that is running (see the class comment).
    private CompletableFuture<OptionalInt> nextKey;
    private CompletableFuture<Long> nextTick;
    private long lastTick;

    /** A handler whose ticks say what the server's say ({@link Protocol#tick}), for tests. */
    PlayerHandler(String name, Consumer<String> out, Runnable onFailure, TickSignal ticks) {
        this(name, out, onFailure, ticks, Protocol::tick);
    }

    /**
     * @param name        for the log
     * @param out         sends one text frame to the player; must not block
     * @param onFailure   what to do if the handler fails (a bug): the game disconnects the player,
     *                    rather than leave it connected to a handler that no longer answers
     * @param ticks       the signal the game's loop announces each tick on
     * @param tickMessage what tick n says
     */
    PlayerHandler(String name, Consumer<String> out, Runnable onFailure, TickSignal ticks,
            LongFunction<String> tickMessage) {
        this.name = name;
        this.out = out;
        this.onFailure = onFailure;
        this.ticks = ticks;
        this.tickMessage = tickMessage;
    }

    /** Starts waiting, from the next tick on. Call once. */
    void start() {
        lastTick = ticks.latest();
        step();
    }

    /**
     * A key press arrived, on a Jetty thread. It is handled in turn, never beside a tick. One the
     * inbox refuses gets a clear answer (sent from here: the player may flood us, not wait).
     */
    void keyPressed(int keyCode) {
        if (!keys.offer(keyCode)) {
            LOG.debug("{}: {} key presses already waiting; dropped key {}", name, KeyInbox.CAPACITY, keyCode);
            out.accept(TOO_MANY_KEYS + keyCode);
        }
    }

    /** The player left: the handler ends at its next step, and waits for nothing any more. */
    void stop() {
        keys.close();
    }

    /**
     * For tests: how many callbacks wait on this player's next key (one at most, once stale
     * entries are cleaned up: the count is {@code getNumberOfDependents()}'s estimate).
     */
    int waitingForKeys() {
        return keys.waitingForKeys();
    }

    /**
     * Handles every event that is ready, then waits for the next one. A loop rather than a
     * callback that calls itself, so a burst of queued key presses is handled in one go without
     * the stack growing by a frame per key.
     */
    private void step() {
        try {
            int keysAnswered = 0;
            while (true) {
                if (nextKey == null) {
                    nextKey = keys.receive();
                }
                if (nextTick == null) {
                    nextTick = ticks.after(lastTick);
                }
                // Over its budget, the step waits for the tick alone, and a tick that is ready
                // goes out alone: the keys wait for the next step.
                boolean withinBudget = keysAnswered < KEYS_PER_STEP;
                CompletableFuture<?> first = withinBudget ? CompletableFuture.anyOf(nextKey, nextTick) : nextTick;
                if (!first.isDone()) {
                    // From here on, the next step may already be running, on another thread or
                    // (the future completed just now) inside this very call: touch nothing
                    // after attaching the callback (PlayerHandlerRace fails if a step does).
                    first.whenComplete((result, failure) -> step());
                    return;
                }
                boolean takeKey = withinBudget && nextKey.isDone();
                if (takeKey) {
                    keysAnswered++;
                }
                if (!handleWhatIsReady(takeKey)) {
                    return;
                }
            }
        } catch (Throwable e) {
            // A callback's exception would be kept inside a future nobody reads: say it here.
            // Anything, an Error (a failed assert) or a checked exception thrown undeclared too:
            // there, it would leave a player connected and answered by nobody, with nothing in
            // the log.
            LOG.error("{}: handler failed; disconnecting this player, the game goes on for everyone else", name, e);
            onFailure.run();
        }
    }

    /**
     * Handles the key press if {@code takeKey}, the tick if it is ready, or both (a key first,
     * like the article). False once the player has left.
     */
    private boolean handleWhatIsReady(boolean takeKey) {
        if (takeKey) {
            OptionalInt key = nextKey.join();
            nextKey = null;
            if (key.isEmpty()) {
                // The player left. The waiting tick callback stays on the tick future until the
                // next tick fires it or anyOf's clean-up drops it; nothing asks for another.
                return false;
            }
            out.accept(Protocol.pressed(key.getAsInt()));
        }
        if (nextTick.isDone()) {
            lastTick = nextTick.join();
            nextTick = null;
            out.accept(tickMessage.apply(lastTick));
        }
        return true;
    }
}
