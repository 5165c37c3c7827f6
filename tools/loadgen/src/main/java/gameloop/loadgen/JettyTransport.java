package gameloop.loadgen;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * The connections on Jetty's {@link WebSocketClient} ({@code -Dclient=jetty}): a complete,
 * event-driven client, with TLS for {@code wss://}. Its selector hands each readable connection
 * to a pool thread, which parses the frame and calls the listener; heavier per message than
 * {@link NioTransport}, which is why that is the default. That one speaks {@code ws://} only, so
 * a {@code wss://} URL needs {@code -Dclient=jetty}.
 */
final class JettyTransport implements Transport {

    /**
     * Jetty's pool. Its default (200) is for servers that block; when thousands of connections
     * are readable at once it grows to all 200, and on a small machine that also runs the server,
     * 200 runnable threads crowd the server's one game-loop thread out of the CPU. Our work never
     * blocks, so a few threads do it all (measured on 2 cores: 8 threads used a fifth less CPU
     * than 200, for the same messages).
     */
    static final int MAX_THREADS = Math.max(8, 2 * Runtime.getRuntime().availableProcessors());

    private final WebSocketClient jetty = new WebSocketClient();
    private final Duration upgradeTimeout;

    /**
     * Starts Jetty's client, its threads named {@code <prefix>jetty...}.
     *
     * @param upgradeTimeout how long a connection may take from connecting to its 101 response
     */
    JettyTransport(String threadNamePrefix, int rampConcurrency, Duration upgradeTimeout) {
        this.upgradeTimeout = upgradeTimeout;
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS);
        pool.setName(threadNamePrefix + "jetty");
        HttpClient http = jetty.getHttpClient();
        http.setExecutor(pool);
        http.setScheduler(new ScheduledExecutorScheduler(threadNamePrefix + "jetty-scheduler", false));
        http.setConnectTimeout(upgradeTimeout.toMillis());
        // Each upgrade is an HTTP request; let as many run at once as the ramp allows.
        http.setMaxConnectionsPerDestination(Math.max(64, rampConcurrency));
        // Ticks keep a connection busy; this only ends connections to a server that went silent.
        jetty.setIdleTimeout(Duration.ofMinutes(5));
        try {
            jetty.start();
        } catch (Exception e) {
            close(); // stops whatever did start, so a failed start leaves no thread behind
            throw new IllegalStateException("Could not start the Jetty WebSocket client", e);
        }
    }

    /**
     * Jetty's own connect timeout covers the TCP connect only; the whole upgrade gets the same
     * bound as on the NIO client, and a connection that opens after it is closed again, so no
     * client the run has given up on stays connected.
     */
    @Override
    public CompletableFuture<Void> connect(URI url, LoadClient client) {
        CompletableFuture<Session> connecting;
        try {
            connecting = jetty.connect(new JettyConnection(client), new ClientUpgradeRequest(url));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return connecting.<Void>thenApply(session -> null)
                .orTimeout(upgradeTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ok, failure) -> {
                    if (failure != null) {
                        connecting.thenAccept(Session::disconnect);
                    }
                });
    }

    @Override
    public void close() {
        // A pending interrupt would cut Jetty's waits in its stop short (its selectors' waits for
        // their connections to close), and the caller counts on everything having ended: clear it
        // for the stop, and hand it back afterwards.
        boolean interrupted = Thread.interrupted();
        try {
            jetty.stop(); // closes what is still open and joins Jetty's threads
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (Exception e) {
            System.err.println("WARNING: stopping the Jetty client failed: " + e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
