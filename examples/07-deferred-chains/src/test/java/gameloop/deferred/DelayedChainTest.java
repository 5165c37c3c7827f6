package gameloop.deferred;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// Short delays stand in for the program's 2 s and 4 s; the order and the lower bounds are what matter.
@Timeout(value = 10, unit = TimeUnit.SECONDS) // interrupts a hung run(), which then stops its thread
class DelayedChainTest {

    private static final Duration FIRE_AFTER = Duration.ofMillis(150);
    private static final Duration STOP_AFTER = Duration.ofMillis(300);

    @Test
    void firesNoEarlierThanTheDelayThenStopsAndLeavesNoThread() throws InterruptedException {
        CapturedOutput captured = new CapturedOutput();
        Reactor reactor = new Reactor("reactor-delayed-chain-test");
        long start = System.nanoTime();

        DelayedChain.run(reactor, captured.out, FIRE_AFTER, STOP_AFTER);

        long ranFor = System.nanoTime() - start;
        assertEquals(List.of("Square of 5 is 25", "Twice of 5 is 10"), captured.lines());
        long firedAfter = captured.firstWriteNanos().orElseThrow() - start;
        assertTrue(firedAfter >= FIRE_AFTER.toNanos(), "fired after " + firedAfter + " ns");
        assertEquals("reactor-delayed-chain-test", captured.firstWriter(), "the chain ran on the reactor thread");
        assertTrue(ranFor >= STOP_AFTER.toNanos(), "run() returned after " + ranFor + " ns");
        Thread thread = reactor.thread();
        assertNotNull(thread);
        assertEquals("reactor-delayed-chain-test", thread.getName());
        assertFalse(thread.isAlive(), "run() returns only after the reactor thread has ended");
    }

    @Test
    void mainUsesTheTutorialsDelays() {
        // The README and the chapter say "fires after 2 s, exits at 4 s": keep them honest.
        assertEquals(Duration.ofSeconds(2), DelayedChain.FIRE_AFTER);
        assertEquals(Duration.ofSeconds(4), DelayedChain.STOP_AFTER);
    }

    @Test
    void stoppingBeforeTheChainIsDueDropsIt() throws InterruptedException {
        // Twisted forgets pending calls on stop; a ScheduledThreadPoolExecutor would run them
        // after shutdown() unless told not to: then run() would wait for the chain, run it, and
        // the two lines would be here.
        CapturedOutput captured = new CapturedOutput();
        Reactor reactor = new Reactor("reactor-early-stop-test");

        DelayedChain.run(reactor, captured.out, Duration.ofSeconds(3), Duration.ofMillis(20));

        assertEquals(List.of(), captured.lines());
        assertFalse(reactor.thread().isAlive());
    }
}
