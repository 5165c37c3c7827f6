package gameloop.reactor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long one line takes to reach N clients through the one reactor thread, for N = 100, 1000
 * and 5000 (or the sizes given as arguments). A program to read, not a test: timings depend on the
 * machine and on what else runs on it.
 *
 * <p>The server and the N clients run in this JVM, on two reactors: the server's thread, and one
 * more thread that owns every client socket. Client 1 sends "ping N" (N, the round's number,
 * matches the server's log lines to rounds), and the client reactor notes
 * {@code System.nanoTime()} as it sends; each other client notes when the line arrives. Per
 * round we keep the time until the last of the N-1 had it, which includes the client thread
 * reading N-1 sockets one after another. The server's own share, the relay loop, is taken from its log.
 * A first pass at the first size, untimed, warms the JVM.
 *
 * <p>Run: {@code mvn -pl examples/08-reactor-broadcast -am compile exec:java
 * "-Dexec.mainClass=gameloop.reactor.BroadcastBenchmark"} (optionally {@code "-Dexec.args=100 1000"},
 * {@code -Drounds=50}).
 */
public final class BroadcastBenchmark {

    private static final int WARM_UP_ROUNDS = 10;
    private static final int CONNECT_BATCH = 500; // below the accept backlog: no SYN is dropped and retried
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern RELAY_TIME = Pattern.compile("says \"ping (\\d+)\", relayed to \\d+ other\\(s\\) in ([0-9.]+) ms");

    record Result(int clients, double connectMillis, double relayMillisP50, double lastMillisP50,
                  double lastMillisP90, double lastMillisMax) {
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0 ? new int[] {100, 1000, 5000}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        int rounds = Integer.getInteger("rounds", 50);
        // One sender and at least one other client, and at least one measured round: anything less
        // would wait for a line nobody receives, or take a percentile of nothing.
        if (rounds < 1 || Arrays.stream(sizes).anyMatch(size -> size < 2)) {
            throw new IllegalArgumentException("need -Drounds of 1 or more and sizes of 2 clients or more; got -Drounds="
                    + rounds + " and sizes " + Arrays.toString(sizes));
        }
        System.out.printf("one line from client 1 to the other N-1, %d warm-up + %d measured rounds, %d cores, Java %s%n",
                WARM_UP_ROUNDS, rounds, Runtime.getRuntime().availableProcessors(), Runtime.version());
        // A fresh JVM loads classes and compiles the hot paths during its first connections and
        // rounds; a few warm-up rounds do not cover that. One whole pass, untimed, at the first
        // size, so that the first row measures the same compiled code as the others.
        System.out.printf("(first, one untimed pass at %d clients, to warm the JVM)%n", sizes[0]);
        measure(sizes[0], rounds);
        System.out.println("| clients | connect + greet all | server relay loop, p50 | last receiver, p50 | p90 | max |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (int size : sizes) {
            Result r = measure(size, rounds);
            System.out.printf(Locale.ROOT, "| %d | %.0f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n", r.clients(),
                    r.connectMillis(), r.relayMillisP50(), r.lastMillisP50(), r.lastMillisP90(), r.lastMillisMax());
        }
    }

    static Result measure(int clients, int rounds) throws Exception {
        RelayTimes relayTimes = new RelayTimes(WARM_UP_ROUNDS);
        try (SpreadServer server = SpreadServer.start(
                // Every relay's log line is a measurement here: none may be left out.
                SpreadServer.Settings.defaults().withPort(0).withLoggedRelaysPerSecond(Integer.MAX_VALUE), relayTimes)) {
            Reactor clientReactor = new Reactor("bench-clients", Log.errorsOnly());
            clientReactor.start();
            try {
                Fleet fleet = new Fleet(clientReactor, clients);
                long start = System.nanoTime();
                fleet.connectAll(server.address());
                double connectMillis = (System.nanoTime() - start) / 1e6;

                for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                    fleet.round(i);
                }
                double[] last = new double[rounds];
                for (int i = 0; i < rounds; i++) {
                    last[i] = fleet.round(WARM_UP_ROUNDS + i) / 1e6;
                }
                Arrays.sort(last);
                double[] relay = relayTimes.awaitSorted(rounds);
                return new Result(clients, connectMillis, percentile(relay, 50),
                        percentile(last, 50), percentile(last, 90), last[last.length - 1]);
            } finally {
                clientReactor.stop();
                if (!clientReactor.join(Duration.ofSeconds(10))) {
                    throw new IllegalStateException("the client reactor did not stop");
                }
            }
        }
    }

    private static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /**
     * N client connections on one reactor. Its fields are the client reactor thread's; the
     * benchmark's main thread reaches them only through callFromThread and futures.
     */
    private static final class Fleet implements ClientFactory {

        private final Reactor reactor;
        private final int size;
        private final List<BenchClient> clients = new ArrayList<>();
        private int greeted;
        private int greetTarget;
        private CompletableFuture<Void> batchGreeted;
        private long pingSentAt;
        private int pingsArrived;
        private CompletableFuture<Long> roundDone;

        Fleet(Reactor reactor, int size) {
            this.reactor = reactor;
            this.size = size;
        }

        void connectAll(InetSocketAddress server) throws Exception {
            for (int connected = 0; connected < size; connected += CONNECT_BATCH) {
                int batch = Math.min(CONNECT_BATCH, size - connected);
                int target = connected + batch;
                CompletableFuture<Void> greetedNow = new CompletableFuture<>();
                reactor.callFromThread(() -> {
                    greetTarget = target;
                    batchGreeted = greetedNow;
                    for (int i = 0; i < batch; i++) {
                        reactor.connectTCP(server, this);
                    }
                });
                greetedNow.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }

        /** One ping from the first client; the nanoseconds until the last of the others had it. */
        long round(int number) throws Exception {
            CompletableFuture<Long> done = new CompletableFuture<>();
            reactor.callFromThread(() -> {
                roundDone = done;
                pingsArrived = 0;
                pingSentAt = System.nanoTime();
                clients.get(0).sendLine("ping " + number);
            });
            return done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public Protocol buildProtocol(InetSocketAddress address) {
            BenchClient client = new BenchClient(this);
            clients.add(client);
            return client;
        }

        @Override
        public void clientConnectionFailed(String reason) {
            batchGreeted.completeExceptionally(new IOException("a benchmark client could not connect: " + reason));
        }

        @Override
        public void clientConnectionLost(String reason) {
            if (roundDone != null && !roundDone.isDone()) {
                roundDone.completeExceptionally(new IOException("a benchmark client was disconnected: " + reason));
            }
        }

        void greetingArrived() {
            if (++greeted == greetTarget) {
                batchGreeted.complete(null);
            }
        }

        void pingArrived(long now) {
            if (++pingsArrived == size - 1) {
                roundDone.complete(now - pingSentAt);
            }
        }
    }

    private static final class BenchClient extends LineReceiver {

        private final Fleet fleet;
        private boolean greeted;

        BenchClient(Fleet fleet) {
            super(SpreadServer.Settings.DEFAULT_MAX_LINE_BYTES);
            this.fleet = fleet;
        }

        @Override
        protected void lineReceived(String line) {
            if (!greeted) {
                greeted = true;
                fleet.greetingArrived();
            } else if (line.startsWith("ping ")) {
                fleet.pingArrived(System.nanoTime());
            }
        }
    }

    /**
     * A {@link Log} that keeps only the server's relay-loop times of measured pings. It is written
     * by the server's reactor thread and read by main, hence the concurrent queue.
     */
    private static final class RelayTimes implements Log {

        private final int firstMeasuredRound;
        private final ConcurrentLinkedQueue<Double> millis = new ConcurrentLinkedQueue<>();
        private final Log errors = Log.errorsOnly();

        RelayTimes(int firstMeasuredRound) {
            this.firstMeasuredRound = firstMeasuredRound;
        }

        @Override
        public void info(String message) {
            Matcher m = RELAY_TIME.matcher(message);
            if (m.find() && Integer.parseInt(m.group(1)) >= firstMeasuredRound) {
                millis.add(Double.parseDouble(m.group(2)));
            }
        }

        @Override
        public void error(String message, Throwable cause) {
            errors.error(message, cause);
        }

        /**
         * The server logs a relay after its loop, which may be after the clients already have the
         * line: so wait, briefly, for the last round's entry.
         */
        double[] awaitSorted(int expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (millis.size() < expected && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(1);
            }
            if (millis.isEmpty()) { // better than a column of NaN
                throw new IllegalStateException("no relay time read from the server's log: did Spreader's relay line change?");
            }
            return millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        }
    }
}
