package gameloop.testkit;

import gameloop.shared.Protocol;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One recording WebSocket connection. Every message is kept with its arrival time
 * ({@link System#nanoTime()}), so tests can check order, tick numbers and periods.
 * Thread-safe: Jetty's threads write, the test thread reads.
 */
public final class TestClient implements Session.Listener.AutoDemanding {

    /** A received text message and when it arrived. */
    public record Received(String text, long nanoTime) {
        public long tickNumber() {
            return Protocol.tickNumber(text);
        }

        public boolean isTick() {
            return tickNumber() >= 0;
        }
    }

    /** How the connection ended: the close code and reason we were sent (1006 if it just dropped). */
    public record Closed(int code, String reason) {
    }

    private final List<Received> received = new ArrayList<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private volatile Session session;

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
    }

    @Override
    public void onWebSocketText(String message) {
        long now = System.nanoTime();
        synchronized (received) {
            received.add(new Received(message, now));
        }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        onWebSocketText("<binary " + payload.remaining() + " bytes>");
        callback.succeed();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        closed.complete(new Closed(statusCode, reason));
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        closed.complete(new Closed(1006, String.valueOf(cause)));
    }

    public void send(String text) {
        session.sendText(text, Callback.NOOP);
    }

    public void sendBinary(byte[] bytes) {
        session.sendBinary(ByteBuffer.wrap(bytes), Callback.NOOP);
    }

    /** A polite close (1000); the server sees the player leave. */
    public void close() {
        session.close();
    }

    /** Drops the TCP connection with no close frame, like a crashed browser or a lost network. */
    public void disconnectAbruptly() {
        session.disconnect();
    }

    public boolean isOpen() {
        Session s = session;
        return s != null && s.isOpen();
    }

    /** Completes when the connection has closed, with the code the server sent. */
    public CompletableFuture<Closed> closed() {
        return closed;
    }

    /** A snapshot of everything received so far, in arrival order. */
    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public List<String> messages() {
        return received().stream().map(Received::text).toList();
    }

    public List<Received> ticks() {
        return received().stream().filter(Received::isTick).toList();
    }

    public List<Long> tickNumbers() {
        return ticks().stream().map(Received::tickNumber).toList();
    }

    public long lastTickNumber() {
        List<Long> numbers = tickNumbers();
        return numbers.isEmpty() ? -1 : numbers.get(numbers.size() - 1);
    }

    public boolean hasReceived(String text) {
        return messages().contains(text);
    }
}
