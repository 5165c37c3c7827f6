package gameloop.loadgen;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How long a server takes to stop with players connected, and whether each of them gets its
 * goodbye. It connects {@code -Dclients} players to {@code -Durl}, each reading everything the
 * server sends, sends SIGTERM to the server's process {@code -Dpid} (as a service manager stops
 * it; Ctrl+C runs the same shutdown hook), and reports when the process was gone and how every
 * connection ended:
 * <pre>
 * mvn -pl tools/loadgen -am compile exec:java "-Dexec.mainClass=gameloop.loadgen.StopUnderLoad" \
 *     -Dclients=5000 -Dpid=12345 "-Durl=ws://127.0.0.1:8080/connect"
 * </pre>
 * with the pid from the example's "is running at" line.
 * Start the server with a slow tick ({@code -Dtick.ms=1000}): the stop does not depend on it,
 * and these players read with the JDK's own WebSocket client, which is simpler than the load
 * generator's and costs more CPU a message, CPU the server would be short of.
 */
public final class StopUnderLoad {

    /** Connection attempts in flight at once, as the load generator's ramp. */
    private static final int AT_ONCE = 200;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);
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
        try (Players players = Players.connect(url, clients, CONNECT_TIMEOUT)) {
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

    /** How each connection ended ("1001 server shutting down": 5000), and when the last did (a nanoTime). */
    record Ends(Map<String, Integer> count, long last) {
    }

    /** Players that read everything and remember how their connection ended. */
    static final class Players implements AutoCloseable {
        private final ExecutorService threads;
        private final List<Player> connected;

        private Players(ExecutorService threads, List<Player> connected) {
            this.threads = threads;
            this.connected = connected;
        }

        /** Connects {@code count} players, at most {@link #AT_ONCE} at a time; fails if any cannot. */
        static Players connect(URI url, int count, Duration timeout) throws Exception {
            // One thread for the client's work, beside its selector's: the players take no more
            // than a core from the server, which stops on one thread.
            ExecutorService threads = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "stop-under-load");
                thread.setDaemon(true);
                return thread;
            });
            HttpClient client = HttpClient.newBuilder().executor(threads).build();
            List<Player> players = new ArrayList<>(count);
            Semaphore inFlight = new Semaphore(AT_ONCE);
            List<CompletableFuture<WebSocket>> opening = new ArrayList<>(count);
            try {
                for (int i = 0; i < count; i++) {
                    Player player = new Player();
                    players.add(player);
                    inFlight.acquire();
                    opening.add(client.newWebSocketBuilder().buildAsync(url, player)
                            .whenComplete((webSocket, failure) -> inFlight.release()).toCompletableFuture());
                }
                CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                opening.forEach(attempt -> attempt.thenAccept(WebSocket::abort));
                threads.shutdownNow();
                throw e;
            }
            return new Players(threads, players);
        }

        /** Waits until every connection has ended, then says how each did. */
        Ends awaitEnds(Duration timeout) throws Exception {
            CompletableFuture.allOf(connected.stream().map(player -> player.ended).toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<String, Integer> count = new TreeMap<>();
            long last = Long.MIN_VALUE;
            for (Player player : connected) {
                count.merge(player.ended.join(), 1, Integer::sum);
                last = Math.max(last, player.endedAt);
            }
            return new Ends(count, last);
        }

        @Override
        public void close() {
            threads.shutdownNow();
        }
    }

    /** One player: it asks for every message at once, ignores them, and records how it ended. */
    private static final class Player implements WebSocket.Listener {
        final CompletableFuture<String> ended = new CompletableFuture<>();
        /** When it ended (a nanoTime); written before {@link #ended} completes, read after. */
        long endedAt;

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            end(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            end("no close frame: " + error);
        }

        private void end(String how) {
            if (!ended.isDone()) { // an error after the close frame changes nothing
                endedAt = System.nanoTime();
                ended.complete(how);
            }
        }
    }
}
