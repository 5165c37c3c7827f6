package gameloop.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.GameServer;
import gameloop.shared.ServerSettings;
import gameloop.testkit.Threads;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stop measurement's players: each is counted once, with how its connection ended. */
class StopUnderLoadTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private GameServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyPlayerIsCountedWithTheGoodbyeItGot() throws Exception {
        server = GameServer.start(ServerSettings.forTest("stop-under-load-test", Duration.ofMillis(20)),
                context -> new TestGame(context, true));
        String threads;
        try (StopUnderLoad.Players players = StopUnderLoad.Players.connect(server.webSocketUri(), 50, QUIET)) {
            threads = players.threadNamePrefix();
            assertEquals(50, server.players().count());
            long stopping = System.nanoTime();

            server.close(); // what the SIGTERM's shutdown hook runs

            StopUnderLoad.Ends ends = players.awaitEnds(Duration.ofSeconds(10));
            assertEquals(Map.of("the server closed it: 1001 server shutting down", 50), ends.count());
            assertTrue(ends.last() > stopping, "the last end came before the stop");
        }
        Threads.assertNoneLeft(threads, Duration.ofSeconds(5));
    }

    @Test
    void aProcessRunsUntilItHasExited() throws Exception {
        assertTrue(StopUnderLoad.runs(ProcessHandle.current()));
        Process child = new ProcessBuilder(javaCommand(), "-version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        child.waitFor();
        assertFalse(StopUnderLoad.runs(child.toHandle()));
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    void aPlayerThatCannotConnectFailsTheMeasurement() throws Exception {
        server = GameServer.start(ServerSettings.forTest("stop-under-load-test", Duration.ofMillis(20)),
                context -> new TestGame(context, true));
        URI nothingThere = server.webSocketUri().resolve("/nothing-here"); // a 404, not an upgrade
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> StopUnderLoad.Players.connect(nothingThere, 3, QUIET));
        assertTrue(failed.getMessage().startsWith("3 of 3 players could not connect; the first failure: "), failed.getMessage());
    }
}
