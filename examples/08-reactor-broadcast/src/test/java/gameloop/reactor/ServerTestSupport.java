package gameloop.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;

/**
 * A real server on port 0 per test, real sockets to it, and after each test: everything closed,
 * the reactor thread gone, and nothing in the error log. A test that provokes an error on
 * purpose calls {@link #expectErrors}: the error log is then not checked here, and the test
 * checks it itself.
 */
abstract class ServerTestSupport {

    final RecordingLog log = new RecordingLog();
    private final List<LineSocket> sockets = new ArrayList<>();
    private final List<SpreadServer> servers = new ArrayList<>();
    private boolean errorsExpected;

    SpreadServer startServer(SpreadServer.Settings settings) throws IOException {
        return startServer(settings, log);
    }

    /** A server that logs to {@code serverLog}, which should pass what it gets on to {@link #log}. */
    SpreadServer startServer(SpreadServer.Settings settings, Log serverLog) throws IOException {
        SpreadServer server = SpreadServer.start(settings.withPort(0), serverLog);
        servers.add(server);
        return server;
    }

    SpreadServer startServer() throws IOException {
        return startServer(SpreadServer.Settings.defaults());
    }

    /**
     * Nothing listens on {@code port} any more: it can be bound again. The port came from the
     * system's ephemeral range, so another test's outgoing connection may have taken the same
     * number meanwhile, and the bind then fails; a connection refused there shows just as well
     * that no server is left on it.
     */
    static void assertNothingListensOn(int port) throws IOException {
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort());
        } catch (BindException taken) {
            try (Socket connected = new Socket(InetAddress.getLoopbackAddress(), port)) {
                throw new AssertionError("port " + port + " still accepts connections", taken);
            } catch (ConnectException refused) {
                // nobody listens: the number is held by a connection, not by a server
            }
        }
    }

    /** Connects and checks the greeting: client number {@code expectedId}. */
    LineSocket join(SpreadServer server, int expectedId) throws IOException {
        LineSocket socket = connect(server);
        assertEquals(Spreader.greeting(expectedId), socket.readLine());
        return socket;
    }

    LineSocket connect(SpreadServer server) throws IOException {
        LineSocket socket = LineSocket.connect(server.port());
        sockets.add(socket);
        return socket;
    }

    LineSocket track(LineSocket socket) {
        sockets.add(socket);
        return socket;
    }

    void expectErrors() {
        errorsExpected = true;
    }

    @AfterEach
    void closeEverything() {
        // Everything is closed even if something fails to: one stuck server must not leave the
        // next one's reactor thread running. The failures are reported together afterwards.
        List<Exception> failures = new ArrayList<>();
        for (LineSocket socket : sockets) {
            try {
                socket.close();
            } catch (IOException | RuntimeException e) {
                failures.add(e);
            }
        }
        for (SpreadServer server : servers) {
            try {
                server.close(); // throws if the reactor thread does not end
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            IllegalStateException closing = new IllegalStateException("could not close everything the test opened");
            failures.forEach(closing::addSuppressed);
            throw closing;
        }
        if (!errorsExpected) {
            assertEquals(List.of(), log.errors(), "errors logged");
        }
    }
}
