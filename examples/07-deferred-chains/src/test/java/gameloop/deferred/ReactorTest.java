package gameloop.deferred;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReactorTest {

    @Test
    void callLaterRunsOnTheNamedReactorThreadAndStopEndsRun() throws InterruptedException {
        Reactor reactor = new Reactor("reactor-under-test");
        AtomicReference<String> ranOn = new AtomicReference<>();
        reactor.callLater(Duration.ofMillis(20), () -> ranOn.set(Thread.currentThread().getName()));
        Thread runner = startRunning(reactor, new AtomicBoolean());

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

    @Test
    void anInterruptedRunPassesTheInterruptOnAndStillEndsTheThread() throws InterruptedException {
        Reactor reactor = new Reactor("reactor-interrupted-test");
        reactor.callLater(Duration.ofMinutes(1), () -> { }); // starts the thread, never comes due
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread runner = startRunning(reactor, interrupted);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.getState() == Thread.State.WAITING);

        runner.interrupt();

        runner.join(5_000);
        assertFalse(runner.isAlive());
        assertTrue(interrupted.get(), "run() threw InterruptedException");
        await().atMost(Duration.ofSeconds(5)).until(() -> !reactor.thread().isAlive());
    }

    @Test
    void withNothingScheduledNoThreadIsStarted() throws InterruptedException {
        Reactor reactor = new Reactor("reactor-idle-test");
        reactor.stop();

        reactor.run();

        assertNull(reactor.thread());
    }

    /** Runs the reactor on a thread the test owns; notes whether run() was interrupted. */
    private static Thread startRunning(Reactor reactor, AtomicBoolean interrupted) {
        Thread runner = new Thread(() -> {
            try {
                reactor.run();
            } catch (InterruptedException e) {
                interrupted.set(true);
                Thread.currentThread().interrupt(); // restore it; this thread ends here anyway
            }
        }, "reactor-test-runner");
        runner.start();
        return runner;
    }
}
