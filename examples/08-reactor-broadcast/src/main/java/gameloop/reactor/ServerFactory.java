package gameloop.reactor;

import java.net.InetSocketAddress;

/**
 * Makes one {@link Protocol} per accepted connection, like Twisted's Factory. State shared by all
 * connections (the list of clients, the connection counter) lives in the factory; since every
 * call comes from the one reactor thread, plain fields are enough.
 */
@FunctionalInterface
public interface ServerFactory {

    /** A new connection from {@code peer}; return null to refuse it (the socket is closed). */
    Protocol buildProtocol(InetSocketAddress peer);
}
