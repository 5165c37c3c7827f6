package gameloop.reactor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reactor's own rules: who may call what from where, timers, and a protocol that throws. */
class ReactorTest {

    private static final AtomicInteger REACTORS = new AtomicInteger();

    // The race between callFromThread and stop: rounds (one stop each), and threads sending tasks.
    private static final int RACE_ROUNDS = 10;
    private static final int SUBMITTERS = 4;
    /** Tasks that must have run before the test holds the reactor thread and stops it: submitters well under way. */
    private static final long WARM_UP_TASKS = 20_000;
    /**
     * Before the stop, submitters wait while more than this many accepted tasks have not run, so
     * the queue stays small.
     */
    private static final long MAX_IN_FLIGHT = 10_000;

    private final RecordingLog log = new RecordingLog();
    /** Unique, since the tests run in parallel: a thread name then says which test's reactor it is. */
    private final String name = "reactor-test-" + REACTORS.incrementAndGet();
    /** Errors a test provokes on purpose; any other error in the log fails it. */
    private int expectedErrors;
    /** Set by a test that makes the reactor fail on purpose. */
    private boolean failureExpected;
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
        if (!failureExpected) {
            assertTrue(reactor.failure().isEmpty(), "the reactor failed: " + reactor.failure());
        }
    }

    /** An Error, which the reactor's guards do not catch: it ends the reactor. */
    private static final class Fatal extends Error {
        Fatal(String message) {
            super(message);
        }
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

    /** A timer meant as "never" (for a connection that may idle for ever, say) holds up no other timer. */
    @Test
    void aTimerForEverHoldsUpNoOtherAndAFarTooLongOneIsNoError() throws Exception {
        CompletableFuture<Void> soon = new CompletableFuture<>();
        reactor.callFromThread(() -> {
            reactor.callLater(Duration.ofNanos(Long.MAX_VALUE), () -> soon.completeExceptionally(new AssertionError("ran")));
            reactor.callLater(Duration.ofSeconds(Long.MAX_VALUE), () -> soon.completeExceptionally(new AssertionError("ran")));
            reactor.callLater(Duration.ofMillis(20), () -> soon.complete(null));
        });
        soon.get(10, TimeUnit.SECONDS);
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

    /** An Error ends the reactor, but the tasks accepted with the one that threw still run, in the shutdown. */
    @Test
    void tasksAcceptedBesideOneThatEndsTheReactorStillRun() throws Exception {
        CountDownLatch release = ReactorHold.holdTheThread(reactor); // so the next two come in one batch
        Fatal fatal = new Fatal("fatal, on purpose");
        AtomicBoolean nextRan = new AtomicBoolean();
        reactor.callFromThread(() -> {
            throw fatal;
        });
        reactor.callFromThread(() -> nextRan.set(true));

        release.countDown();

        assertTrue(reactor.join(Duration.ofSeconds(10)));
        assertSame(fatal, reactor.failure().orElseThrow());
        assertTrue(nextRan.get(), "a task accepted in the same batch as the fatal one was dropped");
        failureExpected = true;
        expectedErrors = 1; // "reactor failed, stopping it"
    }

    /** On the way out even an Error from a protocol is logged, and every other socket still closes. */
    @Test
    void theShutdownClosesEverySocketEvenIfAProtocolThrowsAnErrorOnTheWayOut() throws Exception {
        InetSocketAddress address = listen(peer -> new LineReceiver(100) {
            @Override
            protected void lineReceived(String line) {
                sendLine("echo " + line);
            }

            @Override
            protected void connectionLost(String reason) {
                throw new Fatal("a protocol that fails as it is told goodbye");
            }
        });
        try (LineSocket a = LineSocket.connect(address.getPort());
             LineSocket b = LineSocket.connect(address.getPort())) {
            a.sendLine("hi");
            b.sendLine("hi");
            assertEquals("echo hi", a.readLine());
            assertEquals("echo hi", b.readLine());

            reactor.stop();

            assertTrue(reactor.join(Duration.ofSeconds(10)));
            assertTrue(a.closedByServer());
            assertTrue(b.closedByServer());
        }
        expectedErrors = 2; // one per connection: "closing a channel at shutdown failed"
    }

    @Test
    void callLaterFromAnotherThreadIsRefusedWithAHint() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> reactor.callLater(Duration.ZERO, () -> { }));
        assertTrue(refused.getMessage().contains("use callFromThread"), refused.getMessage());
    }

    @Test
    void aDelayedCallTouchedFromAnotherThreadIsRefusedWithAHint() throws Exception {
        CompletableFuture<DelayedCall> scheduled = new CompletableFuture<>();
        reactor.callFromThread(() -> scheduled.complete(reactor.callLater(Duration.ofMinutes(1), () -> { })));
        DelayedCall later = scheduled.get(10, TimeUnit.SECONDS);

        IllegalStateException refused = assertThrows(IllegalStateException.class, later::cancel);
        assertTrue(refused.getMessage().contains("use callFromThread"), refused.getMessage());
        assertThrows(IllegalStateException.class, later::isActive);
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
            assertThrows(IllegalStateException.class, transport::isOpen);
            assertThrows(IllegalStateException.class, () -> transport.continueNextTurn(() -> { }));
            assertThrows(IllegalStateException.class, () -> transport.registerProducer(producerStoppedBy(() -> { })));
            assertThrows(IllegalStateException.class, transport::loseConnection);
            assertThrows(IllegalStateException.class, () -> transport.abortConnection("from the wrong thread"));
            client.sendLine("still fine");
            assertEquals("echo still fine", client.readLine());
        }
    }

    /**
     * A connection's producer hears, once and before the protocol's connectionLost (as in
     * Twisted), that the connection has ended: one paused by the queue would otherwise wait for
     * a resume that cannot come.
     */
    @Test
    void aRegisteredProducerIsToldToStopOnceWhenTheConnectionEnds() throws Exception {
        AtomicInteger stops = new AtomicInteger();
        CompletableFuture<Integer> stopsWhenLost = new CompletableFuture<>();
        InetSocketAddress address = listen(peer -> new LineReceiver(100) {
            @Override
            protected void connectionMade() {
                transport().registerProducer(producerStoppedBy(stops::incrementAndGet));
                sendLine("registered");
            }

            @Override
            protected void lineReceived(String line) {
            }

            @Override
            protected void connectionLost(String reason) {
                stopsWhenLost.complete(stops.get());
            }
        });
        try (LineSocket client = LineSocket.connect(address.getPort())) {
            assertEquals("registered", client.readLine());
        }
        assertEquals(1, stopsWhenLost.get(10, TimeUnit.SECONDS), "stopProducing before connectionLost, once");
        reactor.stop();
        assertTrue(reactor.join(Duration.ofSeconds(10)));
        assertEquals(1, stops.get(), "told again as the reactor stopped");
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

    /**
     * loseConnection and abortConnection close later, on a timer, never inside the call that asked:
     * connectionLost must not run in the middle of a callback (a broadcast loop would find its
     * client list changed under it). Each is asked from connectionMade, which notes whether it
     * has returned yet when connectionLost comes.
     */
    @Test
    void connectionLostNeverRunsInsideTheCallbackThatAskedForTheClose() throws Exception {
        List<String> lostInsideTheCall = new CopyOnWriteArrayList<>();
        CountDownLatch bothLost = new CountDownLatch(2);
        AtomicInteger connections = new AtomicInteger();
        InetSocketAddress address = listen(peer -> new Protocol() {
            private boolean inConnectionMade;
            private String how;

            @Override
            protected void connectionMade() {
                how = connections.incrementAndGet() == 1 ? "loseConnection" : "abortConnection";
                inConnectionMade = true;
                if (how.equals("loseConnection")) {
                    transport().loseConnection();
                } else {
                    transport().abortConnection("on purpose");
                }
                inConnectionMade = false;
            }

            @Override
            protected void connectionLost(String reason) {
                if (inConnectionMade) {
                    lostInsideTheCall.add(how);
                }
                bothLost.countDown();
            }
        });
        try (LineSocket first = LineSocket.connect(address.getPort())) {
            assertTrue(first.closedByServer());
            try (LineSocket second = LineSocket.connect(address.getPort())) {
                assertTrue(second.closedByServer());
            }
        }
        assertTrue(bothLost.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(), lostInsideTheCall, "connectionLost ran inside the call that asked for the close");
    }

    @Test
    void afterStopNoTaskIsAcceptedAndTheThreadIsGone() throws Exception {
        reactor.stop();
        assertTrue(reactor.join(Duration.ofSeconds(10)));
        assertFalse(reactor.isAlive());
        assertThrows(RejectedExecutionException.class, () -> reactor.callFromThread(() -> { }));
        assertTrue(reactor.failure().isEmpty());
    }

    /**
     * An interrupted reactor thread stops, and says why: with the flag set, select() returns at
     * once on every turn, so carrying on would spin a core (over half a million turns a second here).
     */
    @Test
    void anInterruptedReactorThreadStopsInsteadOfSpinning() throws Exception {
        reactor.callFromThread(() -> Thread.currentThread().interrupt());
        assertTrue(reactor.join(Duration.ofSeconds(10)), "still running after its interrupt, " + reactor.turns() + " turns");
        assertTrue(log.contains("reactor thread interrupted: stopping"), "said why: " + log.messages());
    }

    /**
     * The chapter's promise for callFromThread: once the reactor has stopped (its thread closes
     * the queue some time after stop() returns), a task is refused with
     * RejectedExecutionException; a task accepted, however close to the stop, runs, even one
     * accepted after stop() returned, which the test makes sure happens. Several threads submit as
     * fast as they can while this one stops the reactor; each keeps going until it is refused.
     * Done over several reactors, since each has one stop to race against.
     */
    @Test
    void aTaskAcceptedAroundTheStopAlwaysRunsAndOneSentAfterItIsRefused() throws Exception {
        for (int round = 1; round <= RACE_ROUNDS; round++) {
            raceSubmittersAgainstStop(new Reactor(name + "-race-" + round, log), round);
        }
    }

    private void raceSubmittersAgainstStop(Reactor racing, int round) throws Exception {
        String where = "round " + round + ": ";
        racing.start();
        AtomicLong accepted = new AtomicLong(); // callFromThread returned normally
        AtomicLong ran = new AtomicLong();      // the task ran, on the reactor thread
        AtomicLong ranElsewhere = new AtomicLong();
        CountDownLatch warmedUp = new CountDownLatch(1);
        Runnable task = () -> {
            if (!racing.isReactorThread()) {
                ranElsewhere.incrementAndGet();
            } else if (ran.incrementAndGet() == WARM_UP_TASKS) {
                warmedUp.countDown();
            }
        };
        AtomicBoolean stopCalled = new AtomicBoolean();
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch eachAcceptedOneAfterStop = new CountDownLatch(SUBMITTERS);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);

        ExecutorService pool = Executors.newFixedThreadPool(SUBMITTERS,
                r -> new Thread(r, name + "-submitter-" + round));
        try {
            List<Future<RejectedExecutionException>> refusals = new ArrayList<>();
            for (int i = 0; i < SUBMITTERS; i++) {
                refusals.add(pool.submit(() -> {
                    go.await();
                    boolean countedAfterStop = false;
                    while (true) {
                        boolean afterStop = stopCalled.get(); // read before the call: true means stop() had returned
                        while (!afterStop && accepted.get() - ran.get() > MAX_IN_FLIGHT) {
                            Thread.onSpinWait();
                            afterStop = stopCalled.get();
                        }
                        try {
                            racing.callFromThread(task);
                        } catch (RejectedExecutionException refused) {
                            return refused; // anything else thrown fails the future, and the test
                        }
                        accepted.incrementAndGet();
                        if (afterStop && !countedAfterStop) {
                            countedAfterStop = true;
                            eachAcceptedOneAfterStop.countDown();
                        }
                    }
                }));
            }
            go.countDown(); // all submitters start together
            assertTrue(warmedUp.await(10, TimeUnit.SECONDS), where + "the reactor ran tasks while they came in");

            // Hold the reactor thread in a task of its own across the stop, until every submitter
            // has had a task accepted after stop() returned. Those tasks can only run in the
            // shutdown: without the hold, whether any exist would be luck.
            racing.callFromThread(() -> {
                held.countDown();
                try {
                    if (!release.await(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never let the reactor thread go");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(held.await(10, TimeUnit.SECONDS), where + "the reactor thread is held");
            racing.stop();
            stopCalled.set(true);
            assertTrue(eachAcceptedOneAfterStop.await(10, TimeUnit.SECONDS),
                    where + "every submitter had a task accepted after stop() and before the reactor closed its queue");
            release.countDown(); // now the submitters race the closing of the queue, until each is refused

            for (Future<RejectedExecutionException> refusal : refusals) {
                RejectedExecutionException refused = refusal.get(10, TimeUnit.SECONDS);
                assertTrue(refused.getMessage().contains("has stopped"), where + refused.getMessage());
            }
            assertTrue(racing.join(Duration.ofSeconds(10)), where + "the reactor thread ends");
            assertTrue(racing.failure().isEmpty(), where + "the reactor failed: " + racing.failure());
            assertEquals(accepted.get(), ran.get(), where + "every task accepted ran, once");
            assertEquals(0, ranElsewhere.get(), where + "tasks ran on the reactor thread only");
        } finally {
            racing.stop();
            release.countDown();
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
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

    /**
     * A connection asks select() for OP_WRITE only while bytes wait in its queue. Left on once the
     * queue has drained, an always-writable socket would wake select() at once on every turn, and
     * an idle reactor would spin a core.
     */
    @Test
    void anIdleReactorSleepsOnceAWriteQueueHasDrained() throws Exception {
        // Well past what the two sockets' kernel buffers hold (a send buffer grows to 4 MiB here,
        // and the reader keeps its receive buffer small): most of it queues.
        int payloadBytes = 16 * 1024 * 1024;
        Reactor roomy = new Reactor(name + "-roomy", log, 2 * payloadBytes); // a queue that can hold it all
        roomy.start();
        try {
            InetSocketAddress address = listen(roomy, peer -> new Protocol() {
                @Override
                protected void connectionMade() {
                    transport().write(("x".repeat(payloadBytes) + "\n").getBytes(StandardCharsets.US_ASCII));
                }
            });
            try (LineSocket reader = LineSocket.connectWithReceiveBuffer(address.getPort(), 4096)) {
                assertEquals(payloadBytes, reader.readLine().length()); // the queue has drained

                // A few wake-ups may still come from the last writes; a reactor left asking for
                // OP_WRITE would wake millions of times in the same half second.
                long before = roomy.turns();
                await("the reactor to stay asleep").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                        .until(() -> roomy.turns() - before <= 20);
            }
        } finally {
            roomy.stop();
            assertTrue(roomy.join(Duration.ofSeconds(10)), "the roomy reactor's thread ends");
        }
    }

    /** The count that anIdleReactorSleepsOnceAWriteQueueHasDrained relies on: one more at every wake-up. */
    @Test
    void everyWakeUpCountsOneMoreTurn() throws Exception {
        long before = reactor.turns();
        for (int i = 0; i < 3; i++) { // each task wakes the reactor from select(), one after another
            CompletableFuture<Void> ran = new CompletableFuture<>();
            reactor.callFromThread(() -> ran.complete(null));
            ran.get(10, TimeUnit.SECONDS);
        }
        assertTrue(reactor.turns() >= before + 3, "turns went from " + before + " to " + reactor.turns());
    }

    /** select() sleeps until the next timer is due, and no longer: a timer a minute away must not make it spin. */
    @Test
    void aReactorWithOnlyAFarTimerSleeps() throws Exception {
        CompletableFuture<Void> armed = new CompletableFuture<>();
        reactor.callFromThread(() -> {
            reactor.callLater(Duration.ofMinutes(1), () -> { });
            armed.complete(null);
        });
        armed.get(10, TimeUnit.SECONDS);

        long before = reactor.turns();
        await("the reactor to stay asleep").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> reactor.turns() - before <= 5);
    }

    /** DelayedCall.isActive: true until the call was made or cancelled; false inside the call already. */
    @Test
    void aDelayedCallThatHasRunIsNoLongerActive() throws Exception {
        CompletableFuture<Boolean> activeWhileRunning = new CompletableFuture<>();
        CompletableFuture<Boolean> activeAfter = new CompletableFuture<>();
        reactor.callFromThread(() -> {
            AtomicReference<DelayedCall> call = new AtomicReference<>();
            call.set(reactor.callLater(Duration.ZERO, () -> {
                activeWhileRunning.complete(call.get().isActive());
                reactor.callLater(Duration.ZERO, () -> activeAfter.complete(call.get().isActive()));
            }));
        });
        assertFalse(activeWhileRunning.get(10, TimeUnit.SECONDS));
        assertFalse(activeAfter.get(10, TimeUnit.SECONDS));
    }

    /** listenTCP from a callback, on the reactor thread itself, listens at once and serves. */
    @Test
    void listenTCPFromACallbackListensAndServes() throws Exception {
        CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
        reactor.callFromThread(() -> {
            try {
                bound.complete(listen(peer -> new LineReceiver(100) {
                    @Override
                    protected void lineReceived(String line) {
                        sendLine("echo " + line);
                    }
                }));
            } catch (IOException e) {
                bound.completeExceptionally(e);
            }
        });
        try (LineSocket client = LineSocket.connect(bound.get(10, TimeUnit.SECONDS).getPort())) {
            client.sendLine("hi");
            assertEquals("echo hi", client.readLine());
        }
    }

    /** join says whether the thread ended: false while a task still holds it after stop(). */
    @Test
    void joinIsFalseWhileTheReactorThreadIsStillBusy() throws Exception {
        CountDownLatch release = ReactorHold.holdTheThread(reactor);
        reactor.stop();
        try {
            assertFalse(reactor.join(Duration.ofMillis(100)), "the thread is still in its task");
        } finally {
            release.countDown();
        }
        assertTrue(reactor.join(Duration.ofSeconds(10)));
    }

    /**
     * On the way out, tasks accepted before the end still run, and one that fails, even with an
     * Error, is logged, not lost, and keeps none of the others from running.
     */
    @Test
    void aTaskThatFailsDuringTheShutdownIsLogged() throws Exception {
        CountDownLatch release = ReactorHold.holdTheThread(reactor);
        reactor.stop();
        reactor.callFromThread(() -> {
            throw new IllegalStateException("a task that fails in the shutdown");
        });
        reactor.callFromThread(() -> {
            throw new AssertionError("a task that fails in the shutdown with an Error");
        });
        CountDownLatch lastRan = new CountDownLatch(1);
        reactor.callFromThread(lastRan::countDown);
        release.countDown();

        assertTrue(reactor.join(Duration.ofSeconds(10)));
        assertEquals(0, lastRan.getCount(), "a task after the failing ones did not run");
        expectedErrors = 2;
        assertEquals(List.of(
                "task from callFromThread failed during shutdown: java.lang.IllegalStateException: a task that fails in the shutdown",
                "task from callFromThread failed during shutdown: java.lang.AssertionError: a task that fails in the shutdown with an Error"),
                log.errors());
    }

    /** A producer that ignores pause and resume, and runs {@code onStop} when told to stop. */
    private static Producer producerStoppedBy(Runnable onStop) {
        return new Producer() {
            @Override
            public void pauseProducing() {
            }

            @Override
            public void resumeProducing() {
            }

            @Override
            public void stopProducing() {
                onStop.run();
            }
        };
    }

    private InetSocketAddress listen(ServerFactory factory) throws IOException {
        return listen(reactor, factory);
    }

    private static InetSocketAddress listen(Reactor on, ServerFactory factory) throws IOException {
        return on.listenTCP(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), factory);
    }
}
