package gameloop.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * The load generator's own WebSocket client, on plain NIO: a few selector threads, each owning
 * a share of the connections, read every socket that has data and hand each message to its
 * {@link LoadClient} on the spot.
 *
 * <p>Why not Jetty's client, which the tool also offers ({@code -Dclient=jetty})? A load
 * generator on the same machine as the server takes CPU from the server it measures. Jetty's
 * client hands each readable connection from its selector to a pool thread and builds frame
 * objects on the way; at 5000 clients (55,000 messages a second) that cost about a core of the
 * benchmarks' two. Reading in the selector thread itself, with one shared buffer per thread and
 * no hand-off, costs a fraction of that (see docs/benchmarks.md). It speaks just the part of
 * RFC 6455 a client of the examples needs: the upgrade, unmasked frames from the server (text,
 * continuation, ping, close), masked frames to it. No TLS: for {@code wss://}, pass
 * {@code -Dclient=jetty}.
 *
 * <p>Threads: a connection belongs to one selector thread for its whole life, and only that
 * thread reads it or changes its state, so its parser needs no lock. The key timer writes key
 * presses straight to the socket; {@link NioConnection} guards that one path with its own lock.
 */
final class NioTransport implements Transport {

    private final Reactor[] reactors;
    private final Duration upgradeTimeout;
    private final AtomicInteger nextReactor = new AtomicInteger();

    /**
     * Starts {@code threads} selector threads named {@code <prefix>nio-1}, {@code -2}, ...
     *
     * @param upgradeTimeout how long a connection may take from connecting to its 101 response
     */
    NioTransport(String threadNamePrefix, int threads, Duration upgradeTimeout) {
        this.upgradeTimeout = upgradeTimeout;
        reactors = new Reactor[threads];
        for (int i = 0; i < threads; i++) {
            try {
                reactors[i] = new Reactor(threadNamePrefix + "nio-" + (i + 1));
            } catch (UncheckedIOException e) {
                for (int opened = 0; opened < i; opened++) {
                    reactors[opened].closeSelector(); // no thread has started yet: only selectors to close
                }
                throw e;
            }
        }
        for (int i = 0; i < threads; i++) {
            try {
                reactors[i].thread.start();
            } catch (Error | RuntimeException e) { // out of native threads, say: stop the ones already running
                for (int started = 0; started < i; started++) {
                    reactors[started].stop();
                    reactors[started].await();
                }
                for (int notStarted = i; notStarted < threads; notStarted++) {
                    reactors[notStarted].closeSelector();
                }
                throw e;
            }
        }
    }

    /** One selector thread per core, at most 4: reading is cheap, and more would only switch. */
    static int defaultThreads() {
        return Math.min(4, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public CompletableFuture<Void> connect(URI url, LoadClient client) {
        if (!"ws".equalsIgnoreCase(url.getScheme())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("the nio client speaks ws:// only: " + url));
        }
        Reactor reactor = reactors[Math.floorMod(nextReactor.getAndIncrement(), reactors.length)];
        NioConnection connection = new NioConnection(url, client, reactor);
        InetSocketAddress address = new InetSocketAddress(url.getHost(), url.getPort() == -1 ? 80 : url.getPort());
        reactor.execute(() -> connection.start(address));
        // A server that accepts and never answers the upgrade must not hold the ramp for ever.
        return connection.opened().orTimeout(upgradeTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ok, failure) -> {
                    if (failure != null) {
                        reactor.execute(() -> connection.fail(failure));
                    }
                });
    }

    /**
     * Each reactor answers once it has finished the first round of reads that began at or after
     * the probe and was not cut short by the selector's batch: the longest a message arriving now
     * may wait to be read (see {@link ReadingProbes}).
     */
    @Override
    public void probeReadingDelay(LongConsumer delayNanos) {
        for (Reactor reactor : reactors) {
            reactor.probe(System.nanoTime(), delayNanos);
        }
    }

    /** The {@code i}th selector thread, for tests. */
    Reactor reactor(int i) {
        return reactors[i];
    }

    @Override
    public void close() {
        for (Reactor reactor : reactors) {
            reactor.stop();
        }
        for (Reactor reactor : reactors) {
            reactor.await();
        }
    }

    /**
     * What every key of a reactor's selector carries: a {@link NioConnection}, or in a test any
     * other channel to read.
     */
    interface Attachment {
        /** Reactor thread: the key's channel is ready; {@code readBuffer} is the thread's shared buffer. */
        void ready(SelectionKey key, ByteBuffer readBuffer);

        /** Reactor thread: the reactor is stopping; let go of the channel at once. */
        void abort();
    }

    /** One selector and the thread that runs it. */
    static final class Reactor implements Runnable {

        /** One buffer per thread for every read; a connection keeps only what a read cut in half. */
        private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(NioConnection.READ_BUFFER_BYTES);
        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final ReadingProbes probes = new ReadingProbes();
        private final Selector selector;
        private final Thread thread;
        private volatile boolean stopping;
        /** Reading thread only: the keys the round in progress has handled so far. */
        private int keysThisRound;
        /** Rounds of select since the start, for tests: an idle thread must not go round. One writer. */
        private volatile long rounds;

        Reactor(String name) {
            try {
                selector = Selector.open();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open a selector", e);
            }
            thread = new Thread(this, name);
        }

        Selector selector() {
            return selector;
        }

        boolean inThread() {
            return Thread.currentThread() == thread;
        }

        /**
         * Answers {@code delayNanos} after the first round of reads that began at or after
         * {@code askedNanos} and was handed fewer than a full batch of ready keys (see
         * {@link ReadingProbes}).
         */
        void probe(long askedNanos, LongConsumer delayNanos) {
            probes.add(askedNanos, delayNanos);
            selector.wakeup(); // a select blocked since before the probe must end, so that a new round begins
        }

        /** How many times this thread has come back from select (for tests). */
        long rounds() {
            return rounds;
        }

        /** Runs {@code task} on this reactor's thread, which owns its connections' state. */
        void execute(Runnable task) {
            tasks.add(task);
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (!stopping) {
                    long selectBegan = System.nanoTime();
                    keysThisRound = 0;
                    if (probes.anyWaiting()) {
                        selector.selectNow(this::ready); // a probe waits for this round: do not block in it
                    } else {
                        selector.select(this::ready);
                    }
                    probes.roundFinished(selectBegan, System.nanoTime(), keysThisRound);
                    rounds++; // one writer: a volatile is enough to publish it
                    for (Runnable task; (task = tasks.poll()) != null; ) {
                        task.run();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // A bug here would silently stop a share of the clients: say so, loudly.
                System.err.println(thread.getName() + " failed, its connections are cut off: " + e);
                e.printStackTrace();
            } finally {
                for (SelectionKey key : selector.keys()) {
                    ((Attachment) key.attachment()).abort();
                }
                closeSelector();
            }
        }

        void closeSelector() {
            try {
                selector.close();
            } catch (IOException e) {
                System.err.println(thread.getName() + ": closing the selector failed: " + e);
            }
        }

        private void ready(SelectionKey key) {
            keysThisRound++;
            ((Attachment) key.attachment()).ready(key, readBuffer);
        }

        void stop() {
            stopping = true;
            selector.wakeup();
        }

        /**
         * Waits up to 5 s for the thread to end. An interrupt does not cut the wait short: the
         * caller counts on every reading thread having ended (nothing writes to the recordings
         * afterwards), so the wait goes on and the interrupt is handed back at the end.
         */
        void await() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            boolean interrupted = false;
            long left;
            while (thread.isAlive() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                System.err.println("WARNING: " + thread.getName() + " did not stop within 5 s");
            }
        }
    }
}
