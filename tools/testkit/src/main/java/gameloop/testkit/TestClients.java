package gameloop.testkit;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * Well-behaved WebSocket clients for tests: real Jetty clients that read everything and
 * record it. One {@code TestClients} owns one Jetty client (and its threads) for any number of
 * connections; closing it closes them all.
 */
public final class TestClients implements AutoCloseable {

    private final WebSocketClient jetty;

    public TestClients() {
        QueuedThreadPool pool = new QueuedThreadPool();
        pool.setName("test-client");
        pool.setDaemon(true);
        jetty = new WebSocketClient();
        jetty.getHttpClient().setExecutor(pool);
        jetty.setIdleTimeout(Duration.ofMinutes(1));
        try {
            jetty.start();
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the Jetty WebSocket client", e);
        }
    }

    /** Connects and waits for the handshake to finish. */
    public TestClient connect(URI webSocketUri) {
        TestClient client = new TestClient();
        try {
            jetty.connect(client, webSocketUri).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not connect to " + webSocketUri, e);
        }
        return client;
    }

    /** Connects {@code count} clients. */
    public List<TestClient> connect(URI webSocketUri, int count) {
        List<TestClient> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clients.add(connect(webSocketUri));
        }
        return clients;
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop the Jetty WebSocket client", e);
        }
    }
}
