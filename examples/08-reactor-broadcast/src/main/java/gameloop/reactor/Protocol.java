package gameloop.reactor;

import java.util.Objects;

/**
 * What one connection does when things happen to it, as in Twisted: the reactor calls
 * {@link #connectionMade} once, {@link #dataReceived} for each chunk it reads, and
 * {@link #connectionLost} once at the end, always on the reactor thread and never two at once.
 * A subclass overrides what it needs and talks back through {@link #transport()}.
 *
 * <p>A chunk is whatever one read returned, not a message: TCP is a stream of bytes. See
 * {@link LineReceiver} for a protocol that finds the messages in it.
 */
public abstract class Protocol {

    private Transport transport;

    /** Called by the reactor when the connection is up: attaches the transport, then connectionMade. */
    final void makeConnection(Transport transport) {
        this.transport = Objects.requireNonNull(transport);
        connectionMade();
    }

    protected final Transport transport() {
        if (transport == null) {
            throw new IllegalStateException("not connected yet: use the transport from connectionMade on");
        }
        return transport;
    }

    protected void connectionMade() {
    }

    /** {@code data} is a copy, the protocol's to keep. */
    protected void dataReceived(byte[] data) {
    }

    /**
     * The connection is over for this protocol: closed, or, after loseConnection, everything sent
     * and the socket waiting only for the peer to end its side. {@code reason} says who closed it
     * or what broke it.
     */
    protected void connectionLost(String reason) {
    }
}
