package gameloop.reactor;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The tutorial's broadcast client, on the same {@link Reactor} as the server. Each lifecycle callback
 * prints its own name as it fires, so the order can be watched: startedConnecting,
 * connectionMade, dataReceived (once per chunk), connectionLost, clientConnectionLost; or, if
 * the server is not there, startedConnecting then clientConnectionFailed.
 *
 * <p>Lines typed on stdin go to the server. Reading stdin blocks, so it has a thread of its own,
 * which hands each line to the reactor with {@link Reactor#callFromThread}: the socket stays the
 * reactor thread's alone.
 *
 * <p>Usage: {@code SpreadClient [--hello] [NAME]}; {@code -Dhost}, {@code -Dport} as for the
 * server; {@code -Dhello.seconds} (default 5) sets how often {@code --hello} says hello.
 */
public final class SpreadClient implements ClientFactory {

    private static final AtomicInteger CLIENTS = new AtomicInteger();

    /** @param helloEvery how often to send "hello, I'm NAME TIME"; null for never */
    public record Options(String host, int port, String name, Duration helloEvery) {

        /** Seconds between hellos at most: a day, as for the other examples' periods. */
        static final long MAX_HELLO_SECONDS = 86_400;

        static Options parse(String[] args) {
            return parse(args, System::getProperty);
        }

        /** {@link #parse(String[])} with the properties passed in, for tests. */
        static Options parse(String[] args, UnaryOperator<String> property) {
            boolean hello = false;
            String name = null;
            for (String arg : args) {
                if (arg.equals("--hello")) {
                    hello = true;
                } else if (arg.startsWith("-") || name != null) {
                    throw new IllegalArgumentException("usage: SpreadClient [--hello] [NAME], got: " + String.join(" ", args));
                } else {
                    name = arg;
                }
            }
            SpreadServer.Settings server = SpreadServer.Settings.fromProperties(property); // the same -Dhost and -Dport
            return new Options(server.host(), server.port(),
                    name != null ? name : System.getProperty("user.name", "anonymous"),
                    hello ? helloPeriod(property.apply("hello.seconds")) : null);
        }

        /** -Dhello.seconds: unset or blank means 5, as a blank -Dport means the default port. */
        private static Duration helloPeriod(String seconds) {
            if (seconds == null || seconds.isBlank()) {
                return Duration.ofSeconds(5);
            }
            return Duration.ofSeconds(
                    SpreadServer.Settings.wholeNumber("hello.seconds", seconds, 1, MAX_HELLO_SECONDS, "seconds"));
        }
    }

    private final Options options;
    private final Reactor reactor;
    /** This client's number, in both its threads' names. */
    private final int number;
    private final Reader input;
    private final Log log;
    private SpreadClientProtocol protocol; // reactor thread only
    private final InputPacing pacing = new InputPacing();

    private SpreadClient(Options options, Reactor reactor, int number, Reader input, Log log) {
        this.options = options;
        this.reactor = reactor;
        this.number = number;
        this.input = input;
        this.log = log;
    }

    /** Starts a reactor of its own and connects; the reactor stops when the connection ends or fails. */
    public static SpreadClient start(Options options, Reader input, Log log) throws IOException {
        int number = CLIENTS.incrementAndGet();
        Reactor reactor = new Reactor("spread-client-reactor-" + number, log);
        SpreadClient client = new SpreadClient(options, reactor, number, input, log);
        reactor.start();
        reactor.connectTCP(new InetSocketAddress(options.host(), options.port()), client);
        return client;
    }

    // ---- ClientFactory: the reactor calls these, in this order ---------------------------------

    @Override
    public void startedConnecting(InetSocketAddress address) {
        log.info("startedConnecting: connecting to " + address);
    }

    @Override
    public Protocol buildProtocol(InetSocketAddress address) {
        protocol = new SpreadClientProtocol(this, reactor, log, options.name(), options.helloEvery());
        return protocol;
    }

    @Override
    public void clientConnectionFailed(String reason) {
        log.info("clientConnectionFailed: " + reason);
        reactor.stop(); // nothing left to do; stop() from the reactor thread just ends the loop after this turn
    }

    @Override
    public void clientConnectionLost(String reason) {
        log.info("clientConnectionLost: " + reason);
        reactor.stop();
    }

    // ---- Typed lines ------------------------------------------------------------------------------

    /**
     * Called by the protocol once connected: only from now on is there somewhere for a typed line
     * to go. The thread is a daemon, the one thread here that nobody waits for: a read from
     * System.in cannot be interrupted or woken portably, and the thread holds nothing to close.
     * It waits for nothing else that could last: not for its turn once the connection has ended
     * (the connection tells its producer, {@link InputPacing#stopProducing()}), nor for a reactor
     * that has stopped (which refuses its lines, and it ends).
     */
    void startReadingInput() {
        protocol.transport().registerProducer(pacing);
        Thread reader = new Thread(this::forwardInput, stdinThreadName());
        reader.setDaemon(true);
        reader.setUncaughtExceptionHandler((t, e) -> log.error(t.getName() + " died", e));
        reader.start();
    }

    /**
     * On the stdin thread: every line becomes a task for the reactor; the end of input hangs up.
     * A line too long to send is said so here, and not sent.
     */
    private void forwardInput() {
        try (InputLines lines = new InputLines(input)) {
            String line;
            while ((line = lines.next(this::lineTooLong)) != null) {
                String typed = line;
                int cost = InputPacing.cost(typed);
                pacing.awaitTurn(cost); // a pasted file waits here for the server (see InputPacing)
                reactor.callFromThread(() -> {
                    protocol.sendTyped(typed);
                    pacing.lineQueued(cost);
                });
            }
            askToHangUp();
        } catch (RejectedExecutionException e) {
            // The reactor has stopped: the connection is gone, and so is any reason to read on.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // nobody interrupts this thread today; if someone does, it stops reading
        } catch (IOException | RuntimeException | Error e) {
            // Whatever ends this thread ends the input: as at its end, the client hangs up.
            log.error("reading input failed; hanging up", e);
            askToHangUp();
        }
    }

    private void lineTooLong(long length) {
        log.info("input line of " + length + " characters not sent: longer than the "
                + InputLines.MAX_CHARS + " a line may have");
    }

    /** On the stdin thread: the input has ended, so the reactor is asked to hang up, if it still runs. */
    private void askToHangUp() {
        try {
            reactor.callFromThread(() -> protocol.inputEnded());
        } catch (RejectedExecutionException stopped) {
            // The reactor has stopped: the connection is gone already.
        }
    }

    // ---- Owner's controls -----------------------------------------------------------------------

    /** Closes the connection and ends the reactor thread; returns at once. Any thread. */
    public void stop() {
        reactor.stop();
    }

    /** Waits for the reactor thread to end (after the connection ended or failed). True if it did. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return reactor.join(timeout);
    }

    public String reactorThreadName() {
        return reactor.threadName();
    }

    /** The thread that reads the input: {@code spread-client-stdin-N}, N as in its reactor's name. */
    public String stdinThreadName() {
        return "spread-client-stdin-" + number;
    }

    /** What ended the reactor thread, if something did (a bug, or a broken selector); empty otherwise. */
    public Optional<Throwable> failure() {
        return reactor.failure();
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        // Ctrl+C: the hook goes in before anything starts, since the server may accept the
        // connection before start() returns; it closes the connection through the reactor.
        StopAtExit<SpreadClient> atExit = new StopAtExit<>("spread-client-shutdown", client -> {
            client.stop();
            client.awaitEnd(Duration.ofSeconds(5));
        });
        SpreadClient client;
        try {
            client = start(options, new InputStreamReader(System.in, StandardCharsets.UTF_8), Log.console());
        } catch (Throwable e) {
            atExit.startFailed(e);
            throw e;
        }
        atExit.started(client);
        try {
            waitForTheEnd(client);
        } finally {
            atExit.remove();
        }
    }

    /**
     * The end of main, a method of its own so that a test can run it, as the server's is: waits
     * until the reactor thread ends and, if the reactor failed, rethrows the failure, so the
     * process exits with an error instead of 0.
     */
    static void waitForTheEnd(SpreadClient client) throws InterruptedException {
        client.reactor.awaitEndRethrowingFailure(); // it runs until the connection ends
    }
}
