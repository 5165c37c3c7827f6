package gameloop.basic;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.testkit.RealMain;
import gameloop.testkit.TestClient;
import gameloop.testkit.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root README's run steps, through the real main in a JVM of its own: the line to wait for
 * (with the article's 2 s when -Dtick.ms is left out, and the pid to kill), and the stop that
 * SIGTERM (Ctrl+C's path) runs: a 1001 to the client, the goodbye, "Stopped.".
 */
@EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "Process.destroy() sends SIGTERM on Unix only")
class RunCommandTest {

    @TempDir
    Path logDirectory;

    @Test
    void theReadmesRunStepsHold() throws Exception {
        try (RealMain server = RealMain.start(logDirectory, BasicLoopServer.class, "-Dport=0");
                TestClients clients = new TestClients()) {
            RealMain.Running running = server.awaitRunning();
            assertEquals("01-basic-loop", running.example());
            assertEquals("127.0.0.1", running.page().getHost(), "the address it listens on by default");
            assertEquals(Duration.ofSeconds(2), running.tickPeriod(), "the article's period, with no -Dtick.ms");
            assertEquals(server.process().pid(), running.pid(), "the pid on the running line");
            TestClient client = clients.connect(running.webSocketUri());
            await().until(() -> client.lastTickNumber() >= 1); // the first tick, one 2 s period after the start

            server.process().destroy(); // SIGTERM: kill <pid>, the path Ctrl+C takes too

            assertTrue(server.process().waitFor(10, TimeUnit.SECONDS), "the server did not stop; its log: " + server.lines());
            assertEquals(1001, client.closed().get(5, TimeUnit.SECONDS).code());
            List<String> lines = server.lines();
            assertTrue(lines.stream().anyMatch(line -> line.matches(".*: Said goodbye to 1 player; it left within \\d+ ms")),
                    "the log: " + lines);
            assertTrue(lines.stream().anyMatch(line -> line.endsWith("gs1-shutdown: Stopped.")), "the log: " + lines);
        }
    }
}
