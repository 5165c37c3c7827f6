package gameloop.shared;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The part of a server that each example writes: its game loop, and what it does when players
 * come and go. Everything else (Jetty, the page, the endpoint, limits) is {@link GameServer}'s.
 *
 * <p>Threads: {@link #playerJoined}, {@link #playerLeft} and {@link #keyPressed} are called on
 * Jetty's threads, possibly on several at once, and concurrently with the game's own loop. An
 * implementation that keeps state across them must guard it; that is what the examples are about.
 * A join comes on a pool thread (the one that handled the WebSocket upgrade); a key press, and a
 * leave the connection itself reports (a close frame, a reset), usually on the selector thread
 * that read it, which reads many connections in turn ({@link SelectorReadsConnector}), now and
 * then on another of Jetty's threads. So no hook may block: while one waits, no connection on
 * its selector is read. {@link #playerLeft} may also run on the thread that sent to the player or closed it. Jetty
 * writes on the calling thread, so a send that fails there (a full queue, a connection already
 * closed, a reset under that very write) ends the player on that thread, and so, usually, does a
 * close the server or the game starts (on one of Jetty's threads if the socket was full). That
 * can be the game's own loop thread, in the middle of a broadcast, or the thread stopping the
 * server. So it must never wait for the loop to finish a tick. A leave that comes while the
 * player's {@link #playerJoined} still runs is told once that returns, on the thread that ran it.
 *
 * <p>None of these should throw. If one does, an {@link Error} included, the server logs it and
 * deals with that one player; the others play on.
 */
public interface Game extends AutoCloseable {

    /** Called once, after the server accepts connections. */
    default void start() {
    }

    /**
     * A player connected and is already in {@link Players}. May come before {@link #start()}: the
     * server accepts connections first, then starts the game. Always comes before the same
     * player's {@link #playerLeft}, even when the player leaves while this runs (a broadcast that
     * fails to reach it, say): the server tells the game of that leave once this has returned. So
     * the player may already be gone here ({@link Player#isGone()}), and sends to it do nothing.
     * Should not throw; if it does, the server logs it, disconnects that player (1011), calls
     * {@link #playerLeft} for it (so undo any half-made state there) and plays on.
     */
    default void playerJoined(Player player) {
    }

    /**
     * A player left (closed, dropped or was disconnected) and is no longer in {@link Players}.
     * Called once per player, always after its {@link #playerJoined} has returned (see there).
     * Should not throw; if it does, the server logs it and the player is gone all the same.
     */
    default void playerLeft(Player player) {
    }

    /**
     * A player sent a key code. Called on one of Jetty's threads, usually the selector's that read
     * it: one call at a time for one player, but possibly at once for different players, and
     * concurrently with the game's loop. Must not block (see the class comment). By default the
     * answer goes to that player alone, as in the article's handler. Text that is not a key code
     * never gets here: the server answers it. Should not throw; if it does, the server logs it
     * and disconnects that player (1011).
     *
     * <p>May come for a player that is leaving on another thread, even after its
     * {@link #playerLeft} has returned: a key already read when a send to that player failed on
     * the loop thread, say. So look the player's state up rather than assume it is there (04's
     * handlers, 05's key counters), and keep nothing for a player that {@link Player#isGone()}
     * (05's game state); a send to it does nothing.
     */
    default void keyPressed(Player player, int keyCode) {
        player.send(Protocol.pressed(keyCode));
    }

    /**
     * Stops every thread, task and process the game started, and waits for them to finish.
     * Called once, before the players are told the server is going away. New players are
     * refused by then, but one let in just before may still reach {@link #playerJoined} while
     * this runs, or after it has returned: if {@code playerJoined} starts anything (a match, a
     * thread), guard it with a "closed" flag set here. Must not throw.
     */
    @Override
    void close();

    /**
     * What a game's {@link #close()} does with the executor that runs its loop: stop it
     * (interrupting a tick that is waiting), then wait up to 5 s for its thread to end, so no
     * tick can run after {@code close()} returns.
     *
     * <p>The wait goes on even if the caller is interrupted (a test that timed out, an
     * application shutting down its own threads): giving up at once would let a tick, or a
     * worker being replaced, outlive {@code close()}. The caller's interrupt is kept and
     * restored when the wait is over.
     */
    static void stopAndAwait(ExecutorService loop) {
        stopAndAwait(loop, "game-loop");
    }

    /** The same, for any executor a game owns; {@code role}, its threads' role name, names it in the log if it hangs. */
    static void stopAndAwait(ExecutorService executor, String role) {
        executor.shutdownNow();
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (!executor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                        LoggerFactory.getLogger(Game.class).error("The {} thread did not stop within {} s",
                                role, STOP_TIMEOUT.toSeconds());
                    }
                    return;
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting; the caller sees the interrupt afterwards
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** How long {@link #stopAndAwait} waits for a game's thread to end. */
    Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    /** Builds an example's game from what the server gives it. */
    @FunctionalInterface
    interface Factory {
        Game create(GameContext context);
    }
}
