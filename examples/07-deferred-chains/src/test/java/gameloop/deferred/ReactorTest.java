package gameloop.deferred;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReactorTest {

    @Test
    void callLaterRunsOnTheNamedReactorThreadAndStopEndsRun() throws InterruptedException {
        Reactor reactor = new Reactor("reactor-under-test");
        AtomicReference<String> ranOn = new AtomicReference<>();
        reactor.callLater(Duration.ofMillis(20), () -> ranOn.set(Thread.currentThread().getName()));
        Thread runner = startRunning(reactor, new AtomicReference<>());

        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> ranOn.get() != null);
            assertEquals("reactor-under-test", ranOn.get());
        } finally {
            reactor.stop(); // also when an assertion failed: the test owns this reactor
            runner.join(5_000);
        }
        assertFalse(runner.isAlive(), "run() returned after stop()");
        assertFalse(reactor.thread().isAlive());
    }

    /**
     * run() waits for the thread itself, not only for its pool: the pool says "terminated" a few
     * instructions before its thread is gone. Too short a window to catch once; so, many times.
     */
    @Test
    void runReturnsOnlyOnceTheReactorThreadHasEnded() throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            Reactor reactor = new Reactor("reactor-join-test");
            reactor.callLater(Duration.ZERO, reactor::stop);

            reactor.run();

            assertFalse(reactor.thread().isAlive(), "the reactor thread outlived run(), round " + i);
        }
    }

    @Test
    void anInterruptedRunPassesTheInterruptOnAndStillEndsTheThread() throws InterruptedException {
        Reactor reactor = new Reactor("reactor-interrupted-test");
        reactor.callLater(Duration.ofMinutes(1), () -> { }); // never comes due: dropped
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<InterruptedException> interrupted = new AtomicReference<>();
        try {
            Thread runner = interruptRunWhileACallIsBusy(reactor, release, interrupted);

            // Now run() must wait for the busy call (in awaitEnd), not throw at once.
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                    .until(() -> runner.getState() == Thread.State.TIMED_WAITING || !runner.isAlive());
            assertTrue(runner.isAlive(), "run() threw while the reactor thread was still busy");
            release.countDown();

            runner.join(5_000);
            assertFalse(runner.isAlive());
            assertNotNull(interrupted.get(), "run() threw InterruptedException");
            assertEquals(0, interrupted.get().getSuppressed().length, "the reactor thread ended within the grace: nothing to add");
            assertFalse(reactor.thread().isAlive(), "run() waited for the reactor thread before it threw");
        } finally {
            release.countDown();
            reactor.stop(); // if an assertion failed early, run() must still end: the test owns it
        }
    }

    /**
     * Whatever a delayed call throws is reported, and the next call still runs: an exception, a
     * checked exception thrown past the compiler (not lost in the executor's future), and even an
     * Error (a failed assert), as callLater's comment promises.
     */
    @ParameterizedTest
    @MethodSource("failures")
    void whateverADelayedCallThrowsIsReportedAndTheReactorGoesOn(Throwable failure) throws InterruptedException {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        Reactor reactor = new Reactor("reactor-failing-call-test", reported::add);
        reactor.callLater(Duration.ofMillis(5), () -> throwUnchecked(failure));
        reactor.callLater(Duration.ofMillis(20), reactor::stop);

        reactor.run(); // returns, so the call after the failing one ran

        assertEquals(List.of(failure), reported);
    }

    static Stream<Throwable> failures() {
        return Stream.of(new IllegalStateException("a bug in a callback"), new IOException("declared nowhere"),
                new AssertionError("a failed assert in a callback"));
    }

    /** Throws {@code e} whatever its type: the compiler takes E to be unchecked here. */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void throwUnchecked(Throwable e) throws E {
        throw (E) e;
    }

    /**
     * A call that schedules its own next run, as a game tick does, may do so just after run(),
     * told to stop by another thread, has shut the pool: that call is dropped quietly, as Twisted
     * drops calls scheduled after stop, not reported as an error.
     */
    @Test
    void aCallThatSchedulesItsNextRunWhileTheReactorStopsIsDroppedQuietly() throws InterruptedException {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        Reactor reactor = new Reactor("reactor-rearm-at-stop-test", reported::add);
        AtomicReference<InterruptedException> interrupted = new AtomicReference<>();
        Thread runner = startRunning(reactor, interrupted);
        CountDownLatch callStarted = new CountDownLatch(1);
        AtomicBoolean rearmed = new AtomicBoolean();
        reactor.callLater(Duration.ZERO, () -> {
            callStarted.countDown();
            // run() has shut the pool once it waits, with a timeout, for this call to end.
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                    .until(() -> runner.getState() == Thread.State.TIMED_WAITING);
            reactor.callLater(Duration.ofMillis(10), () -> { }); // the next tick, too late
            rearmed.set(true);
        });
        try {
            assertTrue(callStarted.await(5, TimeUnit.SECONDS));
        } finally {
            reactor.stop(); // also when the call never started: the test owns this reactor
            runner.join(5_000);
        }

        assertFalse(runner.isAlive());
        assertTrue(rearmed.get(), "the call got past its own callLater");
        assertEquals(List.of(), reported);
        assertNull(interrupted.get());
    }

    /**
     * The same when run() is interrupted instead of stopped: its shutdownNow() interrupts the call,
     * the call re-arms itself on its way out, and that too is dropped quietly, not reported.
     */
    @Test
    void aCallThatSchedulesItsNextRunWhileAnInterruptedRunStopsIsDroppedQuietly() throws InterruptedException {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        Reactor reactor = new Reactor("reactor-rearm-at-interrupt-test", reported::add);
        CountDownLatch callStarted = new CountDownLatch(1);
        AtomicBoolean rearmed = new AtomicBoolean();
        reactor.callLater(Duration.ZERO, () -> {
            callStarted.countDown();
            try {
                new CountDownLatch(1).await(); // until run()'s shutdownNow() interrupts it
            } catch (InterruptedException stopping) {
                reactor.callLater(Duration.ofMillis(10), () -> { }); // the next tick, too late
                rearmed.set(true);
            }
        });
        AtomicReference<InterruptedException> interrupted = new AtomicReference<>();
        Thread runner = startRunning(reactor, interrupted);
        try {
            assertTrue(callStarted.await(5, TimeUnit.SECONDS));
            runner.interrupt();
            runner.join(5_000);
        } finally {
            reactor.stop(); // if an assertion failed early, run() must still end: the test owns it
            runner.join(5_000);
        }

        assertFalse(runner.isAlive());
        assertNotNull(interrupted.get(), "run() passed the interrupt on");
        assertTrue(rearmed.get(), "the call got past its own callLater");
        assertEquals(List.of(), reported);
    }

    /** Only the reactor's own re-arming call is dropped: once it has ended, a call is refused loudly. */
    @Test
    void aCallScheduledAfterTheReactorHasEndedIsRefused() throws InterruptedException {
        Reactor reactor = new Reactor("reactor-ended-test");
        reactor.callLater(Duration.ZERO, reactor::stop);
        reactor.run();

        assertThrows(RejectedExecutionException.class, () -> reactor.callLater(Duration.ofMillis(10), () -> { }));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS) // run() gives an overrunning call 5 s
    void aCallThatOverrunsIsInterruptedAndRunWaitsForTheThreadBeforeItThrows() throws InterruptedException {
        Reactor reactor = new Reactor("reactor-overrun-test");
        CountDownLatch callStarted = new CountDownLatch(1);
        reactor.callLater(Duration.ZERO, () -> {
            callStarted.countDown();
            try {
                Thread.sleep(TimeUnit.MINUTES.toMillis(1)); // far over run()'s 5 s
            } catch (InterruptedException e) {
                // It heeds the interrupt, but takes a moment to tidy up, as real code does.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                Thread.currentThread().interrupt();
            }
        });
        boolean started = callStarted.await(5, TimeUnit.SECONDS);
        reactor.stop();

        // run() even when the call never started: it is what ends the reactor's thread.
        IllegalStateException overran = assertThrows(IllegalStateException.class, reactor::run);

        assertTrue(started, "the call never started");
        assertEquals("a delayed call did not finish within 5 s; it was interrupted", overran.getMessage());
        assertFalse(reactor.thread().isAlive(), "run() threw before the reactor thread had ended");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS) // run() waits GRACE, 5 s, for the deaf call
    void anInterruptedRunWaitsOnlyTheGraceForACallDeafToInterruptsAndSaysTheThreadLivesOn() throws InterruptedException {
        Reactor reactor = new Reactor("reactor-interrupted-deaf-test");
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<InterruptedException> interrupted = new AtomicReference<>();
        try {
            Thread runner = interruptRunWhileACallIsBusy(reactor, release, interrupted);

            runner.join(Reactor.GRACE.plusSeconds(10).toMillis());
            assertFalse(runner.isAlive(), "run() gave up on the deaf call after its grace");
            assertNotNull(interrupted.get(), "run() threw InterruptedException");
            assertEquals(List.of("the reactor thread did not end within 5 s"),
                    Arrays.stream(interrupted.get().getSuppressed()).map(Throwable::getMessage).toList());
            assertTrue(reactor.thread().isAlive(), "the deaf call still holds the reactor thread, as the report says");
        } finally {
            release.countDown();
            reactor.stop();
        }
        reactor.thread().join(5_000);
        assertFalse(reactor.thread().isAlive(), "released, the call returns and the thread ends");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS) // run() gives the call GRACE twice: 10 s
    void aCallThatOverrunsAndIgnoresTheInterruptMakesRunSaySoInsteadOfWaitingForever() throws InterruptedException {
        Reactor reactor = new Reactor("reactor-overrun-deaf-test");
        CountDownLatch callStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        reactor.callLater(Duration.ZERO, () -> runUntilReleased(callStarted, release));
        try {
            assertTrue(callStarted.await(5, TimeUnit.SECONDS));
            reactor.stop();

            IllegalStateException overran = assertThrows(IllegalStateException.class, reactor::run);

            assertEquals("a delayed call ran over 5 s and ignored the interrupt; the reactor thread is still running it",
                    overran.getMessage());
            assertTrue(reactor.thread().isAlive(), "as the message says");
        } finally {
            release.countDown();
        }
        reactor.thread().join(5_000);
        assertFalse(reactor.thread().isAlive());
    }

    /**
     * Schedules a call deaf to interrupts until {@code release}, runs the reactor on a test
     * thread, and interrupts that thread once the call is busy and run() waits for stop().
     */
    private static Thread interruptRunWhileACallIsBusy(Reactor reactor, CountDownLatch release,
            AtomicReference<InterruptedException> interrupted) throws InterruptedException {
        CountDownLatch callStarted = new CountDownLatch(1);
        reactor.callLater(Duration.ZERO, () -> runUntilReleased(callStarted, release));
        Thread runner = startRunning(reactor, interrupted);
        assertTrue(callStarted.await(5, TimeUnit.SECONDS));
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.getState() == Thread.State.WAITING);
        runner.interrupt();
        return runner;
    }

    /** A call deaf to interrupts, as a computation is: it returns only when the test releases it. */
    private static void runUntilReleased(CountDownLatch started, CountDownLatch release) {
        started.countDown();
        while (true) {
            try {
                release.await();
                return;
            } catch (InterruptedException deaf) {
                // ignored on purpose
            }
        }
    }

    @Test
    void withNothingScheduledNoThreadIsStarted() throws InterruptedException {
        Reactor reactor = new Reactor("reactor-idle-test");
        reactor.stop();

        reactor.run();

        assertNull(reactor.thread());
    }

    /** Runs the reactor on a thread the test owns; keeps the InterruptedException run() throws, if it does. */
    private static Thread startRunning(Reactor reactor, AtomicReference<InterruptedException> interrupted) {
        Thread runner = new Thread(() -> {
            try {
                reactor.run();
            } catch (InterruptedException e) {
                interrupted.set(e);
                Thread.currentThread().interrupt(); // restore it; this thread ends here anyway
            }
        }, "reactor-test-runner");
        runner.start();
        return runner;
    }
}
