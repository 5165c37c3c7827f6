package gameloop.loadgen;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One WebSocket connection of {@link NioTransport}: the upgrade, then frames in both directions.
 *
 * <p>Its reactor's thread does everything except {@link #sendText}: connecting, reading and
 * parsing, changing {@link #state}, closing. So the parser's fields need no lock. The key timer
 * writes from its own thread; writes are guarded by {@code this}, so a frame is never cut
 * into by another, and a write the socket could not take whole waits in {@link #outbox} for
 * the reactor to finish when the socket has room.
 */
final class NioConnection implements Connection, NioTransport.Attachment {

    /**
     * Per reactor thread: every read goes into it. Twice {@link #MAX_PAYLOAD_BYTES}, the largest
     * message we accept (the examples' are a few dozen bytes).
     */
    static final int READ_BUFFER_BYTES = 128 * 1024;
    static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    private static final int MAX_RESPONSE_HEAD_BYTES = 8 * 1024;

    /**
     * CLOSING: we sent our close frame and wait for the server's. ENDED: the client has been told
     * the connection is over. After a close exchange the socket stays open until the server hangs
     * up first, as RFC 6455 asks (the side that closes TCP first keeps the port in TIME_WAIT, and
     * with thousands of connections per run that should be the server); after a failure it is
     * closed already.
     */
    private enum State { CONNECTING, UPGRADING, OPEN, CLOSING, ENDED }

    /** A frame the socket could not take whole yet, and what to run if it is never sent. */
    private record Unsent(ByteBuffer frame, Runnable onFailure) {
    }

    private final URI url;
    private final LoadClient client;
    private final NioTransport.Reactor reactor;
    private final String handshakeKey = WebSocketFrames.newHandshakeKey();
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private volatile State state = State.CONNECTING;
    private SocketChannel channel;
    private SelectionKey key;

    // The reactor thread's only.
    /** Bytes of a frame (or of the response head) that the last read cut in half, or null. */
    private ByteBuffer leftover;
    /** A text message sent in several frames, until its last one; null between messages. */
    private ByteArrayOutputStream fragments;

    /** Frames the socket could not take whole yet, in order. Guarded by {@code this}. */
    private final ArrayDeque<Unsent> outbox = new ArrayDeque<>();
    /**
     * Set when the connection hangs up, with the outbox emptied in the same step: a frame that
     * comes later fails at once, rather than waiting in an outbox nobody will flush. Guarded by
     * {@code this}.
     */
    private boolean hungUp;
    /**
     * Set when a close frame is written or queued: no data frame may follow it (RFC 6455, 5.5.1),
     * nor, our choice, a pong; a key press another thread sends once it is set fails instead. The
     * state field alone cannot say so: it is read outside this lock, so a send could pass its
     * check just before the reactor answers the server's close. Guarded by {@code this}.
     */
    private boolean closeSent;

    NioConnection(URI url, LoadClient client, NioTransport.Reactor reactor) {
        this.url = url;
        this.client = client;
        this.reactor = reactor;
    }

    CompletableFuture<Void> opened() {
        return opened;
    }

    /** Reactor thread: starts connecting. */
    void start(InetSocketAddress address) {
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true); // a key press is one small frame: send it now
            boolean connected = channel.connect(address);
            key = channel.register(reactor.selector(), connected ? 0 : SelectionKey.OP_CONNECT, this);
            if (connected) {
                connected();
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    /** Reactor thread: the selector says this connection can make progress. */
    @Override
    public void ready(SelectionKey readyKey, ByteBuffer readBuffer) {
        try {
            if (readyKey.isConnectable()) {
                if (!channel.finishConnect()) {
                    return; // not yet: the selector says so again when it is
                }
                connected();
            }
            if (readyKey.isValid() && readyKey.isWritable()) {
                flush();
            }
            if (readyKey.isValid() && readyKey.isReadable()) {
                read(readBuffer);
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private void connected() throws IOException {
        state = State.UPGRADING;
        key.interestOps(SelectionKey.OP_READ);
        write(WebSocketFrames.upgradeRequest(url, handshakeKey), () -> { });
    }

    private void read(ByteBuffer buffer) throws IOException {
        buffer.clear();
        if (leftover != null) {
            buffer.put(leftover);
            leftover = null;
        }
        int n = channel.read(buffer);
        long now = System.nanoTime(); // every message in this read arrived now: take it before parsing
        if (n < 0) {
            hangUp("the server closed the TCP connection"); // after a close exchange as it should, or abruptly
            return;
        }
        if (state == State.ENDED) {
            return; // after the close exchange, anything more is ignored until the server hangs up
        }
        buffer.flip();
        if (state == State.UPGRADING && !upgraded(buffer)) {
            keepLeftover(buffer);
            return;
        }
        while (state != State.ENDED && nextFrame(buffer, now)) {
            // one frame per turn
        }
        if (state != State.ENDED) {
            keepLeftover(buffer);
        }
    }

    private void keepLeftover(ByteBuffer buffer) {
        if (buffer.hasRemaining()) {
            leftover = ByteBuffer.allocate(buffer.remaining()).put(buffer).flip();
        }
    }

    /** Reads the response head, if it has all arrived; checks it is the 101 this connection asked for. */
    private boolean upgraded(ByteBuffer buffer) throws IOException {
        int end = WebSocketFrames.endOfHead(buffer);
        if (end < 0) {
            if (buffer.remaining() > MAX_RESPONSE_HEAD_BYTES) {
                throw new ProtocolException("the server's response head is longer than " + MAX_RESPONSE_HEAD_BYTES + " bytes");
            }
            return false;
        }
        byte[] head = new byte[end - buffer.position()];
        buffer.get(head);
        WebSocketFrames.checkUpgradeResponse(new String(head, StandardCharsets.ISO_8859_1), handshakeKey);
        state = State.OPEN;
        client.opened(this, System.nanoTime());
        opened.complete(null);
        return true;
    }

    /** Parses one whole frame from {@code buffer}, if it holds one, and acts on it. */
    private boolean nextFrame(ByteBuffer buffer, long now) throws IOException {
        int start = buffer.position();
        int available = buffer.remaining();
        if (available < 2) {
            return false;
        }
        int b0 = buffer.get(start) & 0xFF;
        int b1 = buffer.get(start + 1) & 0xFF;
        if ((b1 & 0x80) != 0) {
            throw new ProtocolException("the server masked a frame; RFC 6455 forbids it");
        }
        if ((b0 & 0x70) != 0) {
            throw new ProtocolException("a frame with reserved bits set; we agreed on no extension");
        }
        int headerLength = 2;
        long length = b1 & 0x7F;
        if (length == 126) {
            headerLength = 4;
            if (available < headerLength) {
                return false;
            }
            length = buffer.getShort(start + 2) & 0xFFFF;
        } else if (length == 127) {
            headerLength = 10;
            if (available < headerLength) {
                return false;
            }
            length = buffer.getLong(start + 2);
        }
        if (length < 0 || length > MAX_PAYLOAD_BYTES) {
            throw new ProtocolException("a frame of " + length + " bytes; this client takes at most " + MAX_PAYLOAD_BYTES);
        }
        boolean control = (b0 & 0x08) != 0;
        if (control && ((b0 & 0x80) == 0 || length > 125)) {
            throw new ProtocolException("a control frame that is fragmented or longer than 125 bytes");
        }
        if (available < headerLength + length) {
            return false;
        }
        byte[] payload = new byte[(int) length];
        buffer.position(start + headerLength);
        buffer.get(payload);
        frame((b0 & 0x80) != 0, b0 & 0x0F, payload, now);
        return true;
    }

    private void frame(boolean last, int opcode, byte[] payload, long now) throws IOException {
        switch (opcode) {
            case WebSocketFrames.TEXT -> {
                if (fragments != null) {
                    throw new ProtocolException("a new message began before the last one ended");
                }
                if (last) {
                    client.text(new String(payload, StandardCharsets.UTF_8), now);
                } else {
                    fragments = new ByteArrayOutputStream();
                    fragments.write(payload);
                }
            }
            case WebSocketFrames.CONTINUATION -> {
                if (fragments == null) {
                    throw new ProtocolException("a continuation frame with no message to continue");
                }
                fragments.write(payload);
                if (fragments.size() > MAX_PAYLOAD_BYTES) {
                    throw new ProtocolException("a message over " + MAX_PAYLOAD_BYTES + " bytes");
                }
                if (last) {
                    client.text(fragments.toString(StandardCharsets.UTF_8), now);
                    fragments = null;
                }
            }
            case WebSocketFrames.BINARY -> client.unknownMessage(); // the examples send none
            case WebSocketFrames.PING -> write(WebSocketFrames.clientFrame(WebSocketFrames.PONG, payload), () -> { });
            case WebSocketFrames.PONG -> { } // we send no pings
            case WebSocketFrames.CLOSE -> closeReceived(payload);
            default -> throw new ProtocolException("unknown opcode " + opcode);
        }
    }

    /**
     * The server's close frame: the answer to ours, or its own goodbye, which we answer with the
     * same code. Either way the exchange is over; the server hangs up next.
     */
    private void closeReceived(byte[] payload) throws IOException {
        String why = "we closed it";
        if (state == State.OPEN) {
            byte[] code = payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0];
            write(WebSocketFrames.clientFrame(WebSocketFrames.CLOSE, code), () -> { });
            why = "the server closed it: " + WebSocketFrames.describeClose(payload);
        }
        ended(why);
    }

    @Override
    public void sendText(String text, Runnable onFailure) {
        if (state != State.OPEN) {
            onFailure.run();
            return;
        }
        try {
            write(WebSocketFrames.clientFrame(WebSocketFrames.TEXT, text.getBytes(StandardCharsets.UTF_8)), onFailure);
        } catch (IOException | RuntimeException e) {
            onFailure.run();
            reactor.execute(() -> fail(e));
        }
    }

    /**
     * Any thread: writes now what the socket takes; the rest waits for the reactor to flush it.
     * If the connection ends first, {@code onFailure} runs for a frame still waiting; once it has
     * hung up, or once our close frame is written or queued, it runs at once.
     */
    private void write(ByteBuffer frame, Runnable onFailure) throws IOException {
        boolean close = (frame.get(frame.position()) & 0x0F) == WebSocketFrames.CLOSE;
        boolean refused = false;
        boolean wait = false;
        synchronized (this) {
            if (hungUp || closeSent) {
                refused = true; // it hung up, or said goodbye, after the caller saw it open
            } else {
                closeSent = close;
                if (outbox.isEmpty()) {
                    channel.write(frame);
                }
                wait = frame.hasRemaining();
                if (wait) {
                    outbox.add(new Unsent(frame, onFailure));
                }
            }
        }
        if (refused) {
            onFailure.run();
        } else if (wait) {
            if (reactor.inThread()) {
                interestedInWriting();
            } else {
                reactor.execute(this::interestedInWriting);
            }
        }
    }

    private void interestedInWriting() {
        if (key.isValid()) {
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        }
    }

    /** Reactor thread: the socket has room again. */
    private void flush() throws IOException {
        synchronized (this) {
            while (!outbox.isEmpty()) {
                ByteBuffer frame = outbox.peek().frame();
                channel.write(frame);
                if (frame.hasRemaining()) {
                    return; // still full: the selector tells us when there is room again
                }
                outbox.poll();
            }
        }
        key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
    }

    @Override
    public void close() {
        reactor.execute(() -> {
            if (state == State.OPEN) {
                state = State.CLOSING;
                try {
                    write(WebSocketFrames.clientFrame(WebSocketFrames.CLOSE, WebSocketFrames.closePayload(1000, "load test over")), () -> { });
                } catch (IOException | RuntimeException e) {
                    fail(e);
                }
            } else if (state == State.CONNECTING || state == State.UPGRADING) {
                hangUp("we closed it before it opened"); // nothing to say goodbye to
            }
        });
    }

    @Override
    public boolean isOpen() {
        return state == State.OPEN;
    }

    /** Reactor thread: something went wrong; the connection is dropped and the failure reported. */
    void fail(Throwable failure) {
        opened.completeExceptionally(failure); // no effect once open: the ramp has counted it already
        hangUp(failure.toString());
    }

    /** Reactor thread, or the reactor's last act when it stops: cut off at once. */
    @Override
    public void abort() {
        fail(new IOException("the load generator stopped"));
    }

    /** The connection is over for the client (it is told once, and why); the socket may stay open a little. */
    private void ended(String why) {
        if (state == State.ENDED) {
            return;
        }
        state = State.ENDED;
        opened.completeExceptionally(new IOException("the connection ended before the upgrade: " + why));
        client.ended(why);
    }

    /**
     * Ends the connection and closes the socket. Frames still waiting are reported as not sent
     * before the client hears that the connection ended (unless a close frame from the server
     * told it first); a frame sent after this fails at once.
     */
    private void hangUp(String why) {
        List<Unsent> unsent;
        synchronized (this) {
            hungUp = true;
            unsent = List.copyOf(outbox);
            outbox.clear();
        }
        unsent.forEach(u -> u.onFailure().run());
        ended(why);
        try {
            if (channel != null) {
                channel.close(); // also cancels the key
            }
        } catch (IOException e) {
            // closing a socket we are done with; nothing left to save
        }
    }
}
