package gameloop.loadgen;

import gameloop.loadgen.Analysis.Ramp;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * A load generator: N simulated players against one running example, to see what the example's
 * design costs under load.
 *
 * <p>The client side of the examples' lesson: one event-driven {@link Transport} serves every
 * connection with a few threads (no thread per connection), and recording takes no lock, so the
 * tool stays out of the way of what it measures. A run has five phases:
 * <ol>
 *   <li><b>ramp</b>: open the connections, at most {@code ramp.concurrency} attempts at a time;</li>
 *   <li><b>measure</b>: every client presses a key every {@code keys.ms}; after a {@code warmup},
 *       ticks and echoes are counted for {@code duration};</li>
 *   <li><b>drain</b>: stop pressing, and wait briefly for the last echoes and ticks;</li>
 *   <li><b>close</b>: close every connection politely, then stop the client and its threads;</li>
 *   <li><b>report</b>: the figures, on the console and in JSON and HTML files.</li>
 * </ol>
 *
 * <p>Run: {@code mvn -pl tools/loadgen -am compile exec:java -Dclients=1000 -Dduration=20s
 * "-Durl=ws://127.0.0.1:8080/connect"} against a running example. It stops by itself.
 */
public final class LoadGenerator {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Long enough for the last tick's fan-out and the last echoes; bounded so a dead server cannot hold us. */
    static final Duration DRAIN_MIN = Duration.ofMillis(500);
    static final Duration DRAIN_MAX = Duration.ofSeconds(3);
    /** Often enough to catch the bursts of each broadcast, rarely enough to cost nothing. */
    private static final Duration PROBE_PERIOD = Duration.ofMillis(10);
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final LoadOptions options;
    private final PrintStream console;
    private final String threadNamePrefix = "loadgen-" + INSTANCES.incrementAndGet() + "-";
    private final TickLedger ledger = new TickLedger();
    private final Echoes echoes = new Echoes();
    /** The longest a message arriving at each probe could wait to be read, in µs; recorded by the reading threads. */
    private final ConcurrentHistogram readingDelayMicros = new ConcurrentHistogram(3);
    private final CompletableFuture<Void> measuring = new CompletableFuture<>();

    public LoadGenerator(LoadOptions options, PrintStream console) {
        this.options = options;
        this.console = console;
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options = LoadOptions.fromProperties(System::getProperty);
        Results results = new LoadGenerator(options, System.out).run();
        System.out.println();
        System.out.print(Report.table(results));
        Report.Written files = Report.write(results, options.outDir());
        System.out.println();
        System.out.println("Reports: " + files.json().toAbsolutePath());
        System.out.println("         " + files.html().toAbsolutePath());
        System.out.println();
        System.out.println("Row for docs/benchmarks-log.md:");
        System.out.println(Report.markdownRow(results));
        if (results.clients().connected() == 0) {
            // A failure, not a result: a script that runs us (bench.sh) must stop here, not paste a row of n/a.
            throw new IllegalStateException("No client connected to " + options.url() + ". First failure: "
                    + results.clients().firstFailure());
        }
    }

    /** Completes when every client has connected and the measurement starts (for tests). */
    public CompletableFuture<Void> measuring() {
        return measuring;
    }

    /** Every thread this run starts has a name beginning with this. */
    public String threadNamePrefix() {
        return threadNamePrefix;
    }

    /**
     * Ramps up, warms up, measures, drains and closes; returns the figures for the caller to
     * report. Blocks for the whole run, and leaves no thread behind, even when it fails.
     */
    public Results run() throws InterruptedException {
        if (!options.targetsLoopback()) {
            console.println("WARNING: " + options.url() + " is not this machine. The figures will include the"
                    + " network, and make sure the server's owner expects the load.");
        }
        Instant startedAt = Instant.now();
        ServerInfo info = fetchInfo();
        Transport transport = newTransport();
        // Two timers: the key presses' own, and one for the CPU samples and the probes.
        KeyTimer keys = new KeyTimer(threadNamePrefix + "keys");
        ScheduledExecutorService meter = Executors.newSingleThreadScheduledExecutor(
                runnable -> new Thread(runnable, threadNamePrefix + "meter"));
        Ramp ramp;
        CpuMeter.Figures cpu;
        List<LoadClient> lost;
        try {
            console.printf("Connecting %d clients to %s, at most %d at a time...%n",
                    options.clients(), options.url(), options.rampConcurrency());
            ramp = ramp(transport);
            console.printf("%d connected in %.1f s, %d failed. Warming up for %.1f s, then measuring for %.1f s...%n",
                    ramp.connected().size(), ramp.nanos() / 1e9, ramp.failures(),
                    options.warmup().toMillis() / 1000.0, options.duration().toMillis() / 1000.0);
            cpu = measure(ramp.connected(), keys, meter, transport, TickLedger.ticksToTrack(options.duration(),
                    options.tickPeriod() != null ? options.tickPeriod() : info.tickPeriod()));
            lost = ramp.connected().stream().filter(c -> !c.isOpen()).toList();
            drain(ramp.connected());
            closeAll(ramp.connected());
        } finally {
            measuring.completeExceptionally(new IllegalStateException("the run ended before it measured"));
            stop(keys, meter, transport);
        }
        // Every client thread has stopped: nothing writes to the recordings any more.
        String firstLoss = lost.stream().map(LoadClient::endReason).filter(Objects::nonNull).findFirst().orElse(null);
        return Analysis.analyse(options, startedAt, info, ramp, lost.size(), firstLoss, ledger, echoes, cpu,
                readingDelayMicros.copy());
    }

    private Transport newTransport() {
        return switch (options.client()) {
            case NIO -> new NioTransport(threadNamePrefix, NioTransport.defaultThreads(), CONNECT_TIMEOUT);
            case JETTY -> new JettyTransport(threadNamePrefix, options.rampConcurrency(), CONNECT_TIMEOUT);
        };
    }

    /** The example's name and tick period from its /info; a note if they contradict -Dtick.ms. */
    private ServerInfo fetchInfo() {
        ServerInfo info = ServerInfo.fetch(options.url());
        Duration given = options.tickPeriod();
        if (given != null && info.tickPeriod() != null && !given.equals(info.tickPeriod())) {
            console.printf("Note: -Dtick.ms=%d, but the server says it ticks every %d ms. Using %d.%n",
                    given.toMillis(), info.tickPeriod().toMillis(), given.toMillis());
        }
        return info;
    }

    /** Opens every connection, never more than {@code ramp.concurrency} attempts at once. */
    private Ramp ramp(Transport transport) throws InterruptedException {
        return ramp(transport, options.url(), options.clients(), options.rampConcurrency(),
                () -> new LoadClient(ledger, echoes), console);
    }

    /**
     * Opens {@code count} connections to {@code url}, one {@link LoadClient} each, never more
     * than {@code limit} attempts at once; {@link StopUnderLoad} ramps up the same way.
     */
    static Ramp ramp(Transport transport, URI url, int count, int limit, Supplier<LoadClient> newClient,
                     PrintStream console) throws InterruptedException {
        Semaphore inFlight = new Semaphore(limit);
        Queue<LoadClient> connected = new ConcurrentLinkedQueue<>();
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            inFlight.acquire(); // wait for a free slot; a slot is freed when an attempt ends, either way
            LoadClient client = newClient.get();
            transport.connect(url, client).whenComplete((opened, failure) -> {
                if (failure == null) {
                    connected.add(client);
                } else {
                    failures.incrementAndGet();
                    firstFailure.compareAndSet(null, describe(failure));
                }
                inFlight.release();
            });
        }
        // When every permit is back, no attempt is in flight any more.
        if (!inFlight.tryAcquire(limit, CONNECT_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS)) {
            console.println("WARNING: some connection attempts did not finish in time; they are left out.");
        }
        return new Ramp(List.copyOf(connected), failures.get(), firstFailure.get(), System.nanoTime() - start);
    }

    /**
     * Key presses spread evenly over each period; after the warm-up, the window opens, the CPU is
     * sampled every second, and the reading threads are probed every 10 ms. The clients do the
     * work: this thread only waits.
     */
    private CpuMeter.Figures measure(List<LoadClient> clients, KeyTimer keys, ScheduledExecutorService meter,
                                     Transport transport, int ticksToTrack) throws InterruptedException {
        CpuMeter cpu = new CpuMeter(threadNamePrefix);
        if (!clients.isEmpty()) {
            keys.start(clients, options.keyPeriod());
            TimeUnit.NANOSECONDS.sleep(options.warmup().toNanos());
        }
        // The meter first: its start reads every thread's CPU time, which takes a while. Were the
        // window's start taken before that, the window would open late: arrivals in the gap would
        // be timed within the window but counted as before it.
        cpu.start(System.nanoTime());
        long start = System.nanoTime();
        ledger.openWindow(start, ticksToTrack);
        measuring.complete(null);
        if (!clients.isEmpty()) {
            meter.scheduleAtFixedRate(() -> cpu.sample(System.nanoTime()), 1, 1, TimeUnit.SECONDS);
            meter.scheduleAtFixedRate(() -> transport.probeReadingDelay(
                    nanos -> readingDelayMicros.recordValue(nanos / 1000)), 0, PROBE_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
            TimeUnit.NANOSECONDS.sleep(options.duration().toNanos());
        }
        long end = System.nanoTime();
        ledger.closeWindow(end);
        stopTimer(meter); // cancels the sampler and the probes
        CpuMeter.Figures figures = cpu.finish(end); // before the last presses: their CPU is after the window
        if (!keys.stopAt(end)) { // a timer behind sends the window's last presses first
            console.printf("WARNING: the key timer could not send the window's last presses within %d s;"
                    + " those not sent yet are left out.%n", KeyTimer.LAST_PRESSES_TIMEOUT.toSeconds());
        }
        return figures;
    }

    /**
     * Waits at least DRAIN_MIN, and until every key press has its echo and every open client has
     * the window's last tick, or DRAIN_MAX has passed. A tick still on its way when we hang up
     * would otherwise count as missed for the clients it had not reached yet.
     */
    private void drain(List<LoadClient> clients) throws InterruptedException {
        long start = System.nanoTime();
        List<TickLedger.Tick> window = ledger.ticksInWindow(); // the window is closed: its ticks are known
        OptionalLong lastTick = window.isEmpty() ? OptionalLong.empty() : OptionalLong.of(window.get(window.size() - 1).number());
        while (true) {
            long elapsed = System.nanoTime() - start;
            boolean done = echoes.pending() <= 0 && (lastTick.isEmpty()
                    || clients.stream().filter(LoadClient::isOpen).allMatch(c -> c.lastTick() >= lastTick.getAsLong()));
            if (elapsed >= DRAIN_MAX.toNanos() || elapsed >= DRAIN_MIN.toNanos() && done) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private void closeAll(List<LoadClient> clients) throws InterruptedException {
        clients.forEach(LoadClient::close);
        CompletableFuture<?>[] closed = clients.stream().map(LoadClient::closed).toArray(CompletableFuture<?>[]::new);
        try {
            CompletableFuture.allOf(closed).get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            long open = clients.stream().filter(c -> !c.closed().isDone()).count();
            console.printf("WARNING: %d connections did not finish closing in %d s; stopping the client cuts them off.%n",
                    open, CLOSE_TIMEOUT.toSeconds());
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot happen: closed() never fails", e);
        }
    }

    /** Stops the timers and the client, and waits for their threads. */
    private void stop(KeyTimer keys, ScheduledExecutorService meter, Transport transport) {
        // Already stopped after a full run; this is for runs that failed earlier.
        meter.shutdownNow(); // now, so that an interrupt while the key timer is awaited cannot leave it running
        try {
            if (!keys.stop()) {
                console.println("WARNING: the key timer did not stop");
            }
            stopTimer(meter);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // we are stopping anyway; let the caller see it
        } finally {
            transport.close(); // cuts off what is still open and joins the client's threads
        }
    }

    private void stopTimer(ScheduledExecutorService timer) throws InterruptedException {
        timer.shutdownNow();
        if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
            console.println("WARNING: the load generator's CPU and probe timer did not stop within 5 s");
        }
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause.toString();
    }
}
