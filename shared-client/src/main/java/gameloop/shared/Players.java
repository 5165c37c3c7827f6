package gameloop.shared;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connected players: the Java counterpart of the article's {@code app["sockets"]} list.
 *
 * <p>In Python that list is a plain list, and that is fine there: every handler and the game
 * loop run on one asyncio event loop, one at a time, so nobody appends while the loop iterates.
 * Jetty instead calls endpoints on threads of its own, several at once, while the game loop
 * iterates on its own thread. A plain {@code ArrayList} would throw
 * {@code ConcurrentModificationException} or silently lose players. So:
 * <ul>
 *   <li>the set is a concurrent one: add and remove from any thread, and iterate while others
 *       change it. Iteration is <em>weakly consistent</em>: a player who joins during a tick
 *       may or may not get that tick, and that is all it means;</li>
 *   <li>joining and closing everyone share a lock, so a player cannot slip in while the server
 *       closes everyone and stay connected to a server that is going away.</li>
 * </ul>
 */
public final class Players {

    private static final Logger LOG = LoggerFactory.getLogger(Players.class);
    /**
     * How long the players told last get at least, for their goodbye to go out, however long
     * telling all the others took (see {@link #closeAll}).
     */
    static final Duration LAST_GOODBYES_GRACE = Duration.ofMillis(200);

    private final Set<Player> online = ConcurrentHashMap.newKeySet();
    private final AtomicInteger nextId = new AtomicInteger();
    /** Guards {@link #closing} against {@link #join}; also the monitor {@link #awaitNoneOnline} waits on. */
    private final Object lock = new Object();
    private boolean closing;
    private volatile Game game;

    void attach(Game game) {
        this.game = game;
    }

    /** Sends the same text to every connected player. Never blocks, never throws. */
    public void broadcast(String text) {
        for (Player player : online) {
            player.send(text);
        }
    }

    /** How many players are connected right now. */
    public int count() {
        return online.size();
    }

    /**
     * Registers a new connection. Null if it was refused (1001: the server is going away) or the
     * game failed to take it in (1011).
     *
     * <p>The player is listed before the game hears of it, so that the game's {@code playerJoined}
     * can already send to it. It can then leave before {@code playerJoined} has returned; the game
     * still hears of the join first and of the leave once ({@link JoinThenLeave} says how), so
     * every game can take a player's join and leave as coming in that order.
     */
    Player join(Session session) {
        Player player;
        synchronized (lock) {
            if (closing) {
                session.close(Player.GOING_AWAY, "server shutting down", Callback.NOOP);
                return null;
            }
            player = new Player(nextId.incrementAndGet(), session, this);
            // Logged before the player is listed: once listed, a broadcast that fails to reach it
            // can end it on another thread at once, and its leave must not be logged before its join.
            LOG.info("{} joined from {} ({} online)", player, session.getRemoteSocketAddress(), online.size() + 1);
            online.add(player);
        }
        try {
            game.playerJoined(player);
        } catch (Throwable e) {
            // Thrown into Jetty, this would close the connection with the player still listed
            // (the endpoint never learns who it was), counted as online for good, nothing in the
            // log above DEBUG (the endpoint's error hook logs a connection's errors there), and
            // Jetty's wrapping of the exception (its class names and the start of its message)
            // sent to the client as the close reason. Anything: an Error (a failed assert, say)
            // is a bug in the game like any other, and so is a checked exception thrown where
            // none is declared.
            LOG.error("The game failed to take in {}; disconnecting it, the others play on", player, e);
            player.markGone("the game could not take it in"); // the game hears of it below: undo any half-made state there
            player.closeForServerError("the game could not take this player in");
            return null;
        } finally {
            // In a finally: a leave held back while the game took the player in must be told
            // whatever happened above.
            if (player.joinThenLeave.joinOverWithALeaveHeld()) {
                tellTheGameItLeft(player);
            }
        }
        return player;
    }

    /**
     * Called once per player, by {@link Player#markGone}, with what ended it. The game hears of
     * it now, or, if its {@code playerJoined} is still running, once that returns ({@link #join}).
     */
    void remove(Player player, String why) {
        if (online.remove(player)) {
            LOG.info("{} left ({} online): {}", player, count(), why);
            try {
                if (player.joinThenLeave.leaveMayBeToldNow()) {
                    tellTheGameItLeft(player);
                }
            } finally {
                synchronized (lock) {
                    lock.notifyAll(); // wakes awaitNoneOnline
                }
            }
        }
    }

    private void tellTheGameItLeft(Player player) {
        try {
            game.playerLeft(player);
        } catch (Throwable e) { // anything, as for a join
            LOG.error("The game failed on {} leaving; it is gone all the same", player, e);
        }
    }

    /**
     * From now on a new connection is closed at once with 1001, and the game never hears of it.
     * The server calls this first when it stops, before the game does: a game that is stopping
     * must not be asked to take in a player.
     */
    void refuseNewPlayers() {
        synchronized (lock) {
            closing = true;
        }
    }

    /**
     * Refuses new players, sends everyone a close frame with 1001 (going away), and waits for all
     * of them to leave. Jetty reports a 1001 close it started, and so the player leaves, once the
     * close frame is written (see {@link Player#close}); a client that is not reading, whose
     * socket is full, can hold that up. Whoever is still here {@code timeout} after the first
     * close frame, or {@link #LAST_GOODBYES_GRACE} after the last if telling everyone took
     * longer, is cut off here: disconnected with no close frame (its socket is full, so none
     * could be written), and its leave logged as such. Telling thousands of
     * players takes a while (each close is written, logged and told to the game, mostly here, on
     * the stopping thread), so counting the timeout from the last close frame would make the stop
     * as long as the telling plus the timeout. (A player whose join the game is still taking in
     * leaves all the same; the game, stopped by then, hears of that leave once its
     * {@code playerJoined} returns, which may be after this.)
     */
    void closeAll(Duration timeout) throws InterruptedException {
        refuseNewPlayers(); // GameServer already did; harmless twice, and this method's promise holds alone
        long began = System.nanoTime();
        int told = 0;
        for (Player player : online) {
            player.close(Player.GOING_AWAY, "server shutting down");
            told++;
        }
        long deadline = Math.max(began + timeout.toNanos(), System.nanoTime() + LAST_GOODBYES_GRACE.toNanos());
        if (!awaitNoneOnline(deadline)) {
            for (Player player : online) {
                player.cutOff("cut off at the stop, its close frame not written in time");
            }
        } else if (told > 0) {
            // Milliseconds, normally: each player leaves as its close frame is written.
            LOG.info("Said goodbye to {} {}; {} left within {} ms", told, told == 1 ? "player" : "players",
                    told == 1 ? "it" : "all", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
        }
    }

    /** True if everyone left by the deadline (a {@link System#nanoTime}); false (and a warning) if some had to be cut off. */
    private boolean awaitNoneOnline(long deadline) throws InterruptedException {
        synchronized (lock) {
            while (!online.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    int stuck = online.size();
                    LOG.warn(stuck == 1
                            ? "1 player could not be sent the close frame in time (not reading?); cutting it off"
                            : "{} players could not be sent the close frame in time (not reading?); cutting them off", stuck);
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
        return true;
    }
}
