package gameloop.reactor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.reactor.RunningMain.Run;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The server's {@code main} in a JVM of its own: what a learner sees when it cannot
 * start, and that Ctrl+C closes every connection through the reactor before the JVM ends.
 */
class SpreadServerMainTest {

    private static final Pattern LISTENING = Pattern.compile("listening on /127\\.0\\.0\\.1:(\\d+)");

    /**
     * The shutdown hook goes in before the start and waits up to 5 s for it; a start that fails
     * must let it go at once, or every typo would cost a learner 5 s.
     */
    @Test
    void aBadPortSaysWhatIsWrongAndExitsWith2AtOnce() throws Exception {
        try (RunningMain server = RunningMain.start(SpreadServer.class, List.of("-Dport=80800"), List.of())) {
            assertEquals(new Run(2, "cannot start the server: -Dport must be a whole number from 0 to 65535, got '80800'"),
                    awaitEndSoonAfterTheFailure(server));
        }
    }

    @Test
    void aPortInUseSaysSoAndExitsWith2AtOnce() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            try (RunningMain server = RunningMain.start(SpreadServer.class, List.of("-Dport=" + taken.getLocalPort()), List.of())) {
                Run run = awaitEndSoonAfterTheFailure(server);

                assertEquals(2, run.exitCode(), run.output());
                // (after the reactor's own start and stop: it runs before the listener binds)
                assertTrue(run.output().endsWith("\ncannot start the server: Address already in use"), run.output());
            }
        }
    }

    /**
     * SIGTERM runs the shutdown hooks as Ctrl+C's SIGINT does: the hook asks the reactor to stop,
     * the reactor thread closes the client's socket, and only then does the JVM end.
     */
    @Test
    void aSigtermClosesEveryConnectionThroughTheReactorBeforeTheJvmEnds() throws Exception {
        try (RunningMain server = RunningMain.start(SpreadServer.class, List.of("-Dport=0"), List.of())) {
            int port = await("the server to say where it listens").atMost(Duration.ofSeconds(30))
                    .until(() -> LISTENING.matcher(server.printedSoFar()), Matcher::find).group(1).transform(Integer::parseInt);
            try (LineSocket client = LineSocket.connect(port)) {
                assertTrue(client.readLine().startsWith("welcome"));

                // Through the handle: Process.destroy() would also close our end of its output.
                server.process.toHandle().destroy();

                assertTrue(client.closedByServer(), "the client's connection was closed");
                Run run = server.awaitEnd();
                assertEquals(143, run.exitCode(), run.output()); // 128 + 15: ended by SIGTERM
                assertTrue(run.output().contains("[spreader-shutdown] shutting down"), run.output());
                assertTrue(run.output().contains("lost #1: reactor stopped"), run.output());
                assertTrue(run.output().endsWith("reactor stopped"), run.output());
            }
        }
    }

    /**
     * A failed start lets the hook go at once: from the failure's message to the JVM's end, well
     * under the hook's 5 s wait. Timed from the message, not from the launch, so that a JVM slow
     * to start on a busy machine does not count.
     */
    private static Run awaitEndSoonAfterTheFailure(RunningMain server) throws Exception {
        await("the failed start to be reported").atMost(Duration.ofSeconds(30))
                .until(() -> server.printedSoFar().contains("cannot start the server"));
        long reported = System.nanoTime();
        Run run = server.awaitEnd();
        Duration took = Duration.ofNanos(System.nanoTime() - reported);
        assertTrue(took.compareTo(Duration.ofSeconds(4)) < 0, "the hook waited for a start that had failed: " + took);
        return run;
    }
}
