package gameloop.reactor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that runs out of file descriptors cannot accept: every accept fails until a connection
 * closes. It must go on serving the clients it has, take the waiting ones in once descriptors are
 * free, and say so once, not print the same stack trace every second in between.
 *
 * <p>The real server runs in a JVM of its own, started by a shell that lowers its limit of open
 * files to 64 ({@code ulimit -n}), so that a few dozen clients use them all up. This test's own
 * JVM, shared with every other test, keeps its limit. Linux only: the test leans on how Linux
 * fails an accept, and on {@code timeout}, which ends the server should this JVM be killed first.
 * Running the real {@code main} under a low limit, it also checks the console lines the
 * module's README shows.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "relies on Linux's accept and on coreutils' timeout")
class OutOfFileDescriptorsTest {

    private static final Pattern LISTENING = Pattern.compile("listening on /127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern ACCEPTING_AGAIN = Pattern.compile("accepting again, after (\\d+) failed attempt");
    private static final String FAILED = "ERROR accept failed";
    /** A line about one connection: {@code connected #2 from ...} or {@code lost #3: ...}. */
    private static final Pattern CONNECTION_LINE = Pattern.compile("^[0-9:.]+ \\[[^]]+\\] (connected|lost) #\\d+");

    /**
     * The server's output goes to a file, not a pipe: the test reads it from the start as often as
     * it needs, while the server runs and after it has stopped, with no reader thread of its own
     * to keep up with the output and to end.
     */
    @TempDir
    Path logDirectory;
    private Path logFile;
    private final List<Socket> clients = new ArrayList<>();

    @Test
    void aServerOutOfDescriptorsKeepsServingAndTakesTheWaitingClientsInOnceSomeAreFree() throws Exception {
        logFile = logDirectory.resolve("server.log");
        Process server = startServerWithFewDescriptors(logFile);
        try {
            int serverPort = await("the server to say where it listens").atMost(Duration.ofSeconds(60))
                    .until(() -> numbers(LISTENING), found -> !found.isEmpty()).get(0);
            long episodeBegan = System.nanoTime(); // at the latest: the descriptors run out below
            Socket waiting = connectOneThatMustWait(serverPort);
            // The clients at indices 2 to 9 (the third to the tenth) are closed below to free
            // descriptors: all must be ones the server took in.
            assertTrue(clients.size() > 10, "too few clients before the descriptors ran out: " + clients.size());
            long episodes = count(FAILED); // the last one still going on

            Socket first = clients.get(0);
            Socket second = clients.get(1);
            BufferedReader secondReads = reader(second);
            assertTrue(secondReads.readLine().startsWith("welcome"));
            first.getOutputStream().write("still serving\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("still serving", secondReads.readLine(), "the clients already in are still served");

            closeClients(2, 6); // unread greetings: each close is a reset, and the server closes its side

            assertTrue(reader(waiting).readLine().startsWith("welcome"), "the waiting client is taken in");
            await("the server to say it accepts again").atMost(Duration.ofSeconds(10))
                    .until(() -> count("accepting again"), n -> n == episodes);
            List<Integer> reported = numbers(ACCEPTING_AGAIN);
            int failedAttempts = reported.get(reported.size() - 1); // this episode's: the last one
            assertTrue(failedAttempts >= 2, "more than one failed attempt in the episode, but " + failedAttempts
                    + "; the log: " + log());
            // One retry a second, and no more: a listener that went on asking for accepts would be
            // told of the waiting client on every turn and fail thousands of times a second.
            long episodeSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - episodeBegan);
            assertTrue(failedAttempts <= episodeSeconds + 2, failedAttempts + " failed attempts in an episode of at most "
                    + episodeSeconds + " s: the listener did not stop asking for accepts; the log: " + log());
            assertEquals(episodes, count(FAILED), "one report for each episode; the log: " + log());

            // A further episode is reported again, and its end too, though nobody need wait this
            // time: the retry itself finds a descriptor free. (One client may wait all the same:
            // when the server takes its last descriptor just as this test reads that client's
            // greeting, the loop connects one more before the failure reaches the log. Closing
            // four leaves descriptors free after that one is taken in, so no other episode starts.)
            connectUntilAcceptsFail(serverPort, episodes + 1);
            closeClients(6, 10);
            await("the end of the next episode").atMost(Duration.ofSeconds(10))
                    .until(() -> count("accepting again"), n -> n == episodes + 1);
            assertEquals(episodes + 1, count(FAILED), "one report per episode; the log: " + log());
        } finally {
            for (Socket client : clients) {
                client.close();
            }
            server.destroy(); // SIGTERM, passed on by timeout: the shutdown hook stops the reactor
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
                server.waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertTrue(log().stream().anyMatch(line -> line.endsWith("reactor stopped")), "a clean stop; the log: " + log());
        // The console of the real main, as the module's README shows it: every connection's line
        // comes from the one reactor thread, and the stop from the shutdown hook's.
        List<String> connectionLines = log().stream().filter(CONNECTION_LINE.asPredicate()).toList();
        assertTrue(connectionLines.size() > 10, "the log: " + log());
        assertTrue(connectionLines.stream().allMatch(line -> line.contains(" [spreader-reactor-1] ")), "the log: " + log());
        assertTrue(log().stream().anyMatch(line -> line.endsWith(" [spreader-shutdown] shutting down")), "the log: " + log());
    }

    private static Process startServerWithFewDescriptors(Path logFile) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // This module needs nothing but the JDK: its classes directory is the whole classpath.
        String classes = Path.of(SpreadServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        // -XX:-MaxFDLimit: HotSpot otherwise raises its soft limit to the hard one, which a shell
        // may have left high. timeout: a server this test can no longer stop stops itself.
        return new ProcessBuilder("sh", "-c", "ulimit -n 64 && exec timeout 120 \"$0\" -XX:-MaxFDLimit -Dport=0 -cp \"$1\" "
                + SpreadServer.class.getName(), java, classes)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
    }

    /**
     * Runs the server out of descriptors, then connects one more client, which the kernel takes
     * in but the server cannot, and gives the server's retries (one a second) time to fail too:
     * the count of failed attempts checked later depends on it. The sleep is a margin, not an
     * assertion: a retry that comes more than 2.5 s late (a starved JVM on a loaded machine)
     * would leave the count at 1.
     *
     * <p>An episode can end by itself, though: if the JVM held a descriptor for a moment of its
     * own when the accept failed (seen once in some 80 runs), the next retry finds it free and
     * takes the waiting client in with nobody having left. Then this tries again, with the
     * episode that starts next.
     */
    private Socket connectOneThatMustWait(int port) throws Exception {
        for (int attempt = 1; attempt <= 3; attempt++) {
            if (count(FAILED) == count("accepting again")) { // no episode going on: start one
                connectUntilAcceptsFail(port, count(FAILED) + 1);
            }
            Socket waiting = connect(port);
            Thread.sleep(3500);
            if (waiting.getInputStream().available() == 0 && count(FAILED) > count("accepting again")) {
                return waiting;
            }
        }
        throw new AssertionError("three episodes in a row ended with nobody leaving; the log: " + log());
    }

    /** Connects clients one at a time until the server has reported {@code episodes} runs of failed accepts. */
    private void connectUntilAcceptsFail(int port, long episodes) throws IOException {
        for (int i = 0; i < 200; i++) {
            Socket client = connect(port);
            // The kernel completes the connection either way; the greeting says the server took it.
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(10))
                    .until(() -> client.getInputStream().available() > 0 || count(FAILED) >= episodes);
            if (count(FAILED) >= episodes) {
                return;
            }
        }
        throw new AssertionError("200 clients and no failed accept; the log: " + log());
    }

    private void closeClients(int from, int to) throws IOException {
        for (Socket leaving : clients.subList(from, to)) {
            leaving.close();
        }
    }

    private Socket connect(int port) throws IOException {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
        clients.add(client);
        client.setSoTimeout(10_000);
        return client;
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }

    private List<String> log() throws IOException {
        // Not readAllLines: it throws on a character the server is half-way through writing.
        return Files.exists(logFile) ? new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).lines().toList() : List.of();
    }

    private long count(String text) throws IOException {
        return log().stream().filter(line -> line.contains(text)).count();
    }

    /** The numbers that {@code pattern} finds in the log, one per line it matches, in order. */
    private List<Integer> numbers(Pattern pattern) throws IOException {
        List<Integer> found = new ArrayList<>();
        for (String line : log()) {
            Matcher match = pattern.matcher(line);
            if (match.find()) {
                found.add(Integer.parseInt(match.group(1)));
            }
        }
        return found;
    }
}
