package gameloop.loadgen;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * A WebSocket client that carries many {@link LoadClient}s: it opens their connections, hands
 * them each message as it arrives, and owns every thread that does so.
 */
interface Transport extends AutoCloseable {

    /**
     * Opens one connection. The future completes once the upgrade succeeded and
     * {@link LoadClient#opened} was called, or fails with the reason it could not.
     */
    CompletableFuture<Void> connect(URI url, LoadClient client);

    /**
     * Asks each thread that reads messages how late a message that arrives now can be read, and
     * tells {@code delayNanos}, once per thread: the tool's own share of the latencies it
     * reports. The answer comes when the thread has finished the first whole round of reads that
     * began after this call, so it is an upper bound. A transport that cannot ask (Jetty's hands
     * reads to a pool) does nothing.
     */
    default void probeReadingDelay(LongConsumer delayNanos) {
    }

    /** Cuts off whatever is still open, and stops and waits for every thread it started. */
    @Override
    void close();

    /** The {@code -Dclient} values: which WebSocket client carries the connections. */
    enum Kind {
        /** {@link NioTransport}: a few selector threads, no frame objects, the lightest reader. */
        NIO,
        /** {@link JettyTransport}: Jetty's {@code WebSocketClient}, a full client with a thread pool. */
        JETTY
    }
}
