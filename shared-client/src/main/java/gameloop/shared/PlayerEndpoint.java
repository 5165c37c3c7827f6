package gameloop.shared;

import java.nio.ByteBuffer;
import java.util.OptionalInt;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection at {@code /connect}: the article's {@code wshandler}.
 *
 * <p>Jetty reads one connection's frames one at a time (the next frame is read only after
 * this listener returns, because it is auto-demanding), but not always on the same thread.
 * {@link #player} is written in {@code onWebSocketOpen} and read later on other threads;
 * {@code volatile} makes that hand-over visible without relying on Jetty's internals.
 *
 * <p>A close is not a frame read, though: it can arrive while {@code onWebSocketOpen} is still
 * running, in two ways. The game may close the player from its {@code playerJoined}: with a code
 * Jetty counts as abnormal (any but 1000, 1005, and 3000 and up), Jetty runs
 * {@code onWebSocketClose} as soon as the close frame is written, on this same thread, inside the
 * join. Or the server may be closing everyone at that moment, on the thread that stops it. Either
 * way {@link #player} is not set yet, so that close alone could not make the player leave, and it
 * would stay listed for good. So both sides write their own volatile field, then read the
 * other's: whichever runs second sees the first, and at least one of them makes the player leave
 * ({@link Player#markGone} is idempotent).
 */
public final class PlayerEndpoint implements Session.Listener.AutoDemanding {

    private static final Logger LOG = LoggerFactory.getLogger(PlayerEndpoint.class);

    private final Players players;
    private final Game game;
    private volatile Session session;
    private volatile Player player;
    /** Why the connection ended, once it has: set by {@link #leave}, read by a join still under way. */
    private volatile String closedBecause;

    PlayerEndpoint(Players players, Game game) {
        this.players = players;
        this.game = game;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        Player joined = players.join(session);
        this.player = joined;
        String why = closedBecause;
        if (joined != null && why != null) {
            joined.markGone(why + ", while joining"); // see the class comment
        }
    }

    @Override
    public void onWebSocketText(String text) {
        Player me = player;
        if (me == null) {
            return; // refused at join: the server is shutting down, or the game failed to take it in
        }
        OptionalInt keyCode = Protocol.parseKeyCode(text);
        if (keyCode.isPresent()) {
            try {
                game.keyPressed(me, keyCode.getAsInt());
            } catch (Throwable e) { // anything, as for a join (Players.join says why)
                // Left to Jetty, this would close the connection, send the exception's message to
                // the client as the close reason, and reach onWebSocketError below, which logs a
                // connection's errors at DEBUG only.
                LOG.error("The game failed on a key from {}; disconnecting it, the others play on", me, e);
                me.closeForServerError("the game failed on this key");
            }
        } else {
            me.send(Protocol.notAKeyCode(text)); // bad input is the server's business, not the game's
        }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
        // 1003 is the close code the WebSocket RFC reserves for "I cannot accept this data type".
        session.close(StatusCode.BAD_DATA, "binary frames are not supported: send a key code as text", Callback.NOOP);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        try {
            leave(closeReason(statusCode, reason));
        } finally {
            callback.succeed(); // whatever happens above, Jetty must hear the close was handled
        }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        // A reset connection or an oversized frame: expected, and this connection's business only.
        LOG.debug("Connection error for {}: {}", who(), cause.toString());
        // Jetty reports the close after this as well. Leaving now means no more ticks go to a
        // connection known to be broken while its close completes; leaving twice is harmless.
        leave("connection error, " + LogText.describe(cause));
    }

    /**
     * A close as the log tells it: its code, and its reason when it has one. The reason may be
     * the client's own words (up to 123 bytes), so it goes through {@link LogText#oneLine}.
     */
    static String closeReason(int statusCode, String reason) {
        if (reason == null || reason.isBlank()) {
            return "closed with " + statusCode;
        }
        return "closed with " + statusCode + " \"" + LogText.oneLine(reason) + "\"";
    }

    /** The player, or before the join (or after a refused one) the peer's address. */
    private Object who() {
        Player me = player;
        if (me != null) {
            return me;
        }
        Session mine = session;
        return mine != null ? mine.getRemoteSocketAddress() : "a connection not yet open";
    }

    private void leave(String why) {
        closedBecause = why; // before reading player: see the class comment
        Player me = player;
        if (me != null) {
            me.markGone(why);
        }
    }
}
