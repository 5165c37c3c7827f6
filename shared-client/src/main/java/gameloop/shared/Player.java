package gameloop.shared;

import java.nio.channels.WritePendingException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connected client. Safe to use from any thread: the game loop sends ticks from its thread
 * while Jetty's threads send echoes.
 *
 * <p>Sending never blocks and never throws. Jetty writes a frame on the thread that sends it, as
 * far as the socket takes it at once, and finishes on one of its own threads only a write that
 * had to wait for room. So a send that fails reaches {@link #sendFailed} on whichever thread
 * found out: usually the sending thread itself, before {@code send} returns (the queue is full,
 * the connection has already closed, or this very write met a reset), otherwise one of Jetty's
 * threads (a write that waited, then failed). (A send that throws, which Jetty never should,
 * drops its player at once, logged as the bug it is.) Two failures matter:
 * <ul>
 *   <li>the client is gone (reset, closed): we drop it, and the game loop carries on;</li>
 *   <li>the client is not keeping up: Jetty would queue its frames on our heap without limit, so
 *       {@link GameServer} caps the queue and a send beyond the cap fails at once with
 *       {@link WritePendingException}. We then disconnect that client, and only that client.
 *       Usually it has stopped reading; a client that sends thousands of keys in one write can
 *       get there too, when its echoes queue up faster than they can be written.</li>
 * </ul>
 */
public final class Player {

    private static final Logger LOG = LoggerFactory.getLogger(Player.class);
    /**
     * The close code a server going away sends (1001). The server says this goodbye itself, in
     * its own order, before it stops Jetty (chapter 01, "Stopping", says why).
     */
    static final int GOING_AWAY = StatusCode.SHUTDOWN;

    private final int id;
    private final Session session;
    private final Players players;
    /** Set once, by whichever thread first learns the player is gone. */
    private final AtomicBoolean gone = new AtomicBoolean();
    /** Which thread tells the game that this player left: see {@link JoinThenLeave}. */
    final JoinThenLeave joinThenLeave = new JoinThenLeave();
    /** One callback for every send: it holds no state, so sends on several threads can share it. */
    private final Callback onSendDone = Callback.from(() -> { }, this::sendFailed);

    Player(int id, Session session, Players players) {
        this.id = id;
        this.session = session;
        this.players = players;
    }

    /** A number that identifies this player in logs, stable for the whole connection. */
    public int id() {
        return id;
    }

    /** True once this player has left: set before the game hears of the leave. */
    public boolean isGone() {
        return gone.get();
    }

    /** Queues a text frame for this player. Returns at once; never throws. */
    public void send(String text) {
        if (gone.get()) {
            return; // its connection is closed or closing: a send would only fail again
        }
        try {
            session.sendText(text, onSendDone);
        } catch (RuntimeException | Error e) {
            // Jetty reports a failed write through the callback, so a throw here is a bug (an
            // assert, or a stack overflow). Let out, it would stop a broadcast half-way, and
            // the tick for everyone after this player, or kill the thread that was sending.
            // (An OutOfMemoryError is caught too; a production server would rather exit on
            // it, with -XX:+ExitOnOutOfMemoryError, and be restarted.)
            try {
                LOG.error("Sending to player {} threw; disconnecting it, the others play on", id, e);
                session.disconnect();
            } finally {
                markGone("a send threw, " + LogText.describe(e));
            }
        }
    }

    /**
     * Starts a close handshake with this player (the close frame is queued like any other). With
     * an abnormal code such as 1001 or 1011, Jetty closes the connection as soon as the frame is
     * written, and the player leaves then. With 1000, or a code of 3000 and up, Jetty waits for
     * the client's own close frame, and the player leaves when it comes (or when the idle
     * timeout ends the wait).
     */
    public void close(int statusCode, String reason) {
        session.close(statusCode, reason, Callback.NOOP);
    }

    /**
     * Closes this player's connection with 1011 (server error) and {@code reason}: for a game
     * that failed on this player and cannot go on with it. The player leaves once the close
     * frame is written, as with {@link #close}.
     */
    public void closeForServerError(String reason) {
        close(StatusCode.SERVER_ERROR, reason);
    }

    /**
     * Ends this player's connection at once, with no close frame, and it leaves now with
     * {@code why} in the log: for a player the server gives up on, one not keeping up or one the
     * stop can wait for no longer. A close frame would only queue behind the frames it is not
     * reading. (At the stop, left to Jetty, the leave would be logged as the failure of the write
     * that was waiting, an idle timeout of Jetty's.)
     */
    void cutOff(String why) {
        cutOff(why, () -> { });
    }

    /** As {@link #cutOff(String)}, and the one call that makes the player leave runs {@code first} first. */
    private void cutOff(String why, Runnable first) {
        try {
            markGone(why, first);
        } finally {
            session.disconnect();
        }
    }

    private void sendFailed(Throwable failure) {
        if (failure instanceof WritePendingException) {
            // Two sends can find the queue full at once (a tick and an echo), and the disconnect
            // makes the endpoint report the same loss: only the call that makes the player leave
            // says why, once, before the leave is logged and the game hears of it.
            cutOff("not keeping up", () -> LOG.warn("Player {} ({}) is not keeping up: {} frames are already queued for it (it"
                            + " does not read them, or it asks for answers faster than they can be written)."
                            + " Disconnecting it so it cannot grow our memory or slow anyone else.",
                    id, session.getRemoteSocketAddress(), GameServer.MAX_QUEUED_FRAMES));
        } else {
            LOG.debug("Send to player {} failed, dropping it: {}", id, failure.toString());
            markGone("a send failed, " + LogText.describe(failure));
        }
    }

    /**
     * Idempotent: the endpoint's close, its error and a failed send may all report the same loss.
     * The first call makes the player leave, and its {@code why} is what the log says ended it.
     */
    void markGone(String why) {
        markGone(why, () -> { });
    }

    /** As {@link #markGone(String)}, and the one call that makes the player leave runs {@code first} first. */
    private void markGone(String why, Runnable first) {
        if (gone.compareAndSet(false, true)) {
            try {
                first.run();
            } finally {
                players.remove(this, why);
            }
        }
    }

    @Override
    public String toString() {
        return "player " + id;
    }
}
