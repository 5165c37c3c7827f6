package gameloop.shared;

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
 * answered, on the selector thread that found the socket readable, not handed to a pool thread.
 *
 * <p>Jetty decides who runs a read by what the read's callback says of itself. Its WebSocket
 * connection says nothing, so Jetty takes it for blocking (its WebSocket API lets an endpoint
 * block) and plays safe: the selector hands the read to another thread, which reads, answers,
 * then asks the selector to watch the socket again, which means a wake-up and an update of the
 * selector's set. Per key press, about 14 system calls and two or three thread hand-overs,
 * against 4 and none when the selector reads in place (counted with {@code strace}; chapter 01,
 * "Under load", has what that is worth). Jetty has an open issue on it
 * (<a href="https://github.com/jetty/jetty.project/issues/13377">jetty#13377</a>); until it is
 * settled, this endpoint tells the selector that a WebSocket read never blocks.
 *
 * <p>That is a promise about every hook a frame leads to: {@code onWebSocketText}, the close and
 * error callbacks, and the game's {@link Game#keyPressed} and {@link Game#playerLeft}. None may
 * block (wait for a lock held long, a thread, a blocking send), or every connection on that
 * selector stops being read meanwhile; that is {@link Game}'s rule already. A client that sends
 * a burst is read until its socket is empty, and the others wait that long; the cap on queued
 * frames ends one that sends faster than it reads its answers. HTTP requests (the page, the
 * WebSocket upgrade, and so {@link Game#playerJoined}) keep Jetty's own way.
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

    /** Marks the callback of each read a WebSocket connection asks for as one that never blocks. */
    private static final class WebSocketReadsInPlace extends SocketChannelEndPoint {

        WebSocketReadsInPlace(SocketChannel channel, ManagedSelector selector, SelectionKey key, ServerConnector connector) {
            super(channel, selector, key, connector.getScheduler());
        }

        @Override
        public void fillInterested(Callback callback) {
            super.fillInterested(inPlace(callback));
        }

        @Override
        public boolean tryFillInterested(Callback callback) {
            return super.tryFillInterested(inPlace(callback));
        }

        private Callback inPlace(Callback read) {
            if (getConnection() instanceof WebSocketConnection) {
                return Callback.from(InvocationType.NON_BLOCKING, read::succeeded, read::failed);
            }
            return read; // an HTTP connection's: Jetty already knows how to run it
        }
    }
}
