package gameloop.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.CannotListen;
import gameloop.shared.Game;
import gameloop.shared.GameServer;
import gameloop.shared.ServerSettings;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The usual first-run mistake, a port already taken, for real: {@code runUntilShutdown} ends at
 * once with one line that says what to do (shared-client's CannotListenTest covers the other
 * causes), instead of Jetty's fifty lines of stack trace.
 */
class CannotListenTest {

    @Test
    void aPortInUseEndsTheStartWithOneLineThatNamesTheWayOut() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            ServerSettings settings = new ServerSettings("port-in-use", "127.0.0.1", taken.getLocalPort(), Duration.ofSeconds(1));
            Game.Factory idleGame = context -> new Game() {
                @Override
                public void close() {
                }
            };

            assertTheBindFails(settings);
            // Preemptive: should the bind ever succeed, the server would run until stopped.
            CannotListen failure = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> assertThrows(CannotListen.class, () -> GameServer.runUntilShutdown(settings, idleGame)));

            String message = failure.getMessage();
            assertTrue(message.startsWith("Cannot listen on 127.0.0.1 port " + taken.getLocalPort() + ": "), message);
            assertTrue(message.endsWith("stop it, or choose another port with -Dport="), message);
        }
    }

    /** The stop that follows a failed start does not say "Stopped." as if the server had run. */
    @Test
    void theStopAfterAFailedStartSaysTheStartFailed() throws Exception {
        ServerLog.capture();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            ServerSettings settings = new ServerSettings("port-in-use", "127.0.0.1", taken.getLocalPort(), Duration.ofSeconds(1));
            assertTheBindFails(settings);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            // A thread of the test's own naming: the stop's line is logged on the thread that started.
            Thread starter = new Thread(() -> {
                try {
                    GameServer.runUntilShutdown(settings, context -> new Game() {
                        @Override
                        public void close() {
                        }
                    });
                } catch (Throwable e) {
                    thrown.set(e);
                }
            }, "failed-start-test-starter");
            starter.start();
            starter.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(starter.isAlive(), "the start did not fail within 30 s");

            assertInstanceOf(CannotListen.class, thrown.get());
            List<String> lines = ServerLog.ofThreadsNamed("failed-start-test-starter");
            assertTrue(lines.contains("The start failed; stopped what had started."), "the log: " + lines);
            assertFalse(lines.contains("Stopped."), "the log: " + lines);
        }
    }

    /**
     * Checked first with start(), whose server the test can close: runUntilShutdown's cannot be
     * stopped from here, so a bind that succeeded there would leave a server running, with its
     * threads and its port, for the rest of the test JVM.
     */
    private static void assertTheBindFails(ServerSettings settings) {
        Exception failed = assertThrows(Exception.class, () -> GameServer.start(settings, context -> () -> { }).close(),
                "a port already in use could be bound");
        for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return;
            }
        }
        throw new AssertionError("the start failed, but not on the bind", failed);
    }
}
