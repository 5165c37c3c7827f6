package gameloop.reactor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One TCP connection on the reactor: it reads when the selector says so and hands the bytes to
 * its protocol, and it is the protocol's {@link Transport}.
 *
 * <p>Writes never block. What the kernel does not take at once waits in a queue, and OP_WRITE
 * asks the selector to say when the socket can take more. A peer that stops reading makes that
 * queue grow, so it has a bound: past it, the connection is dropped, and the memory with it. That
 * is what keeps one stuck client from costing the server everything (or, if writes blocked,
 * from freezing every other client behind it).
 *
 * <p>A close that a protocol asks for (loseConnection, abortConnection, or a write that failed
 * inside its callback) happens on a timer with no delay, or for loseConnection once the queue has
 * drained, never inside the call that asked for it: so connectionLost never runs in the middle of
 * another protocol's callback (the spreader's broadcast loop, say, which would find its client
 * list changed under it). After loseConnection the socket itself may then linger, up to the flush
 * deadline, for the peer to end its side (see {@link #endOutput}). A close the socket itself
 * reports (end of stream, a reset) comes straight from the selector, outside any callback, and is
 * done at once.
 */
final class Connection implements Transport, ChannelHandler {

    /**
     * How long loseConnection waits for a peer to take the last bytes, and to close its side
     * after them, before closing anyway.
     */
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(5);

    private enum State {
        OPEN,
        /** loseConnection: sending what is queued; what arrives meanwhile is dropped. */
        FLUSHING,
        /**
         * loseConnection, all sent but not yet closed: our end-of-stream is out, after the last
         * bytes, and the protocol has been told the connection is lost. Waiting for the peer's
         * end-of-stream before closing the socket (see {@link #endOutput}); what arrives is dropped.
         */
        LINGERING,
        /**
         * abortConnection: queue dropped, closing in the next timer step, after the ready channels:
         * this turn's, or the next turn's when asked from a delayed call (a line handed out later).
         */
        ABORTING,
        CLOSED
    }

    private final Reactor reactor;
    private final SocketChannel channel;
    private final SelectionKey key;
    private final Protocol protocol;
    private final Consumer<String> afterLost;
    private final InetSocketAddress peer;
    private final InetSocketAddress host;

    private final WriteQueue writeQueue = new WriteQueue();
    private State state = State.OPEN;
    /** Told to pause past half the queue's limit, and to resume once it drains; may be null. */
    private Producer producer;
    private boolean producerPaused;
    private String closeReason;
    private DelayedCall flushDeadline;
    /** The peer has sent its end-of-stream while we were flushing: nothing more to read. */
    private boolean inputEnded;
    /** The protocol has heard connectionLost (at the close, or once LINGERING began): never twice. */
    private boolean protocolTold;

    Connection(Reactor reactor, SocketChannel channel, SelectionKey key, Protocol protocol, Consumer<String> afterLost) {
        this.reactor = reactor;
        this.channel = channel;
        this.key = key;
        this.protocol = protocol;
        this.afterLost = afterLost;
        this.peer = (InetSocketAddress) channel.socket().getRemoteSocketAddress();
        this.host = (InetSocketAddress) channel.socket().getLocalSocketAddress();
    }

    void start() {
        addInterest(SelectionKey.OP_READ);
        callProtocol("connectionMade", () -> protocol.makeConnection(this));
    }

    // ---- Events from the selector ---------------------------------------------------------------

    @Override
    public void ready(SelectionKey key) {
        if (key.isWritable()) {
            flush();
        }
        if (key.isValid() && key.isReadable() && reading()) {
            read();
        }
    }

    /**
     * One read per turn, at most a buffer's worth. That alone does not make a turn short: a
     * buffer can hold thousands of lines, each of which a protocol may relay to thousands of
     * peers. So a protocol that has more than it should act on at once asks, with
     * {@link #continueNextTurn}, for the rest later (see {@link LineReceiver}).
     */
    private void read() {
        ByteBuffer buffer = reactor.readBuffer();
        buffer.clear();
        int count;
        try {
            count = channel.read(buffer);
        } catch (IOException e) {
            closeNow("read failed: " + describe(e)); // "Connection reset", typically: the peer vanished
            return;
        }
        if (count < 0) {
            if (state == State.LINGERING) {
                closeNow(closeReason); // both sides are done: nothing can arrive unread any more
                return;
            }
            if (state == State.FLUSHING) {
                // The peer is done sending but may still be reading (a half-close, as `nc -N`
                // does): our last bytes still go to it, and flush() closes once they are out.
                inputEnded = true;
                removeInterest(SelectionKey.OP_READ); // end-of-stream would be reported every turn
                return;
            }
            closeNow("closed by peer"); // while open, as in Twisted: what was queued for it is dropped
            return;
        }
        if (count == 0) {
            return;
        }
        reactor.countBytesRead(count);
        if (state != State.OPEN) {
            return; // hanging up: what the peer still sends is read only to be dropped (see loseConnection)
        }
        byte[] data = new byte[count]; // the shared buffer is reused by the next read: the protocol gets a copy
        buffer.flip().get(data);
        callProtocol("dataReceived", () -> protocol.dataReceived(data));
    }

    private void flush() {
        try {
            if (!writeQueue.writeTo(channel)) {
                return; // the kernel's buffer is full again; OP_WRITE stays on
            }
        } catch (IOException e) {
            closeNow("write failed: " + describe(e));
            return;
        }
        removeInterest(SelectionKey.OP_WRITE); // left on, an always-writable socket would wake select() forever
        if (producerPaused && state == State.OPEN) {
            producerPaused = false;
            reactor.runGuarded("resumeProducing", producer::resumeProducing);
        }
        if (state == State.FLUSHING) {
            endOutput();
        }
    }

    /**
     * FLUSHING, with the queue empty: every byte is with the kernel, but not yet with the peer (a
     * send buffer can hold megabytes). Closing now, while the peer is still sending, would leave
     * its newest bytes unread, and the kernel answers that with a reset that throws our unsent
     * bytes away. So: our end-of-stream (a FIN, sent after those bytes), then keep dropping what
     * the peer sends until its own end-of-stream, and close then (a "lingering close", as web
     * servers do it). For the protocol the connection is over now, as it would be at a close:
     * it hears connectionLost at once, not when a peer that keeps its side open gets round to it.
     * Whoever watches the connection itself (a client factory, which may stop the reactor and
     * with it this socket) hears of it at the real close. The flush deadline set by
     * loseConnection closes the socket if the peer never does.
     */
    private void endOutput() {
        if (state != State.FLUSHING) {
            return;
        }
        if (inputEnded) {
            closeNow(closeReason); // it closed its side already: nothing unread, the close is clean
            return;
        }
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            closeNow("closed by this side; ending the output failed: " + describe(e));
            return;
        }
        state = State.LINGERING;
        tellProtocol(closeReason);
    }

    @Override
    public void closeForShutdown() {
        closeNow(closeReason != null ? closeReason : "reactor stopped");
    }

    // ---- Transport: what the protocol calls ------------------------------------------------------

    @Override
    public void write(byte[] data) {
        reactor.checkThread("write");
        if (state != State.OPEN || data.length == 0) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(data); // a view: a broadcast shares one array among all connections
        if (writeQueue.isEmpty()) {
            try {
                channel.write(buffer); // usually takes it all, and nothing is queued
            } catch (IOException e) {
                abortConnection("write failed: " + describe(e));
                return;
            }
            if (!buffer.hasRemaining()) {
                return;
            }
        }
        writeQueue.add(buffer);
        long held = writeQueue.held();
        if (held > reactor.maxQueuedBytes()) {
            abortConnection("slow reader: " + writeQueue.describe() + ", limit " + reactor.maxQueuedBytes());
            return;
        }
        if (producer != null && !producerPaused && held > reactor.maxQueuedBytes() / 2) {
            producerPaused = true;
            reactor.runGuarded("pauseProducing", producer::pauseProducing);
        }
        addInterest(SelectionKey.OP_WRITE);
    }

    @Override
    public void registerProducer(Producer producer) {
        reactor.checkThread("registerProducer");
        this.producer = producer;
        this.producerPaused = false;
    }

    @Override
    public void continueNextTurn(Runnable work) {
        reactor.checkThread("continueNextTurn");
        if (state != State.OPEN) {
            return;
        }
        removeInterest(SelectionKey.OP_READ);
        // A delayed call with no delay runs after this turn's ready sockets; one scheduled by
        // a delayed call runs after the next turn's. Either way every ready socket comes first.
        reactor.callLater(Duration.ZERO, () -> {
            if (reading() && !inputEnded) {
                addInterest(SelectionKey.OP_READ); // FLUSHING and LINGERING read too, to drop (see loseConnection)
            }
            if (state == State.OPEN) {
                callProtocol("dataReceived (continued)", work);
            }
        });
    }

    @Override
    public void loseConnection() {
        reactor.checkThread("loseConnection");
        if (state != State.OPEN) {
            return;
        }
        state = State.FLUSHING;
        closeReason = "closed by this side";
        // We keep reading, and drop what we read. Closing a socket with unread bytes makes the
        // kernel send a reset instead of a clean close, and a reset can destroy our last bytes
        // (the error line that explains the hang-up) before the peer reads them. See endOutput.
        flushDeadline = reactor.callLater(FLUSH_TIMEOUT, () -> closeNow(state == State.LINGERING
                ? "closed by this side; the peer did not end its side"
                : "closed by this side; the peer did not take the last " + writeQueue.bytes() + " bytes"));
        if (writeQueue.isEmpty()) {
            // On a timer even so: connectionLost must not run inside the protocol's own callback.
            reactor.callLater(Duration.ZERO, this::endOutput);
        }
    }

    @Override
    public void abortConnection(String reason) {
        reactor.checkThread("abortConnection");
        if (state == State.ABORTING || state == State.CLOSED) {
            return;
        }
        state = State.ABORTING;
        closeReason = reason;
        writeQueue.clear();
        removeInterest(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        reactor.callLater(Duration.ZERO, () -> closeNow(reason));
    }

    @Override
    public boolean isOpen() {
        reactor.checkThread("isOpen");
        return state == State.OPEN;
    }

    // The two addresses never change: any thread may read them.
    @Override
    public InetSocketAddress getPeer() {
        return peer;
    }

    @Override
    public InetSocketAddress getHost() {
        return host;
    }

    /** Any thread, for tests: whether the socket itself is closed, not only our side of it. */
    boolean socketClosed() {
        return !channel.isOpen();
    }

    // ---- Inside ---------------------------------------------------------------------------------

    /** Whether the socket is read: to hand the bytes to the protocol, or, hanging up, to drop them. */
    private boolean reading() {
        return state == State.OPEN || state == State.FLUSHING || state == State.LINGERING;
    }

    private void closeNow(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (flushDeadline != null) {
            flushDeadline.cancel();
        }
        writeQueue.clear();
        key.cancel();
        reactor.closeLoggingErrors(channel);
        if (producer != null) {
            // First, as Twisted does: a producer paused by the queue would wait for ever.
            Producer stopping = producer;
            producer = null;
            reactor.runGuarded("stopProducing", stopping::stopProducing);
        }
        tellProtocol(reason);
        afterLost.accept(reason);
    }

    private void tellProtocol(String reason) {
        if (protocolTold) {
            return; // LINGERING told it already
        }
        protocolTold = true;
        callProtocol("connectionLost", () -> protocol.connectionLost(reason));
    }

    /**
     * A protocol that throws an exception loses its connection, and the error is logged; the other
     * connections never notice. An {@code Error} goes on up, and ends the reactor.
     */
    private void callProtocol(String callback, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            reactor.log().error(callback + " threw for the connection with " + peer, e);
            // After connectionLost the protocol is done with the connection: a lingering close
            // goes on undisturbed (an abort would reset it, losing our last bytes).
            if (state != State.CLOSED && !protocolTold) {
                abortConnection("protocol error in " + callback + ": " + e);
            }
        }
    }

    private void addInterest(int ops) {
        if (key.isValid()) {
            key.interestOps(key.interestOps() | ops);
        }
    }

    private void removeInterest(int ops) {
        if (key.isValid()) {
            key.interestOps(key.interestOps() & ~ops);
        }
    }

    /** An exception's message for a log line, or its class's name when it has none. */
    static String describe(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return "connection with " + peer;
    }
}
