package gameloop.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.Game;
import gameloop.shared.GameServer;
import gameloop.shared.ServerSettings;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The usual first-run mistake, a port already taken, gets one line that says what to do, not
 * Jetty's fifty lines of stack trace; so does a {@code -Dhost} that is not this machine's.
 */
class CannotListenTest {

    private static final Game.Factory IDLE_GAME = context -> new Game() {
        @Override
        public void close() {
        }
    };

    @Test
    void aPortInUseIsSaidInOneLineThatNamesTheWayOut() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ServerSettings settings = new ServerSettings("port-in-use", "127.0.0.1", taken.getLocalPort(), Duration.ofSeconds(1));

            GameServer.CannotListen failure = assertThrows(GameServer.CannotListen.class,
                    () -> GameServer.runUntilShutdown(settings, IDLE_GAME));

            String message = failure.getMessage();
            assertTrue(message.startsWith("Cannot listen on 127.0.0.1 port " + taken.getLocalPort() + ": "), message);
            assertTrue(message.contains("in use") && message.contains("choose another port with -Dport="), message);
            assertEquals(0, failure.getStackTrace().length, "a stack trace would bury the message");
            assertNull(failure.getCause());
        }
    }

    @Test
    void aHostThatIsNotThisMachinesIsSaidInOneLineToo() {
        // 192.0.2.0/24 is reserved for documentation (RFC 5737): no machine has an address in it.
        ServerSettings settings = new ServerSettings("foreign-host", "192.0.2.1", 0, Duration.ofSeconds(1));

        GameServer.CannotListen failure = assertThrows(GameServer.CannotListen.class,
                () -> GameServer.runUntilShutdown(settings, IDLE_GAME));

        assertTrue(failure.getMessage().startsWith("Cannot listen on 192.0.2.1 port 0: "), failure.getMessage());
        assertTrue(failure.getMessage().endsWith("is -Dhost an address of this machine?"), failure.getMessage());
    }
}
