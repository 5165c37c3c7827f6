package gameloop.reactor;

import java.net.InetSocketAddress;

/**
 * The client side of {@link ServerFactory}, like Twisted's ClientFactory, with its lifecycle in
 * the order the reactor calls it:
 * <ol>
 *   <li>{@link #startedConnecting}, before the connection attempt;</li>
 *   <li>{@link #buildProtocol}, once the connection is up, then the protocol's connectionMade,
 *       dataReceived..., connectionLost;</li>
 *   <li>{@link #clientConnectionLost} after the protocol's connectionLost, or
 *       {@link #clientConnectionFailed} if the connection never came up (no protocol is built).</li>
 * </ol>
 * All on the reactor thread.
 */
public interface ClientFactory {

    default void startedConnecting(InetSocketAddress address) {
    }

    /** The protocol for the new connection; or null, which closes it and reports it as failed. */
    Protocol buildProtocol(InetSocketAddress address);

    default void clientConnectionFailed(String reason) {
    }

    default void clientConnectionLost(String reason) {
    }
}
