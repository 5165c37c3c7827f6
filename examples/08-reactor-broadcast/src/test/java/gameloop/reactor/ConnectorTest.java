package gameloop.reactor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A connect that does not succeed is told to its factory, exactly once, whatever stops it: an
 * address that does not resolve, no answer within the timeout, or the reactor stopping first.
 */
class ConnectorTest {

    private static final AtomicInteger REACTORS = new AtomicInteger();

    private final RecordingLog log = new RecordingLog();
    private final List<Socket> fillers = new ArrayList<>();
    private final CallsHeard factory = new CallsHeard();
    private Reactor reactor;

    @BeforeEach
    void start() throws IOException {
        reactor = new Reactor("connector-test-" + REACTORS.incrementAndGet(), log);
        reactor.start();
    }

    @AfterEach
    void stop() throws Exception {
        reactor.stop();
        assertTrue(reactor.join(Duration.ofSeconds(10)), "the reactor thread ends");
        for (Socket filler : fillers) {
            filler.close();
        }
        assertEquals(List.of(), log.errors());
    }

    /** What a mistyped -Dhost gives the client: a failure it hears at once, not a hang. */
    @Test
    void anAddressThatDoesNotResolveIsAFailedConnection() throws Exception {
        reactor.connectTCP(InetSocketAddress.createUnresolved("no-such-host.invalid", 8007), factory);

        assertEquals("UnresolvedAddressException", factory.failed.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("startedConnecting", "clientConnectionFailed"), factory.calls);
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "relies on Linux ignoring a SYN when the accept queue is full")
    void aConnectNobodyAnswersFailsWhenItsTimeoutIsOver() throws Exception {
        try (ServerSocket deaf = deafListener()) {
            InetSocketAddress address = (InetSocketAddress) deaf.getLocalSocketAddress();
            // The reactor's own timeout is 10 s; the connector takes another, for the test's sake.
            reactor.callFromThread(() -> Connector.connect(reactor, address, factory, Duration.ofSeconds(1)));

            assertEquals("no answer within 1 s", factory.failed.get(10, TimeUnit.SECONDS));
            assertEquals(List.of("startedConnecting", "clientConnectionFailed"), factory.calls);
        }
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "relies on Linux ignoring a SYN when the accept queue is full")
    void aConnectStillPendingWhenTheReactorStopsFailsWithThatReason() throws Exception {
        try (ServerSocket deaf = deafListener()) {
            reactor.connectTCP((InetSocketAddress) deaf.getLocalSocketAddress(), factory);
            await().atMost(Duration.ofSeconds(10)).until(() -> factory.calls.contains("startedConnecting"));

            reactor.stop();

            assertTrue(reactor.join(Duration.ofSeconds(10)));
            assertEquals("reactor stopped", factory.failed.getNow("not told"));
            assertEquals(List.of("startedConnecting", "clientConnectionFailed"), factory.calls);
        }
    }

    /**
     * A listener that never accepts, with its accept queue full: Linux then ignores a new SYN
     * (the client's kernel sends it again, later), so a connect to it neither succeeds nor is
     * refused, as when a host does not answer at all.
     */
    private ServerSocket deafListener() throws IOException {
        ServerSocket deaf = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        for (int i = 0; i < 20; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(deaf.getLocalSocketAddress(), 1000);
                fillers.add(filler);
            } catch (SocketTimeoutException full) {
                filler.close();
                return deaf;
            }
        }
        deaf.close();
        throw new AssertionError("the accept queue never filled");
    }

    /** A client factory that notes which of its callbacks were called, in order. */
    private static final class CallsHeard implements ClientFactory {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> failed = new CompletableFuture<>();

        @Override
        public void startedConnecting(InetSocketAddress address) {
            calls.add("startedConnecting");
        }

        @Override
        public Protocol buildProtocol(InetSocketAddress address) {
            calls.add("buildProtocol");
            return new Protocol() { };
        }

        @Override
        public void clientConnectionFailed(String reason) {
            calls.add("clientConnectionFailed");
            failed.complete(reason);
        }

        @Override
        public void clientConnectionLost(String reason) {
            calls.add("clientConnectionLost");
        }
    }
}
