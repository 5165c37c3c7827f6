package gameloop.loadgen;

import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * One connection of {@link JettyTransport}: Jetty's listener for it, and the {@link Connection}
 * its {@link LoadClient} sends through. Jetty calls it one frame at a time (auto-demanding: the
 * next frame is read only after this one returns), though not always on the same thread.
 *
 * <p>Public, as Jetty requires of a listener: it finds the listener's methods through a public
 * lookup, and a private class's methods stay out of its reach (its connect then fails).
 */
public final class JettyConnection implements Session.Listener.AutoDemanding, Connection {

    private final LoadClient client;
    private volatile Session session;

    JettyConnection(LoadClient client) {
        this.client = client;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        client.opened(this, System.nanoTime());
    }

    @Override
    public void onWebSocketText(String text) {
        client.text(text, System.nanoTime());
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        client.unknownMessage();
        callback.succeed();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        client.ended("closed: " + statusCode + (reason == null || reason.isEmpty() ? "" : " " + reason));
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        client.ended(cause.toString()); // counted as a lost client if it happens during the run
    }

    @Override
    public void sendText(String text, Runnable onFailure) {
        try {
            session.sendText(text, Callback.from(() -> { }, failure -> onFailure.run()));
        } catch (RuntimeException e) {
            onFailure.run();
        }
    }

    @Override
    public void close() {
        session.close(StatusCode.NORMAL, "load test over", Callback.NOOP);
    }

    @Override
    public boolean isOpen() {
        return session.isOpen();
    }
}
