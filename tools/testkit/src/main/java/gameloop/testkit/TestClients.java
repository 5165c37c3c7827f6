package gameloop.testkit;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.component.LifeCycle;
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
            LifeCycle.stop(jetty); // whatever did start (its pool, its selectors) stops again
            throw new IllegalStateException("Could not start the Jetty WebSocket client", e);
        }
    }

    /** Connects and waits for the handshake to finish. */
    public TestClient connect(URI webSocketUri) {
        TestClient client = new TestClient();
        try {
            jetty.connect(client, webSocketUri).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // not ours to swallow: the caller's thread is being stopped
            throw new IllegalStateException("Interrupted while connecting to " + webSocketUri, e);
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

    /**
     * Connects {@code count} clients at the same instant: one thread each, all held at a gate and
     * released together, so their handshakes really overlap on the server.
     */
    public List<TestClient> connectAtOnce(URI webSocketUri, int count) {
        ExecutorService threads = Executors.newFixedThreadPool(count, r -> new Thread(r, "test-connect"));
        try {
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<TestClient>> connecting = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                connecting.add(threads.submit(() -> {
                    gate.await();
                    return connect(webSocketUri);
                }));
            }
            gate.countDown();
            List<TestClient> connected = new ArrayList<>();
            for (Future<TestClient> f : connecting) {
                connected.add(f.get(10, TimeUnit.SECONDS));
            }
            return connected;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while connecting " + count + " clients at once", e);
        } catch (Exception e) {
            throw new IllegalStateException("Could not connect " + count + " clients at once", e);
        } finally {
            threads.shutdownNow();
        }
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
