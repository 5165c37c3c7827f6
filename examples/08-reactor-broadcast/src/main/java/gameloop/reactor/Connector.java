package gameloop.reactor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * One outgoing connection attempt, without blocking: {@code connect()} starts it, the selector
 * reports OP_CONNECT when the answer is in, {@code finishConnect()} says which answer. Then the
 * channel becomes a {@link Connection} (the factory builds a protocol) or the factory hears
 * clientConnectionFailed. Either way, exactly once.
 */
final class Connector implements ChannelHandler {

    private final Reactor reactor;
    private final SocketChannel channel;
    private final InetSocketAddress address;
    private final ClientFactory factory;
    private DelayedCall timeout;
    private boolean done;

    private Connector(Reactor reactor, SocketChannel channel, InetSocketAddress address, ClientFactory factory) {
        this.reactor = reactor;
        this.channel = channel;
        this.address = address;
        this.factory = factory;
    }

    /** Reactor thread. */
    static void connect(Reactor reactor, InetSocketAddress address, ClientFactory factory, Duration timeout) {
        if (reactor.isClosingEverything()) {
            // Not told to the factory: one that reconnects on failure would only ask again.
            reactor.log().info("not connecting to " + address + ": the reactor is stopping");
            return;
        }
        reactor.runGuarded("startedConnecting", () -> factory.startedConnecting(address));
        SocketChannel channel;
        try {
            channel = SocketChannel.open();
        } catch (IOException e) {
            reactor.runGuarded("clientConnectionFailed",
                    () -> factory.clientConnectionFailed("could not open a socket: " + e.getMessage()));
            return;
        }
        Connector connector = new Connector(reactor, channel, address, factory);
        try {
            channel.configureBlocking(false);
            channel.socket().setTcpNoDelay(true);
            if (channel.connect(address)) {
                connector.connected(); // possible on loopback: the answer was immediate
            } else {
                reactor.register(channel, SelectionKey.OP_CONNECT, connector);
                connector.timeout = reactor.callLater(timeout,
                        () -> connector.failed("no answer within " + timeout.toSeconds() + " s"));
            }
        } catch (IOException | RuntimeException e) {
            connector.failed(Connection.describe(e));
        } catch (Error e) {
            // An immediate connect whose protocol failed to build: never registered, so the
            // shutdown this Error causes would not find the channel.
            reactor.closeLoggingErrors(channel);
            throw e;
        }
    }

    @Override
    public void ready(SelectionKey key) {
        try {
            if (channel.finishConnect()) {
                connected();
            }
        } catch (IOException e) {
            failed(Connection.describe(e)); // "Connection refused", typically
        }
    }

    private void connected() {
        if (done) {
            return;
        }
        done = true;
        cancelTimeout();
        Protocol protocol;
        try {
            protocol = factory.buildProtocol(address);
        } catch (RuntimeException e) {
            reactor.log().error("building a protocol for " + address + " failed", e);
            giveUp("buildProtocol failed: " + e);
            return;
        }
        if (protocol == null) { // the factory changed its mind, as a server factory may refuse a peer
            giveUp("the factory built no protocol");
            return;
        }
        Connection connection;
        try {
            connection = reactor.adopt(channel, protocol,
                    reason -> reactor.runGuarded("clientConnectionLost", () -> factory.clientConnectionLost(reason)));
        } catch (RuntimeException e) {
            // No Connection took the channel over (the selector refused it, say). The protocol has
            // heard nothing yet, so the factory's failure is the only report.
            reactor.log().error("taking over the connection to " + address + " failed", e);
            giveUp("could not take the connection over: " + e);
            return;
        }
        connection.start();
    }

    private void failed(String reason) {
        if (done) {
            return;
        }
        done = true;
        cancelTimeout();
        giveUp(reason);
    }

    /** Closes the channel and tells the factory the connection failed; done is already set. */
    private void giveUp(String reason) {
        reactor.closeLoggingErrors(channel); // also cancels the key
        reactor.runGuarded("clientConnectionFailed", () -> factory.clientConnectionFailed(reason));
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel();
        }
    }

    @Override
    public void closeForShutdown() {
        if (done) {
            // Done (connected or failed). If connected, an Error in buildProtocol may have ended
            // the reactor before a Connection took the channel over: still ours to close (closing
            // a channel twice does nothing).
            reactor.closeLoggingErrors(channel);
            return;
        }
        failed("reactor stopped");
    }
}
