package gameloop.shared;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.eclipse.jetty.websocket.core.WebSocketConnection;

/**
 * Jetty's connector, except that a WebSocket connection's frames are read, and its key presses
 * answered, on the selector thread that found the socket readable.
 *
 * <p>Jetty decides who runs a read by what the read's callback says of itself. Its WebSocket
 * connection says nothing, so Jetty takes it for blocking (its WebSocket API lets an endpoint
 * block) and plays safe: the read and the selecting part ways, one of them moving to another
 * thread (the selector hands the read to a pool thread, or runs it and hands its selecting to a
 * spare one), and the read then asks, from a thread that is not the selector's, to have the
 * socket watched again: an update of the selector's set and a wake-up. Per key press, about 14
 * system calls and several hand-overs between threads, against about 3 and none when the
 * selector reads in place (counted with {@code strace}; chapter 01, "Under load", has what that
 * is worth). Jetty has an open issue on it
 * (<a href="https://github.com/jetty/jetty.project/issues/13377">jetty#13377</a>); until it is
 * settled, this endpoint tells the selector that a WebSocket read never blocks.
 *
 * <p>That is a promise about every hook a frame leads to: {@code onWebSocketText}, the close and
 * error callbacks, and the game's {@link Game#keyPressed} and {@link Game#playerLeft}. None may
 * block (wait for a lock held long, a thread, a blocking send), or every connection on that
 * selector stops being read meanwhile; that is {@link Game}'s rule already. (Their log lines are
 * written there too: a console that stops taking output stalls the reads.) A client that keeps
 * sending is read one buffer at a time, each connection in turn (below). HTTP requests (the
 * page, the WebSocket upgrade, and so {@link Game#playerJoined}) keep Jetty's own way, and so
 * does a read Jetty must make while a write to that socket waits for room.
 */
final class SelectorReadsConnector extends ServerConnector {

    SelectorReadsConnector(Server server) {
        super(server);
    }

    /** As {@link ServerConnector}'s own, but with the endpoint below. */
    @Override
    protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
        SocketChannelEndPoint endPoint = new WebSocketReadsInPlace(channel, selector, key, this);
        endPoint.setIdleTimeout(getIdleTimeout());
        return endPoint;
    }

    /**
     * Marks the callback of each read a WebSocket connection asks for as one that never blocks,
     * and gives each such connection one buffer's worth of frames per turn.
     *
     * <p>The turn: Jetty's WebSocket connection reads and parses until a read finds nothing,
     * and only then asks the selector to watch the socket again. A client that keeps sending
     * would so keep the selector, and every other connection it reads, for as long as it sends.
     * Here the read after one that found bytes says there is nothing more; the connection asks
     * for the selector's attention, which finds the socket still readable, but serves the other
     * ready sockets first. (Node.js reads one buffer per readable socket in the same way, Netty a
     * few messages.) For a client that sends one key at a time it also saves the read that would
     * have found the socket empty.
     */
    private static final class WebSocketReadsInPlace extends SocketChannelEndPoint {

        /**
         * Whether this turn's read has found bytes. Volatile: the thread that reads a connection
         * can change (the upgrade's first, then the selector's, a pool thread's after a write that
         * had to wait).
         */
        private volatile boolean readThisTurn;

        WebSocketReadsInPlace(SocketChannel channel, ManagedSelector selector, SelectionKey key, ServerConnector connector) {
            super(channel, selector, key, connector.getScheduler());
        }

        @Override
        public int fill(ByteBuffer buffer) throws IOException {
            boolean webSocket = getConnection() instanceof WebSocketConnection;
            if (webSocket && readThisTurn) {
                return 0; // the other connections' turn: the selector will come back to this one
            }
            int filled = super.fill(buffer);
            readThisTurn = webSocket && filled > 0;
            return filled;
        }

        @Override
        public void fillInterested(Callback callback) {
            readThisTurn = false; // a new turn starts when the selector next finds bytes
            super.fillInterested(inPlace(callback));
        }

        private Callback inPlace(Callback read) {
            if (getConnection() instanceof WebSocketConnection) {
                return Callback.from(InvocationType.NON_BLOCKING, read::succeeded, read::failed);
            }
            return read; // an HTTP connection's: Jetty already knows how to run it
        }
    }
}
