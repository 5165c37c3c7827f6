package gameloop.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.testkit.RealMain;
import gameloop.testkit.TestClient;
import gameloop.testkit.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server killed with SIGKILL runs no shutdown hook and no {@code close()}: nothing of ours gets
 * to stop the worker. It must go anyway, because the kernel closes the dead server's end of its
 * stdin and the worker exits at end of file. So this test runs the real {@code main} in a JVM of
 * its own, kills that JVM, and watches the worker.
 */
@EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "finds the worker by its command line, which Java does not report on Windows")
class KilledServerTest {

    @TempDir
    Path logDirectory;

    @Test
    void aServerKilledWithSigkillTakesItsWorkerWithIt() throws Exception {
        ProcessHandle worker = null;
        try (RealMain server = RealMain.start(logDirectory, ChildProcessServer.class, "-Dport=0", "-Dtick.ms=50", "-Dwork.ms=5");
                TestClients clients = new TestClients()) {
            // The line the docs send a learner to, for the page's address and the pid to kill.
            RealMain.Running running = server.awaitRunning();
            assertEquals(Duration.ofMillis(50), running.tickPeriod());
            assertEquals(server.process().pid(), running.pid(), "the pid on the running line");
            TestClient client = clients.connect(running.webSocketUri());
            await().atMost(Duration.ofSeconds(30)).until(() -> client.lastTickNumber() >= 3);
            worker = workerOf(server.process().toHandle())
                    .orElseThrow(() -> new AssertionError("the server has no worker; its log: " + server.lines()));
            String started = "Worker " + worker.pid() + " started: a second JVM, 5 ms of work per step, workers started so far: 1";
            List<String> log = server.lines();
            assertTrue(log.stream().anyMatch(line -> line.contains(started)), "-Dwork.ms=5 did not reach the game: " + log);

            server.process().destroyForcibly(); // SIGKILL
            assertTrue(server.process().waitFor(10, TimeUnit.SECONDS), "the server JVM survived SIGKILL");

            ProcessHandle orphan = worker;
            await("worker " + orphan.pid() + " to exit after its server was killed")
                    .atMost(Duration.ofSeconds(10)).until(() -> !orphan.isAlive());
        } finally {
            if (worker != null) {
                worker.destroyForcibly(); // when the test fails: leave no orphan on the machine
            }
        }
    }

    private static Optional<ProcessHandle> workerOf(ProcessHandle server) {
        return server.descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(HeavyWorker.class.getName()))
                .findFirst();
    }
}
