package gameloop.deferred;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The two tracks, pinned on our Deferred. CompletableFutureTracksTest asks the same questions of CompletableFuture. */
class DeferredTest {

    private final List<String> log = new ArrayList<>();

    private static final Object NOT_RUN = new Object();

    /** The result at the end of the chain: a value, or the failure it ended with (NOT_RUN until then). */
    private static <T> AtomicReference<Object> outcomeOf(Deferred<T> d) {
        AtomicReference<Object> outcome = new AtomicReference<>(NOT_RUN);
        d.addBoth((value, failure) -> {
            outcome.set(failure != null ? failure : value);
            return null;
        });
        return outcome;
    }

    @Test
    void aCallbackThatThrowsJumpsToTheNextErrbackSkippingCallbacks() {
        Deferred<Integer> d = new Deferred<>();
        IllegalStateException boom = new IllegalStateException("boom");
        d.addCallback(n -> { throw boom; })
         .addCallback(n -> { log.add("skipped callback ran"); return n; })
         .addErrback(failure -> { log.add("errback got " + failure.getMessage()); return 0; });

        d.callback(1);

        assertEquals(List.of("errback got boom"), log); // the failure arrives as thrown, unwrapped
    }

    @Test
    void anErrbackThatReturnsAValueResumesTheCallbackTrack() {
        Deferred<Integer> d = new Deferred<>();
        d.addErrback(failure -> 42)
         .addCallback(n -> { log.add("callback got " + n); return n; });

        d.errback(new Exception("lost"));

        assertEquals(List.of("callback got 42"), log);
    }

    @Test
    void anErrbackThatThrowsStaysOnTheErrbackTrack() {
        Deferred<Integer> d = new Deferred<>();
        IllegalArgumentException other = new IllegalArgumentException("not mine");
        AtomicReference<Object> outcome = outcomeOf(d.addErrback(failure -> { throw other; }));

        d.errback(new Exception("first"));

        assertSame(other, outcome.get());
    }

    @Test
    void anErrbackBetweenTwoCallbacksOnlyGuardsTheStepsBeforeIt() {
        Deferred<Integer> d = new Deferred<>();
        IllegalStateException late = new IllegalStateException("late");
        AtomicReference<Object> outcome = outcomeOf(d
                .addCallback(n -> n + 1)
                .addErrback(failure -> { log.add("errback ran"); return 0; })
                .addCallback(n -> { throw late; }));

        d.callback(1);

        assertEquals(List.of(), log, "the errback sits before the failing step, so it never sees it");
        assertSame(late, outcome.get());
    }

    @Test
    void addCallbacksGivesOnePairWhoseErrbackDoesNotSeeItsOwnCallbacksFailure() {
        Deferred<Integer> d = new Deferred<>();
        IllegalStateException boom = new IllegalStateException("boom");
        AtomicReference<Object> outcome = outcomeOf(d.addCallbacks(
                n -> { throw boom; },
                failure -> { log.add("paired errback ran"); return 0; }));

        d.callback(1);

        assertEquals(List.of(), log);
        assertSame(boom, outcome.get());
    }

    @Test
    void addBothRunsOnEitherTrack() {
        Deferred<Integer> ok = new Deferred<>();
        Deferred<Integer> failed = new Deferred<>();
        Deferred.BothCallback<Integer, String> both = (value, failure) -> {
            log.add(failure == null ? "value " + value : "failure " + failure.getMessage());
            return "seen";
        };
        AtomicReference<Object> okOutcome = outcomeOf(ok.addBoth(both));
        AtomicReference<Object> failedOutcome = outcomeOf(failed.addBoth(both));

        ok.callback(3);
        failed.errback(new Exception("lost"));

        assertEquals(List.of("value 3", "failure lost"), log);
        assertEquals("seen", okOutcome.get());
        assertEquals("seen", failedOutcome.get(), "returning a value from addBoth recovers, like an errback");
    }

    @Test
    void aChainedDeferredPassesTheResultOn() {
        Deferred<Integer> first = new Deferred<>();
        Deferred<Integer> second = new Deferred<>();
        AtomicReference<Object> secondOutcome = outcomeOf(second.addCallback(n -> n * 10));
        AtomicReference<Object> firstOutcome = outcomeOf(first.addCallback(n -> n + 1).chainDeferred(second));

        first.callback(1);

        assertEquals(20, secondOutcome.get(), "second received first's result so far (2), then ran its own step");
        assertNull(firstOutcome.get(), "after chainDeferred the first chain carries null, as in Twisted");
    }

    @Test
    void aChainedDeferredPassesAFailureOnToo() {
        Deferred<Integer> first = new Deferred<>();
        Deferred<Integer> second = new Deferred<>();
        AtomicReference<Object> secondOutcome = outcomeOf(second);
        AtomicReference<Object> firstOutcome = outcomeOf(first.chainDeferred(second));
        Exception lost = new Exception("lost");

        first.errback(lost);

        assertSame(lost, secondOutcome.get());
        assertNull(firstOutcome.get(), "the failure went on to second; the first chain carries null, as in Twisted");
    }

    @Test
    void aStepAddedAfterTheResultArrivedRunsAtOnce() {
        Deferred<Integer> d = new Deferred<>();
        d.callback(5);

        d.addCallback(n -> { log.add("ran with " + n); return n; });

        assertEquals(List.of("ran with 5"), log, "ran before addCallback returned");
    }

    @Test
    void stepsAddedOneByOneFormOneChainEachSeeingThePreviousResult() {
        Deferred<Integer> d = new Deferred<>();
        d.addCallback(n -> n + 1);
        d.addCallback(n -> n * 10); // added separately, still after the first: sees 2, not 1
        AtomicReference<Object> outcome = outcomeOf(d);

        d.callback(1);

        assertEquals(20, outcome.get());
    }

    @Test
    void pauseHoldsTheChainAndUnpauseRunsIt() {
        Deferred<Integer> d = new Deferred<>();
        d.addCallback(n -> { log.add("first " + n); return n; });
        d.pause();
        d.pause(); // pauses nest

        d.callback(1);
        d.addCallback(n -> { log.add("added while paused " + n); return n; });
        d.unpause();
        List<String> afterOneUnpause = List.copyOf(log);
        d.unpause();

        assertEquals(List.of(), afterOneUnpause);
        assertEquals(List.of("first 1", "added while paused 1"), log);
    }

    @Test
    void aStepThatAddsAStepToItsOwnDeferredPutsItAtTheEnd() {
        Deferred<Integer> d = new Deferred<>();
        d.addCallback(n -> {
            d.addCallback(m -> { log.add("added from inside"); return m; });
            log.add("outer");
            return n;
        });
        d.addCallback(n -> { log.add("second"); return n; });

        d.callback(1);

        assertEquals(List.of("outer", "second", "added from inside"), log);
    }

    @Test
    void aDeferredFiresOnce() {
        Deferred<Integer> d = new Deferred<>();
        d.callback(1);

        assertThrows(IllegalStateException.class, () -> d.callback(2));
        assertThrows(IllegalStateException.class, () -> d.errback(new Exception("late")));
    }

    /** errback(null) is refused before anything fires: a null failure would reach the errbacks as "no failure". */
    @Test
    void errbackWithoutAFailureIsRefusedAndLeavesTheDeferredUnfired() {
        Deferred<Integer> d = new Deferred<>();
        AtomicReference<Object> outcome = outcomeOf(d);

        assertThrows(NullPointerException.class, () -> d.errback(null));
        assertSame(NOT_RUN, outcome.get());

        d.callback(3); // not fired yet, so it still can be
        assertEquals(3, outcome.get());
    }

    @Test
    void unpauseWithoutPauseIsAMistake() {
        Deferred<Integer> d = new Deferred<>();

        assertThrows(IllegalStateException.class, d::unpause);
    }

    /**
     * An Error (here a failed assert) is a bug, not a failure to route: it reaches whoever fired
     * the chain, and nothing after it runs, now or later, instead of running with the result from
     * before the broken step.
     */
    @Test
    void aStepThatThrowsAnErrorEndsTheChainAndTheErrorReachesTheCaller() {
        Deferred<Integer> d = new Deferred<>();
        d.addCallback(x -> { log.add("broken step got " + x); throw new AssertionError("a bug in step 1"); })
                .addErrback(failure -> { log.add("errback got " + failure); return null; })
                .addCallback(x -> { log.add("step 3 got " + x); return x; });

        AssertionError thrown = assertThrows(AssertionError.class, () -> d.callback(1));
        assertEquals("a bug in step 1", thrown.getMessage());

        IllegalStateException late = assertThrows(IllegalStateException.class,
                () -> d.addCallback(x -> { log.add("late step got " + x); return x; }));
        assertSame(thrown, late.getCause());
        assertEquals(List.of("broken step got 1"), log);
    }

    @Test
    void aValuePassesAnErrbackUntouched() {
        Deferred<Integer> d = new Deferred<>();
        AtomicReference<Object> outcome = outcomeOf(d.addErrback(failure -> { log.add("errback ran"); return 0; }));

        d.callback(5);

        assertEquals(5, outcome.get());
        assertEquals(List.of(), log, "an errback runs only on the errback track");
    }

    /** How a step waits for something else (exercise 1 builds on it): it pauses its own chain. */
    @Test
    void aStepThatPausesItsOwnDeferredHoldsTheStepsAfterIt() {
        Deferred<Integer> d = new Deferred<>();
        d.addCallback(n -> { d.pause(); return n + 1; })
                .addCallback(n -> { log.add("after " + n); return n; });

        d.callback(1);
        List<String> whilePaused = List.copyOf(log);
        d.unpause();

        assertEquals(List.of(), whilePaused);
        assertEquals(List.of("after 2"), log);
    }

    /** An Error in a paused chain: the steps after it must not run on unpause() either, with a stale result. */
    @Test
    void aChainBrokenByAnErrorRunsNothingOnUnpause() {
        Deferred<Integer> d = new Deferred<>();
        d.addCallback(n -> { d.pause(); throw new AssertionError("a bug, after a pause"); })
                .addCallback(n -> { log.add("ran with " + n); return n; });

        assertThrows(AssertionError.class, () -> d.callback(1));
        d.unpause();

        assertEquals(List.of(), log);
    }

    /**
     * The same for a step added after the chain has fired: it runs inside addCallback, not inside
     * callback(), and its Error must break the chain all the same.
     */
    @Test
    void anErrorInAStepAddedAfterFiringEndsTheChainToo() {
        Deferred<Integer> d = new Deferred<>();
        d.callback(1);

        AssertionError thrown = assertThrows(AssertionError.class,
                () -> d.addCallback(x -> { throw new AssertionError("a bug in a late step"); }));

        IllegalStateException late = assertThrows(IllegalStateException.class,
                () -> d.addCallback(x -> { log.add("next step got " + x); return x; }));
        assertSame(thrown, late.getCause());
        assertEquals(List.of(), log);
    }
}
