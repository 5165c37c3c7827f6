package gameloop.reactor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/** A listening socket on the reactor: accepts without blocking and asks the factory for a protocol per connection. */
final class Listener implements ChannelHandler {

    /** Accept at most this many per turn, so a flood of connections cannot starve the open ones. */
    private static final int MAX_ACCEPTS_PER_TURN = 128;
    /** After an accept error (too many open files, say), wait before trying again instead of spinning on it. */
    private static final Duration ACCEPT_RETRY_DELAY = Duration.ofSeconds(1);

    private final Reactor reactor;
    private final ServerSocketChannel server;
    private final ServerFactory factory;
    /**
     * Accepts that failed since the last one that worked. Running out of file descriptors lasts
     * until connections close, and a retry every second would print the same stack trace every
     * second: the first failure of a run is logged in full, the rest only counted.
     *
     * <p>On Linux an accept needs a free descriptor before it even looks for a connection, so the
     * run starts as soon as the last descriptor is taken (the accept after it fails, whether or not
     * anyone waits), and each retry tells whether one is free again, newcomer or not.
     */
    private int failedAccepts;

    private Listener(Reactor reactor, ServerSocketChannel server, ServerFactory factory) {
        this.reactor = reactor;
        this.server = server;
        this.factory = factory;
    }

    /** Reactor thread: starts accepting on an already bound, non-blocking server socket. */
    static void listen(Reactor reactor, ServerSocketChannel server, ServerFactory factory) {
        try {
            reactor.register(server, SelectionKey.OP_ACCEPT, new Listener(reactor, server, factory));
        } catch (RuntimeException e) {
            reactor.log().error("could not start listening on " + server, e);
            reactor.closeLoggingErrors(server);
        }
    }

    @Override
    public void ready(SelectionKey key) {
        for (int i = 0; i < MAX_ACCEPTS_PER_TURN; i++) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                if (failedAccepts++ == 0) {
                    reactor.log().error("accept failed; trying again every " + ACCEPT_RETRY_DELAY.toSeconds()
                            + " s, and saying so once it works", e);
                }
                key.interestOps(0);
                reactor.callLater(ACCEPT_RETRY_DELAY, () -> {
                    if (key.isValid()) {
                        key.interestOps(SelectionKey.OP_ACCEPT);
                        ready(key); // try now, not when the next client comes: it says whether the run is over
                    }
                });
                return;
            }
            if (failedAccepts > 0) { // a null is a success too: nobody waits, but a descriptor was free
                reactor.log().info("accepting again, after " + failedAccepts
                        + (failedAccepts == 1 ? " failed attempt" : " failed attempts"));
                failedAccepts = 0;
            }
            if (channel == null) {
                return; // accepted everyone who was waiting
            }
            accepted(channel);
        }
    }

    private void accepted(SocketChannel channel) {
        try {
            channel.configureBlocking(false);
            // Our messages are short lines: send each at once instead of waiting to batch (Nagle).
            channel.socket().setTcpNoDelay(true);
            InetSocketAddress peer = (InetSocketAddress) channel.getRemoteAddress();
            Protocol protocol = factory.buildProtocol(peer);
            if (protocol == null) {
                reactor.closeLoggingErrors(channel); // the factory refused this peer
                return;
            }
            reactor.connectionEstablished(channel, protocol, reason -> { });
        } catch (IOException e) {
            // The peer may be gone already (reset before we got to it): nothing to serve.
            reactor.log().info("dropped a connection as it was accepted: " + e);
            reactor.closeLoggingErrors(channel);
        } catch (RuntimeException e) {
            reactor.log().error("building a protocol failed; closing the new connection", e);
            reactor.closeLoggingErrors(channel);
        } catch (Error e) {
            reactor.closeLoggingErrors(channel); // if it was not registered yet, the shutdown would not find it
            throw e; // an Error ends the reactor
        }
    }

    @Override
    public void closeForShutdown() {
        reactor.closeLoggingErrors(server);
    }
}
