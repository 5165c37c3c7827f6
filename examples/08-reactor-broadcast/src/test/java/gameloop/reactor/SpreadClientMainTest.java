package gameloop.reactor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.reactor.RunningMain.Run;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client's {@code main} in a JVM of its own: what a learner sees after a typo, that
 * the process ends by itself when no server answers or when its input ends, and that Ctrl+C
 * closes its connection in order.
 */
class SpreadClientMainTest extends ServerTestSupport {

    @Test
    void aMistypedCommandLineSaysWhatIsWrongAndExitsWith2() throws Exception {
        Run unknownOption = runClient(List.of(), List.of("--bogus"), "");
        assertEquals(new Run(2, "usage: SpreadClient [--hello] [NAME], got: --bogus"), unknownOption);

        Run badPeriod = runClient(List.of("-Dhello.seconds=0"), List.of("--hello"), "");
        assertEquals(new Run(2, "-Dhello.seconds must be a whole number of seconds from 1 to 86400, got '0'"), badPeriod);
    }

    @Test
    void withNoServerItSaysSoAndEnds() throws Exception {
        try (Socket portHolder = new Socket()) {
            portHolder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)); // bound, not listening: refused
            Run run = runClient(List.of("-Dport=" + portHolder.getLocalPort()), List.of("alice"), "");

            assertEquals(0, run.exitCode(), run.output());
            assertTrue(run.output().contains("clientConnectionFailed: Connection refused"), run.output());
        }
    }

    /** Input from a pipe, as `printf 'hi\n' | mvn ... exec:java` gives it: sent, then the client hangs up and exits. */
    @Test
    void itSendsWhatIsTypedAndEndsWhenTheInputEnds() throws Exception {
        SpreadServer server = startServer();
        LineSocket other = join(server, 1);

        Run run = runClient(List.of("-Dport=" + server.port()), List.of("alice"), "hello from a pipe\n");

        assertEquals("hello from a pipe", other.readLine());
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("end of input: hanging up"), run.output());
        log.awaitMessageStartingWith("lost #2");
    }

    /**
     * Ctrl+C or a SIGTERM: the shutdown hook stops the reactor, which closes the connection itself
     * and reports it, before the JVM ends (without the hook the JVM would end with the socket
     * still open, and the kernel would close it unseen).
     */
    @Test
    void aSigtermClosesTheConnectionThroughTheReactorBeforeTheJvmEnds() throws Exception {
        SpreadServer server = startServer();
        try (RunningMain client = RunningMain.start(SpreadClient.class, List.of("-Dport=" + server.port()), List.of("alice"))) {
            // Its own side of the connect too: the server can accept before the client hears of it.
            log.awaitMessageStartingWith("connected #1");
            await().until(() -> client.printedSoFar().contains("connectionMade"));

            // SIGTERM, which runs the shutdown hooks as Ctrl+C's SIGINT does. Through the handle:
            // Process.destroy() would also close our end of its output, losing what it prints next.
            client.process.toHandle().destroy();

            Run run = client.awaitEnd();
            assertEquals(143, run.exitCode(), run.output()); // 128 + 15: ended by SIGTERM
            assertTrue(run.output().contains("clientConnectionLost: reactor stopped"), run.output());
            log.awaitMessageStartingWith("lost #1");
        }
    }

    /** Runs SpreadClient's main with {@code input} on its stdin, then the end of input. */
    private static Run runClient(List<String> properties, List<String> args, String input) throws Exception {
        try (RunningMain client = RunningMain.start(SpreadClient.class, properties, args)) {
            try (OutputStream stdin = client.process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            } catch (IOException exitedAlready) {
                // a client that refused its command line may be gone before its input is written
            }
            return client.awaitEnd();
        }
    }
}
