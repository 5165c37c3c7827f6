package gameloop.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * However the reactor ends, no socket it opened stays open: not one a callback opens while the
 * shutdown is closing the others (and a listener asked for then is refused), and not one whose
 * protocol was still being built when an Error ended the loop. Nor, while it runs, one that a
 * factory refused or failed to build a protocol for.
 */
class EveryChannelClosedTest {

    /** What an Error from buildProtocol leaves in the error log: the reactor's end, once. */
    private static final String BUILD_ERROR_LOGGED =
            "reactor failed, stopping it: java.lang.AssertionError: a bug in buildProtocol, on purpose";

    /** Twisted's ReconnectingClientFactory pattern: connect again whenever the connection is lost. */
    @Test
    void aFactoryThatReconnectsWhenTheShutdownClosesItsConnectionOpensNothingNew() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = (InetSocketAddress) server.getLocalSocketAddress();
            RecordingLog log = new RecordingLog();
            Reactor reactor = new Reactor("reconnecting-test", log);
            CountDownLatch made = new CountDownLatch(1);
            ClientFactory reconnecting = new ClientFactory() {
                @Override
                public Protocol buildProtocol(InetSocketAddress peer) {
                    return new Protocol() {
                        @Override
                        protected void connectionMade() {
                            made.countDown();
                        }
                    };
                }

                @Override
                public void clientConnectionLost(String reason) {
                    reactor.connectTCP(address, this);
                }
            };
            reactor.start();
            reactor.connectTCP(address, reconnecting);
            try (Socket first = server.accept()) {
                assertTrue(made.await(5, TimeUnit.SECONDS));

                reactor.stop();
                assertTrue(reactor.join(Duration.ofSeconds(5)), "the reactor thread ends");

                assertTrue(closedFromTheOtherEnd(first), "the first connection is closed");
                server.setSoTimeout(500);
                try (Socket second = server.accept()) {
                    assertTrue(closedFromTheOtherEnd(second), "a connection made during the shutdown is still open");
                } catch (SocketTimeoutException noneMade) {
                    // what should happen: nothing new was opened
                }
                log.awaitMessageStartingWith("not connecting to " + address + ": the reactor is stopping");
                assertEquals(List.of(), log.errors(), "a reconnect during the shutdown is no error");
            } finally {
                reactor.stop(); // also when an assertion failed early: the test owns this reactor
            }
        }
    }

    /** A callback that listens while the shutdown closes everything is told no, not handed the address of a closed socket. */
    @Test
    void listeningFromACallbackDuringTheShutdownIsRefused() throws Exception {
        RecordingLog log = new RecordingLog();
        Reactor reactor = new Reactor("listen-during-shutdown-test", log);
        CountDownLatch made = new CountDownLatch(1);
        AtomicReference<Object> listenedDuringShutdown = new AtomicReference<>();
        reactor.start();
        InetSocketAddress address = reactor.listenTCP(new InetSocketAddress("127.0.0.1", 0), peer -> new Protocol() {
            @Override
            protected void connectionMade() {
                made.countDown();
            }

            @Override
            protected void connectionLost(String reason) {
                try {
                    listenedDuringShutdown.set(reactor.listenTCP(new InetSocketAddress("127.0.0.1", 0), p -> null));
                } catch (IOException | RuntimeException e) {
                    listenedDuringShutdown.set(e);
                }
            }
        });
        try (Socket client = new Socket(address.getAddress(), address.getPort())) {
            assertTrue(made.await(5, TimeUnit.SECONDS));

            reactor.stop();
            assertTrue(reactor.join(Duration.ofSeconds(5)), "the reactor thread ends");

            Object outcome = listenedDuringShutdown.get();
            if (outcome instanceof InetSocketAddress bound) {
                assertFalse(listening(bound), "a listener opened during the shutdown is still open at " + bound);
            }
            assertInstanceOf(IllegalStateException.class, outcome, "listenTCP returned " + outcome);
            assertEquals(List.of(), log.errors(), "a refusal the callback handled is no error of the reactor's");
        } finally {
            reactor.stop();
        }
    }

    @Test
    void anErrorWhileBuildingAClientsProtocolStillClosesItsSocket() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RecordingLog log = new RecordingLog();
            Reactor reactor = new Reactor("client-build-error-test", log);
            reactor.start();
            reactor.connectTCP((InetSocketAddress) server.getLocalSocketAddress(), peer -> {
                throw new AssertionError("a bug in buildProtocol, on purpose");
            });
            try (Socket peer = server.accept()) {
                assertTrue(reactor.join(Duration.ofSeconds(5)), "an Error ends the reactor");
                assertEquals("a bug in buildProtocol, on purpose", reactor.failure().orElseThrow().getMessage());
                assertTrue(closedFromTheOtherEnd(peer), "the half-built connection is still open");
                assertEquals(List.of(BUILD_ERROR_LOGGED), log.errors());
            } finally {
                reactor.stop();
            }
        }
    }

    @Test
    void aClientFactoryThatBuildsNoProtocolClosesTheSocketAndHearsWhy() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RecordingLog log = new RecordingLog();
            Reactor reactor = new Reactor("client-no-protocol-test", log);
            reactor.start();
            CompletableFuture<String> failed = new CompletableFuture<>();
            reactor.connectTCP((InetSocketAddress) server.getLocalSocketAddress(), new ClientFactory() {
                @Override
                public Protocol buildProtocol(InetSocketAddress address) {
                    return null; // changed its mind
                }

                @Override
                public void clientConnectionFailed(String reason) {
                    failed.complete(reason);
                }
            });
            try (Socket peer = server.accept()) {
                assertEquals("the factory built no protocol", failed.get(5, TimeUnit.SECONDS));
                assertTrue(closedFromTheOtherEnd(peer), "the connection nobody serves is still open");
                assertEquals(List.of(), log.errors());
            } finally {
                reactor.stop();
                assertTrue(reactor.join(Duration.ofSeconds(5)), "the reactor thread ends");
            }
        }
    }

    @Test
    void anErrorWhileBuildingAnAcceptedConnectionsProtocolStillClosesItsSocket() throws Exception {
        RecordingLog log = new RecordingLog();
        Reactor reactor = new Reactor("server-build-error-test", log);
        reactor.start();
        InetSocketAddress address = reactor.listenTCP(new InetSocketAddress("127.0.0.1", 0), peer -> {
            throw new AssertionError("a bug in buildProtocol, on purpose");
        });
        try (Socket client = new Socket(address.getAddress(), address.getPort())) {
            assertTrue(reactor.join(Duration.ofSeconds(5)), "an Error ends the reactor");
            assertTrue(closedFromTheOtherEnd(client), "the accepted connection is still open");
            assertEquals(List.of(BUILD_ERROR_LOGGED), log.errors());
        } finally {
            reactor.stop();
        }
    }

    /** ServerFactory's promise: return null to refuse a peer, and its socket is closed. */
    @Test
    void aServerFactoryThatRefusesAPeerClosesItsSocket() throws Exception {
        RecordingLog log = new RecordingLog();
        Reactor reactor = new Reactor("server-refuses-test", log);
        reactor.start();
        InetSocketAddress address = reactor.listenTCP(new InetSocketAddress("127.0.0.1", 0), peer -> null);
        try (Socket client = new Socket(address.getAddress(), address.getPort())) {
            assertTrue(closedFromTheOtherEnd(client), "the refused connection is still open");
            assertEquals(List.of(), log.errors(), "a refusal is no error");
        } finally {
            reactor.stop();
            assertTrue(reactor.join(Duration.ofSeconds(5)), "the reactor thread ends");
        }
    }

    /** A bug (an exception, not an Error) in a server's buildProtocol costs that connection only, and is logged. */
    @Test
    void aServerFactoryThatThrowsLosesThatConnectionOnlyAndTheErrorIsLogged() throws Exception {
        RecordingLog log = new RecordingLog();
        Reactor reactor = new Reactor("server-build-throws-test", log);
        reactor.start();
        AtomicInteger built = new AtomicInteger(); // reactor thread only; an AtomicInteger since a lambda cannot change a local
        InetSocketAddress address = reactor.listenTCP(new InetSocketAddress("127.0.0.1", 0), peer -> {
            if (built.getAndIncrement() == 0) {
                throw new IllegalStateException("a bug in buildProtocol, on purpose");
            }
            return new LineReceiver(100) {
                @Override
                protected void lineReceived(String line) {
                    sendLine("echo " + line);
                }
            };
        });
        try (Socket first = new Socket(address.getAddress(), address.getPort());
                LineSocket next = LineSocket.connect(address.getPort())) {
            assertTrue(closedFromTheOtherEnd(first), "the connection whose protocol failed is still open");
            next.sendLine("hi");
            assertEquals("echo hi", next.readLine(), "the listener serves the next peer");
            assertEquals(1, log.errors().size(), log.errors().toString());
            assertTrue(log.errors().get(0).contains("a bug in buildProtocol, on purpose"), log.errors().toString());
        } finally {
            reactor.stop();
            assertTrue(reactor.join(Duration.ofSeconds(5)), "the reactor thread ends");
        }
    }

    /** The same bug in a client's buildProtocol: the socket is closed and the factory hears why. */
    @Test
    void aClientFactoryWhoseBuildProtocolThrowsHearsWhyAndTheSocketCloses() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            RecordingLog log = new RecordingLog();
            Reactor reactor = new Reactor("client-build-throws-test", log);
            reactor.start();
            CompletableFuture<String> failed = new CompletableFuture<>();
            reactor.connectTCP((InetSocketAddress) server.getLocalSocketAddress(), new ClientFactory() {
                @Override
                public Protocol buildProtocol(InetSocketAddress address) {
                    throw new IllegalStateException("a bug in buildProtocol, on purpose");
                }

                @Override
                public void clientConnectionFailed(String reason) {
                    failed.complete(reason);
                }
            });
            try (Socket peer = server.accept()) {
                String reason = failed.get(5, TimeUnit.SECONDS);
                assertTrue(reason.startsWith("buildProtocol failed: java.lang.IllegalStateException"), reason);
                assertTrue(closedFromTheOtherEnd(peer), "the connection nobody serves is still open");
                assertEquals(1, log.errors().size(), log.errors().toString());
                assertTrue(reactor.isAlive(), "an exception, unlike an Error, leaves the reactor running");
            } finally {
                reactor.stop();
                assertTrue(reactor.join(Duration.ofSeconds(5)), "the reactor thread ends");
            }
        }
    }

    private static boolean listening(InetSocketAddress address) {
        try (Socket probe = new Socket(address.getAddress(), address.getPort())) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /** True if the other end closed: end of stream, or a reset, within 2 s. */
    private static boolean closedFromTheOtherEnd(Socket socket) throws IOException {
        socket.setSoTimeout(2000);
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
