package gameloop.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.testkit.TestClient;
import gameloop.testkit.TestClients;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A server killed with SIGKILL runs no shutdown hook and no {@code close()}: nothing of ours gets
 * to stop the worker. It must go anyway, because the kernel closes the dead server's end of its
 * stdin and the worker exits at end of file. So this test runs the real {@code main} in a JVM of
 * its own, kills that JVM, and watches the worker.
 */
@EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "finds the worker by its command line, which Java does not report on Windows")
class KilledServerTest {

    /** The line the docs send a learner to, for the page's address and the pid to kill. */
    private static final Pattern RUNNING_AT = Pattern.compile("is running at (http://\\S+/) \\(tick every 50 ms, pid (\\d+)\\)");

    @Test
    void aServerKilledWithSigkillTakesItsWorkerWithIt() throws Exception {
        Process server = new ProcessBuilder(
                Worker.javaCommand(),
                "-Dport=0", "-Dtick.ms=50", "-Dwork.ms=5",
                "-cp", Worker.classpath(),
                ChildProcessServer.class.getName())
                .redirectErrorStream(true)
                .start();
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<MatchResult> running = new CompletableFuture<>();
        Thread logReader = new Thread(() -> readLog(server, log, running), "test-server-log");
        logReader.start();
        ProcessHandle worker = null;
        try (TestClients clients = new TestClients()) {
            MatchResult runningAt = running.get(60, TimeUnit.SECONDS);
            assertEquals(server.pid(), Long.parseLong(runningAt.group(2)), "the pid on the running line");
            URI pageUri = URI.create(runningAt.group(1));
            TestClient client = clients.connect(URI.create("ws://" + pageUri.getAuthority() + "/connect"));
            await().atMost(Duration.ofSeconds(30)).until(() -> client.lastTickNumber() >= 3);
            worker = workerOf(server.toHandle()).orElseThrow(() -> new AssertionError("the server has no worker; its log: " + log));
            String started = "Worker " + worker.pid() + " started: a second JVM, 5 ms of work per step, workers started so far: 1";
            synchronized (log) { // the log's reader thread is still adding to it
                assertTrue(log.stream().anyMatch(line -> line.contains(started)), "-Dwork.ms=5 did not reach the game: " + log);
            }

            server.destroyForcibly(); // SIGKILL
            assertTrue(server.waitFor(10, TimeUnit.SECONDS), "the server JVM survived SIGKILL");

            ProcessHandle orphan = worker;
            await("worker " + orphan.pid() + " to exit after its server was killed")
                    .atMost(Duration.ofSeconds(10)).until(() -> !orphan.isAlive());
        } finally {
            server.destroyForcibly();
            if (worker != null) {
                worker.destroyForcibly(); // when the test fails: leave no orphan on the machine
            }
            logReader.join(10_000);
        }
        assertFalse(logReader.isAlive());
    }

    private static Optional<ProcessHandle> workerOf(ProcessHandle server) {
        return server.descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(HeavyWorker.class.getName()))
                .findFirst();
    }

    /** Keeps the server's output (for failure messages) and finds the line that says where it runs. */
    private static void readLog(Process server, List<String> log, CompletableFuture<MatchResult> running) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                log.add(line);
                Matcher runningAt = RUNNING_AT.matcher(line);
                if (runningAt.find()) {
                    running.complete(runningAt.toMatchResult());
                }
            }
        } catch (IOException e) {
            running.completeExceptionally(e);
        }
        running.completeExceptionally(new AssertionError("the server ended without saying where it runs: " + log));
    }
}
