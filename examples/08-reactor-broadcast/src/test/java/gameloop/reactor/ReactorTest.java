package gameloop.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reactor's own rules: who may call what from where, timers, and a protocol that throws. */
class ReactorTest {

    private static final AtomicInteger REACTORS = new AtomicInteger();

    private final RecordingLog log = new RecordingLog();
    /** Unique, since the tests run in parallel: a thread name then says which test's reactor it is. */
    private final String name = "reactor-test-" + REACTORS.incrementAndGet();
    /** Errors a test provokes on purpose; any other error in the log fails it. */
    private int expectedErrors;
    private Reactor reactor;

    @BeforeEach
    void start() throws IOException {
        reactor = new Reactor(name, log);
        reactor.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        reactor.stop();
        assertTrue(reactor.join(Duration.ofSeconds(10)), "the reactor thread ends");
        assertEquals(expectedErrors, log.errors().size(), "errors logged: " + log.errors());
        assertTrue(reactor.failure().isEmpty(), "the reactor failed: " + reactor.failure());
    }

    @Test
    void callFromThreadRunsTheTaskOnTheReactorThread() throws Exception {
        CompletableFuture<String> ranOn = new CompletableFuture<>();
        reactor.callFromThread(() -> ranOn.complete(Thread.currentThread().getName()));
        assertEquals(name, ranOn.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aDelayedCallRunsOnTheReactorThreadNoSoonerThanAskedAndACancelledOneNever() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CompletableFuture<Long> waitedNanos = new CompletableFuture<>();
        reactor.callFromThread(() -> {
            long start = System.nanoTime();
            reactor.callLater(Duration.ofMillis(5), () -> ran.add("cancelled")).cancel();
            reactor.callLater(Duration.ofMillis(20), () -> {
                ran.add(Thread.currentThread().getName());
                waitedNanos.complete(System.nanoTime() - start);
            });
        });
        long waited = waitedNanos.get(10, TimeUnit.SECONDS);
        assertTrue(waited >= Duration.ofMillis(20).toNanos(), "ran after " + waited + " ns");
        assertEquals(List.of(name), ran);
    }

    /** Twisted's promise: a cancelled call does not happen, even if it was due in the same turn. */
    @Test
    void aCallCancelledByAnEarlierCallOfTheSameTurnDoesNotRun() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        reactor.callFromThread(() -> {
            DelayedCall[] second = new DelayedCall[1];
            reactor.callLater(Duration.ZERO, () -> {
                ran.add("first");
                second[0].cancel();
            });
            second[0] = reactor.callLater(Duration.ZERO, () -> ran.add("second"));
            reactor.callLater(Duration.ofMillis(20), () -> done.complete(null));
        });
        done.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("first"), ran);
    }

    @Test
    void callLaterFromAnotherThreadIsRefusedWithAHint() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> reactor.callLater(Duration.ZERO, () -> { }));
        assertTrue(refused.getMessage().contains("use callFromThread"), refused.getMessage());
    }

    @Test
    void aTransportUsedFromAnotherThreadRefusesAndTheConnectionCarriesOn() throws Exception {
        CompletableFuture<Transport> leaked = new CompletableFuture<>();
        InetSocketAddress address = listen(peer -> new LineReceiver(100) {
            @Override
            protected void connectionMade() {
                leaked.complete(transport()); // a transport escaping its thread: the mistake under test
            }

            @Override
            protected void lineReceived(String line) {
                sendLine("echo " + line);
            }
        });
        try (LineSocket client = LineSocket.connect(address.getPort())) {
            Transport transport = leaked.get(10, TimeUnit.SECONDS);
            assertThrows(IllegalStateException.class, () -> transport.write(new byte[] {'x'}));
            client.sendLine("still fine");
            assertEquals("echo still fine", client.readLine());
        }
    }

    @Test
    void aProtocolThatThrowsLosesItsOwnConnectionOnly() throws Exception {
        InetSocketAddress address = listen(peer -> new LineReceiver(100) {
            @Override
            protected void lineReceived(String line) {
                if (line.equals("boom")) {
                    throw new IllegalStateException("a bug in the protocol");
                }
                sendLine("echo " + line);
            }
        });
        try (LineSocket victim = LineSocket.connect(address.getPort());
             LineSocket bystander = LineSocket.connect(address.getPort())) {
            victim.sendLine("boom");
            assertTrue(victim.closedByServer());
            bystander.sendLine("hello");
            assertEquals("echo hello", bystander.readLine());
        }
        expectedErrors = 1;
        assertEquals(1, log.errors().size(), "the error is logged, not swallowed");
        assertTrue(log.errors().get(0).contains("a bug in the protocol"), log.errors().toString());
        assertTrue(reactor.isAlive());
    }

    @Test
    void afterStopNoTaskIsAcceptedAndTheThreadIsGone() throws Exception {
        reactor.stop();
        assertTrue(reactor.join(Duration.ofSeconds(10)));
        assertFalse(reactor.isAlive());
        assertThrows(RejectedExecutionException.class, () -> reactor.callFromThread(() -> { }));
        assertTrue(reactor.failure().isEmpty());
    }

    @Test
    void aFailingTaskIsLoggedAndTheReactorGoesOn() throws Exception {
        reactor.callFromThread(() -> {
            throw new IllegalArgumentException("task bug");
        });
        AtomicReference<String> after = new AtomicReference<>();
        CompletableFuture<Void> ran = new CompletableFuture<>();
        reactor.callFromThread(() -> {
            after.set("ran");
            ran.complete(null);
        });
        ran.get(10, TimeUnit.SECONDS);
        assertEquals("ran", after.get());
        expectedErrors = 1;
        assertEquals(1, log.errors().size());
    }

    private InetSocketAddress listen(ServerFactory factory) throws IOException {
        return reactor.listenTCP(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), factory);
    }
}
