package gameloop.reactor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The tutorial's broadcast server on a one-thread reactor: every line a client sends reaches every
 * other client, and one thread serves them all, however many there are.
 *
 * <p>Run it, then talk to it with {@code nc 127.0.0.1 8007} from two terminals. Ctrl+C stops it:
 * a shutdown hook asks the reactor to stop, the reactor thread closes every socket and ends, and
 * the hook waits for that before the JVM goes.
 */
public final class SpreadServer implements AutoCloseable {

    private static final AtomicInteger SERVERS = new AtomicInteger(); // names each reactor thread apart
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    /**
     * What can be set: {@code -Dhost} (default 127.0.0.1, so the server is not open to the network
     * by accident) and {@code -Dport} (default 8007, the tutorial's; 0 picks a free one). The limits
     * are for tests and experiments.
     */
    public record Settings(String host, int port, int maxLineBytes, int maxQueuedBytes, int loggedRelaysPerSecond) {

        public static final String DEFAULT_HOST = "127.0.0.1";
        public static final int DEFAULT_PORT = 8007;
        public static final int DEFAULT_MAX_LINE_BYTES = 1024;
        /** Enough to follow a conversation; a flood is counted instead (see {@link RelayLog}). */
        public static final int DEFAULT_LOGGED_RELAYS_PER_SECOND = 20;

        public Settings {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            if (maxLineBytes < 1 || maxQueuedBytes < 1 || loggedRelaysPerSecond < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_LINE_BYTES, Reactor.DEFAULT_MAX_QUEUED_BYTES,
                    DEFAULT_LOGGED_RELAYS_PER_SECOND);
        }

        public static Settings fromSystemProperties() {
            return fromProperties(System::getProperty);
        }

        /** {@link #fromSystemProperties} with the properties passed in, for tests. */
        static Settings fromProperties(UnaryOperator<String> property) {
            String host = Optional.ofNullable(property.apply("host")).filter(given -> !given.isBlank()).orElse(DEFAULT_HOST);
            String port = property.apply("port");
            if (port == null || port.isBlank()) {
                return defaults().withHost(host);
            }
            return defaults().withHost(host).withPort((int) wholeNumber("port", port, 0, 65_535, ""));
        }

        /**
         * A {@code -D} option's {@code value} as a whole number from {@code min} to {@code max}, or
         * an IllegalArgumentException that names the option and what it got (the client's
         * {@code -Dhello.seconds} too). The shared examples' {@code ServerSettings} has its twin:
         * this module depends on nothing but the JDK.
         */
        static long wholeNumber(String name, String value, long min, long max, String unit) {
            try {
                long number = Long.parseLong(value.strip());
                if (number >= min && number <= max) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // refused below, with the same message as a number out of range
            }
            throw new IllegalArgumentException("-D" + name + " must be a whole number"
                    + (unit.isEmpty() ? "" : " of " + unit) + " from " + min + " to " + max + ", got '" + value + "'");
        }

        public Settings withHost(String newHost) {
            return new Settings(newHost, port, maxLineBytes, maxQueuedBytes, loggedRelaysPerSecond);
        }

        public Settings withPort(int newPort) {
            return new Settings(host, newPort, maxLineBytes, maxQueuedBytes, loggedRelaysPerSecond);
        }

        public Settings withMaxLineBytes(int newMax) {
            return new Settings(host, port, newMax, maxQueuedBytes, loggedRelaysPerSecond);
        }

        public Settings withMaxQueuedBytes(int newMax) {
            return new Settings(host, port, maxLineBytes, newMax, loggedRelaysPerSecond);
        }

        /** How many relayed lines a second the log shows one by one; tests that count them lift it. */
        public Settings withLoggedRelaysPerSecond(int newMax) {
            return new Settings(host, port, maxLineBytes, maxQueuedBytes, newMax);
        }
    }

    private final Reactor reactor;
    private final InetSocketAddress address;

    private SpreadServer(Reactor reactor, InetSocketAddress address) {
        this.reactor = reactor;
        this.address = address;
    }

    /** Starts the reactor and listens. If listening fails (port taken), the reactor is stopped before this throws. */
    public static SpreadServer start(Settings settings, Log log) throws IOException {
        Reactor reactor = new Reactor("spreader-reactor-" + SERVERS.incrementAndGet(), log, settings.maxQueuedBytes());
        reactor.start();
        InetSocketAddress address;
        try {
            address = reactor.listenTCP(new InetSocketAddress(settings.host(), settings.port()),
                    new SpreadFactory(log, settings.maxLineBytes(), new RelayLog(log, settings.loggedRelaysPerSecond())));
        } catch (IOException | RuntimeException e) {
            stopAndWait(reactor);
            throw e;
        }
        // Bound means listening: from here the kernel completes connections, even before the
        // reactor thread has registered the socket and starts accepting them.
        log.info("listening on " + address);
        return new SpreadServer(reactor, address);
    }

    public InetSocketAddress address() {
        return address;
    }

    public int port() {
        return address.getPort();
    }

    /** The one thread that serves every client; tests check it is the only one and that it ends. */
    public String reactorThreadName() {
        return reactor.threadName();
    }

    public boolean isRunning() {
        return reactor.isAlive();
    }

    /** Bytes read from all clients so far: lets a test wait until the server has seen what it sent. */
    public long bytesRead() {
        return reactor.bytesRead();
    }

    /** Why the server stopped on its own, if it did. */
    public Optional<Throwable> failure() {
        return reactor.failure();
    }

    /** Asks the server to stop; returns at once. Any thread. */
    public void stop() {
        reactor.stop();
    }

    /** Waits for the reactor thread to close every socket and end. True if it did in time. */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return reactor.join(timeout);
    }

    /**
     * Stops and waits. If the wait is interrupted, the interrupt is kept for the caller and this
     * returns early; the reactor still stops, just not under our eyes.
     *
     * @throws IllegalStateException if the reactor thread has not ended within 5 s (a handler
     *                               that blocks it); the shutdown hook lets it out, so it is
     *                               printed on the way out
     */
    @Override
    public void close() {
        stopAndWait(reactor);
    }

    private static void stopAndWait(Reactor reactor) {
        reactor.stop();
        try {
            if (!reactor.join(STOP_TIMEOUT)) {
                throw new IllegalStateException(reactor.threadName() + " did not stop within " + STOP_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws Exception {
        Log log = Log.console();
        // Ctrl+C runs shutdown hooks on a JVM thread of their own. This one goes in before the
        // server starts, since it may accept clients before start() returns. It only asks the
        // reactor to stop (a flag and a wakeup: the sockets stay the reactor thread's to close)
        // and waits for it, so the JVM ends after every socket is closed. (Under exec:java, Maven
        // writes to the console as it exits too, and the line below may be lost: see Log.printingTo.)
        StopAtExit<SpreadServer> atExit = new StopAtExit<>("spreader-shutdown", server -> {
            log.info("shutting down");
            server.close();
        });
        Settings settings;
        SpreadServer server;
        try {
            settings = Settings.fromSystemProperties();
            server = start(settings, log);
        } catch (IllegalArgumentException | IOException e) { // a bad -Dport, a port in use: say so, no stack trace
            atExit.startFailed(e);
            System.err.println("cannot start the server: " + e.getMessage());
            System.exit(2);
            return;
        } catch (Throwable e) {
            atExit.startFailed(e);
            throw e;
        }
        atExit.started(server);
        log.info("try: nc " + settings.host() + " " + server.port() + "   (type a line; \"close\" hangs up; Ctrl+C stops the server)");
        waitForTheEnd(server);
    }

    /**
     * The end of main, a method of its own so that a test can run it: waits until the reactor
     * thread ends and, if the reactor failed, rethrows the failure, so the process exits with an error.
     */
    static void waitForTheEnd(SpreadServer server) throws InterruptedException {
        server.reactor.awaitEndRethrowingFailure(); // it runs until Ctrl+C or a failure
    }
}
