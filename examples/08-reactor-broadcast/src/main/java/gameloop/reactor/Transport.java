package gameloop.reactor;

import java.net.InetSocketAddress;

/**
 * A protocol's handle on its connection, named after Twisted's ITransport. Every method but
 * {@link #getPeer} and {@link #getHost} (two addresses that never change) must be called on the
 * reactor thread: the transport's state (its write queue, its selection key) has exactly one
 * owner, so it needs no lock. Another thread hands work over with
 * {@link Reactor#callFromThread}.
 */
public interface Transport {

    /**
     * Sends the bytes, in order, without blocking: what the socket does not take now waits in the
     * connection's write queue. The transport keeps a reference to {@code data}, so one array
     * can be shared by many connections (a broadcast encodes once) but must not be changed after.
     * Ignored once the connection is closing.
     */
    void write(byte[] data);

    /**
     * Stops reading from this connection, and runs {@code work} (as a callback of this
     * connection's protocol) once every other socket that is ready has had its turn: after this
     * turn's ready sockets when asked from a socket's callback, after the next turn's when asked
     * from {@code work} itself. Then reads again. For a protocol
     * holding more input than one callback should act on: it does a share now and leaves the
     * rest for later turns, and every other connection gets its turn in between. Meanwhile the
     * peer's further bytes wait in the kernel, and TCP slows the peer down. Like Twisted's
     * pauseProducing and resumeProducing, in one call. Ignored once the connection is closing.
     */
    void continueNextTurn(Runnable work);

    /**
     * Registers whoever feeds this connection its writes, to be told to pause when the write
     * queue passes half its limit, to resume once it has drained, and to stop when the connection
     * ends (Twisted's registerProducer, for a push producer). One at a time; null unregisters.
     */
    void registerProducer(Producer producer);

    /**
     * Sends what is queued, then closes; what the peer sends meanwhile is read and dropped. A
     * peer that half-closes meanwhile (ends its sending side, keeps reading) still gets every
     * queued byte. Once all is sent, the protocol hears connectionLost, and the socket itself
     * closes when the peer ends its side too (a lingering close), at most 5 s after this call.
     * Twisted's loseConnection.
     */
    void loseConnection();

    /**
     * Drops what is queued and closes in the next timer step; {@code reason} reaches
     * connectionLost and the log.
     */
    void abortConnection(String reason);

    /** True until loseConnection or abortConnection is called, or the connection closes. */
    boolean isOpen();

    /** The other end's address. */
    InetSocketAddress getPeer();

    /** This end's address. */
    InetSocketAddress getHost();
}
