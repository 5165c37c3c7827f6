package gameloop.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.Game;
import gameloop.shared.GameServer;
import gameloop.shared.ServerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl+C (or SIGTERM) can come while the server is still starting: Jetty binding its port, the
 * game starting its threads or its worker. The stop must still be the orderly one, after the
 * start has ended, so that it finds everything that started. This runs the real
 * {@code runUntilShutdown} in a JVM of its own, whose game takes a while to start, and signals
 * it in the middle.
 */
@EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "Process.destroy() sends SIGTERM on Unix only")
class SignalDuringStartTest {

    @TempDir
    Path logDirectory;

    @Test
    void aSignalWhileTheGameStartsStillGetsTheOrderlyStop() throws Exception {
        try (RealMain server = RealMain.start(logDirectory, SlowStartingServer.class, "-Dport=0")) {
            server.awaitLine(Pattern.compile(Pattern.quote(SlowStartingServer.STARTING)));

            server.process().destroy(); // SIGTERM, as kill or a service manager sends it; Ctrl+C's SIGINT takes the same path

            // The stop waits for the start to end (2 s here), not for its 10 s limit on that wait.
            assertTrue(server.process().waitFor(8, TimeUnit.SECONDS), "the server did not stop soon after its start ended; its log: "
                    + server.lines());
            assertEquals(143, server.process().exitValue(), "128 + SIGTERM; its log: " + server.lines());
            List<String> lines = server.lines();
            int started = lines.indexOf(SlowStartingServer.STARTED);
            int stopping = lines.indexOf(SlowStartingServer.STOPPING);
            assertTrue(started >= 0 && stopping > started, "the start ended, then the game stopped; the log: " + lines);
            assertTrue(lines.stream().anyMatch(line -> line.endsWith("gs1-shutdown: Stopped.")), "the log: " + lines);
            assertTrue(lines.stream().noneMatch(line -> line.contains("The start has not ended")), "the log: " + lines);
        }
    }

    /** A server whose game takes 2 s to start: time for a signal to come in the middle of it. */
    public static final class SlowStartingServer {

        static final String STARTING = "the game is starting";
        static final String STARTED = "the game has started";
        static final String STOPPING = "the game is stopping";

        public static void main(String[] args) throws Exception {
            GameServer.runUntilShutdown(ServerSettings.fromSystemProperties("slow-start", Duration.ofSeconds(1)),
                    context -> new Game() {
                        @Override
                        public void start() {
                            System.out.println(STARTING);
                            try {
                                Thread.sleep(2000);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            System.out.println(STARTED);
                        }

                        @Override
                        public void close() {
                            System.out.println(STOPPING);
                        }
                    });
        }
    }
}
