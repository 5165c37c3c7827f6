package gameloop.loadgen;

import gameloop.loadgen.Analysis.Ramp;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How long a server takes to stop with players connected, and whether each of them gets its
 * goodbye. It connects {@code -Dclients} players to {@code -Durl} through the load generator's own
 * client ({@link NioTransport}, one selector thread), each reading everything the server sends and
 * pressing no key, sends SIGTERM to the server's process {@code -Dpid} (as a service manager stops
 * it; Ctrl+C runs the same shutdown hook), and reports when the process was gone and how every
 * connection ended:
 * <pre>
 * mvn -pl tools/loadgen -am compile exec:java "-Dexec.mainClass=gameloop.loadgen.StopUnderLoad" \
 *     -Dclients=5000 -Dpid=12345 "-Durl=ws://127.0.0.1:8080/connect"
 * </pre>
 * with the pid from the example's "is running at" line.
 */
public final class StopUnderLoad {

    /** How long the server has to be gone after SIGTERM before we stop waiting. */
    private static final Duration STOP_LIMIT = Duration.ofSeconds(30);

    private StopUnderLoad() {
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(System.getProperty("url", LoadOptions.DEFAULT_URL.toString()));
        int clients = Integer.getInteger("clients", 1000);
        long pid = Long.getLong("pid", -1);
        ProcessHandle server = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalArgumentException("-Dpid must name the running server's process, got " + pid));
        PrintStream out = System.out;
        try (Players players = Players.connect(url, clients, out)) {
            out.printf("%d players connected to %s; sending SIGTERM to process %d...%n", clients, url, pid);
            long signalled = System.nanoTime();
            server.destroy(); // SIGTERM on Linux and macOS
            while (runs(server)) {
                if (System.nanoTime() - signalled > STOP_LIMIT.toNanos()) {
                    throw new TimeoutException("process " + pid + " was still there " + STOP_LIMIT.toSeconds() + " s after SIGTERM");
                }
                TimeUnit.MILLISECONDS.sleep(5); // the exit is timed to within 5 ms
            }
            long gone = System.nanoTime();
            Ends ends = players.awaitEnds(STOP_LIMIT);
            out.printf("The server was gone %d ms after SIGTERM; the last connection ended %d ms after it.%n",
                    TimeUnit.NANOSECONDS.toMillis(gone - signalled), TimeUnit.NANOSECONDS.toMillis(ends.last() - signalled));
            out.println("How the connections ended: " + ends.count());
        }
    }

    /**
     * Whether the process still runs. One that has exited but that its parent has not yet reaped
     * (a zombie) is still alive to {@link ProcessHandle}, and a server started in the background
     * of a shell that has gone is reaped by whoever adopted it, when it gets to it: Linux's
     * {@code /proc} tells such a process apart.
     */
    static boolean runs(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z'; // the state follows the name, "(java) Z ..."
        } catch (IOException | RuntimeException noProc) { // not Linux, or gone meanwhile
            return process.isAlive();
        }
    }

    /** How each connection ended ("the server closed it: 1001 server shutting down": 5000), and when the last did (a nanoTime). */
    record Ends(Map<String, Integer> count, long last) {
    }

    /** The connected players, on a transport of their own that {@link #close} stops. */
    static final class Players implements AutoCloseable {
        private static final AtomicInteger INSTANCES = new AtomicInteger();

        private final String threadNamePrefix;
        private final Transport transport;
        private final List<LoadClient> connected;

        private Players(String threadNamePrefix, Transport transport, List<LoadClient> connected) {
            this.threadNamePrefix = threadNamePrefix;
            this.transport = transport;
            this.connected = connected;
        }

        /**
         * Connects {@code count} players as the load generator's ramp does, and returns once each
         * has had a tick: the server answers the upgrade before it counts the player in, and a
         * player who arrives during the stop is refused with the same 1001, so without the wait
         * a fast ramp's last players would be measured as newcomers, not as players (at 1000
         * players and a tick every 100 ms, 143 and 178 of them were, in two runs). Fails, and leaves nothing open, if
         * any cannot connect, or has no tick within {@link LoadGenerator#CONNECT_TIMEOUT}.
         */
        static Players connect(URI url, int count, PrintStream console) throws InterruptedException {
            // One selector thread: the players take no more than a core from the server.
            String threadNamePrefix = "stop-under-load-" + INSTANCES.incrementAndGet() + "-";
            Transport transport = new NioTransport(threadNamePrefix, 1, LoadGenerator.CONNECT_TIMEOUT);
            try {
                // One ledger for all, whose window never opens: ticks are read, and counted nowhere.
                TickLedger ledger = new TickLedger();
                Echoes echoes = new Echoes();
                Ramp ramp = LoadGenerator.ramp(transport, url, count, LoadOptions.DEFAULT_RAMP_CONCURRENCY,
                        () -> new LoadClient(ledger, echoes), console);
                int missing = count - ramp.connected().size();
                if (missing > 0) {
                    throw new IllegalStateException(missing + " of " + count + " players could not connect"
                            + (ramp.firstFailure() == null ? "" : "; the first failure: " + ramp.firstFailure()));
                }
                awaitATickEach(ramp.connected());
                return new Players(threadNamePrefix, transport, ramp.connected());
            } catch (InterruptedException | RuntimeException e) {
                transport.close();
                throw e;
            }
        }

        private static void awaitATickEach(List<LoadClient> players) throws InterruptedException {
            long deadline = System.nanoTime() + LoadGenerator.CONNECT_TIMEOUT.toNanos();
            long waiting;
            while ((waiting = players.stream().filter(player -> !player.hadATick()).count()) > 0) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(waiting + " of " + players.size() + " players had no tick within "
                            + LoadGenerator.CONNECT_TIMEOUT.toSeconds() + " s");
                }
                TimeUnit.MILLISECONDS.sleep(10);
            }
        }

        /** Waits until every connection has ended, then says how each did. */
        Ends awaitEnds(Duration timeout) throws Exception {
            CompletableFuture.allOf(connected.stream().map(LoadClient::closed).toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<String, Integer> count = new TreeMap<>();
            long last = Long.MIN_VALUE;
            for (LoadClient player : connected) {
                count.merge(player.endReason(), 1, Integer::sum);
                last = Math.max(last, player.endedAt());
            }
            return new Ends(count, last);
        }

        /** What the names of this transport's threads begin with. */
        String threadNamePrefix() {
            return threadNamePrefix;
        }

        /** Cuts off whatever is still open, and stops the transport's thread and waits for it. */
        @Override
        public void close() {
            transport.close();
        }
    }
}
