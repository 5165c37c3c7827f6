package gameloop.deferred;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The questions DeferredTest asks, asked of CompletableFuture: where it answers the same way,
 * and where it differs (the failure arrives wrapped; stages branch instead of growing one chain).
 */
class CompletableFutureTracksTest {

    // Synchronized out of caution: every stage below that writes here runs on the test's thread,
    // the one that completes its future or adds the stage.
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @Test
    void aStageThatThrowsJumpsToTheNextExceptionallySkippingThenApply() {
        CompletableFuture<Integer> d = new CompletableFuture<>();
        IllegalStateException boom = new IllegalStateException("boom");
        CompletableFuture<Integer> last = d
                .<Integer>thenApply(n -> { throw boom; })
                .thenApply(n -> { log.add("skipped stage ran"); return n; })
                .exceptionally(failure -> {
                    // Unlike a Deferred, the failure comes wrapped: it passed through a stage.
                    log.add(failure.getClass().getSimpleName() + " caused by " + failure.getCause().getMessage());
                    return 0;
                });

        d.complete(1);

        assertEquals(List.of("CompletionException caused by boom"), log);
        assertEquals(0, last.join());
    }

    @Test
    void exceptionallyRightOnTheFailedFutureSeesTheFailureUnwrapped() {
        CompletableFuture<Integer> d = new CompletableFuture<>();
        Exception lost = new Exception("lost");
        CompletableFuture<Integer> last = d.exceptionally(failure -> { log.add(failure.getMessage()); return 0; });

        d.completeExceptionally(lost);

        assertEquals(List.of("lost"), log);
        assertEquals(0, last.join());
    }

    @Test
    void exceptionallyThatReturnsAValueResumesThenApply() {
        CompletableFuture<Integer> d = new CompletableFuture<>();
        CompletableFuture<Integer> last = d
                .exceptionally(failure -> 42)
                .thenApply(n -> { log.add("then got " + n); return n; });

        d.completeExceptionally(new Exception("lost"));

        assertEquals(List.of("then got 42"), log);
        assertEquals(42, last.join());
    }

    @Test
    void exceptionallyBetweenTwoStagesOnlyGuardsTheStagesBeforeIt() {
        CompletableFuture<Integer> d = new CompletableFuture<>();
        IllegalStateException late = new IllegalStateException("late");
        CompletableFuture<Integer> last = d
                .thenApply(n -> n + 1)
                .exceptionally(failure -> { log.add("exceptionally ran"); return 0; })
                .thenApply(n -> { throw late; });

        d.complete(1);

        assertEquals(List.of(), log);
        CompletionException failure = assertThrows(CompletionException.class, last::join);
        assertSame(late, failure.getCause());
    }

    @Test
    void handleRunsOnEitherTrackAndWhenCompleteOnlyWatches() {
        CompletableFuture<Integer> ok = new CompletableFuture<>();
        CompletableFuture<Integer> failed = new CompletableFuture<>();
        CompletableFuture<String> okHandled = ok.handle((value, failure) -> "value " + value);
        CompletableFuture<String> failedHandled = failed.handle((value, failure) -> "failure " + failure.getMessage());
        CompletableFuture<Integer> watched = failed.whenComplete((value, failure) -> log.add("watched " + failure.getMessage()));

        ok.complete(3);
        failed.completeExceptionally(new Exception("lost"));

        assertEquals("value 3", okHandled.join());
        assertEquals("failure lost", failedHandled.join(), "handle recovers, like addBoth returning a value");
        assertEquals(List.of("watched lost"), log);
        assertTrue(watched.isCompletedExceptionally(), "whenComplete only watches: the failure goes on (wrapped in a CompletionException, as after any stage)");
    }

    @Test
    void aFutureCompletedFromAnotherPassesTheResultOn() {
        // chainDeferred has no one-word counterpart; whenComplete plus complete/completeExceptionally does it.
        CompletableFuture<Integer> first = new CompletableFuture<>();
        CompletableFuture<Integer> second = new CompletableFuture<>();
        CompletableFuture<Integer> secondLast = second.thenApply(n -> n * 10);
        first.thenApply(n -> n + 1).whenComplete((value, failure) -> {
            if (failure == null) {
                second.complete(value);
            } else {
                second.completeExceptionally(failure);
            }
        });

        first.complete(1);

        assertEquals(20, secondLast.join());
    }

    @Test
    void thenComposeWaitsForTheFutureAStageReturns() {
        // Twisted does this by itself when a callback returns a Deferred.
        CompletableFuture<Integer> d = new CompletableFuture<>();
        CompletableFuture<Integer> inner = new CompletableFuture<>();
        CompletableFuture<Integer> last = d.thenCompose(n -> inner).thenApply(n -> n + 1);

        d.complete(1);
        boolean doneBeforeInner = last.isDone();
        inner.complete(10);

        assertFalse(doneBeforeInner);
        assertEquals(11, last.join());
    }

    @Test
    void aStageAddedAfterCompletionRunsAtOnceInTheCallersThread() {
        CompletableFuture<Integer> d = CompletableFuture.completedFuture(5);
        Thread caller = Thread.currentThread();

        d.thenAccept(n -> log.add("ran with " + n + (Thread.currentThread() == caller ? " in the caller's thread" : "")));

        assertEquals(List.of("ran with 5 in the caller's thread"), log);
    }

    @Test
    void stagesAddedToTheSameFutureAreSiblingsNotOneChain() {
        // The difference that matters most when porting: d.addCallback(a); d.addCallback(b) runs
        // b on a's result. d.thenApply(a); d.thenApply(b) gives b the ORIGINAL value, and the
        // two run in an order the API does not promise.
        CompletableFuture<Integer> d = new CompletableFuture<>();
        CompletableFuture<Integer> a = d.thenApply(n -> n + 1);
        CompletableFuture<Integer> b = d.thenApply(n -> n * 10);

        d.complete(1);

        assertEquals(2, a.join());
        assertEquals(10, b.join(), "b saw 1, not a's 2");
    }

    @Test
    void theNearestThingToPauseIsAGatePlantedWhenTheChainIsBuilt() {
        CompletableFuture<Integer> d = new CompletableFuture<>();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        CompletableFuture<Integer> last = d
                .thenCompose(n -> gate.thenApply(open -> n)) // waits here until the gate completes
                .thenApply(n -> { log.add("after the gate " + n); return n; });

        d.complete(1);
        List<String> beforeOpening = List.copyOf(log);
        gate.complete(null);

        assertEquals(List.of(), beforeOpening);
        assertEquals(List.of("after the gate 1"), log);
        assertEquals(1, last.join());
    }

    @Test
    void completingTwiceIsIgnoredNotAnError() {
        CompletableFuture<Integer> d = new CompletableFuture<>();

        assertTrue(d.complete(1));
        assertFalse(d.complete(2), "Twisted would raise AlreadyCalledError; here complete() returns false");
        assertFalse(d.completeExceptionally(new Exception("late")));
        assertEquals(1, d.join());
    }

    @Test
    void delayedExecutorRunsTheTaskNoEarlierThanTheDelayOnTheExecutorWeOwn()
            throws InterruptedException, ExecutionException, TimeoutException {
        Duration delay = Duration.ofMillis(100);
        ExecutorService ours = Executors.newSingleThreadExecutor(task -> new Thread(task, "delayed-executor-test"));
        try {
            AtomicLong ranAt = new AtomicLong();
            long start = System.nanoTime();
            CompletableFuture<String> ranOn = CompletableFuture.supplyAsync(() -> {
                ranAt.set(System.nanoTime());
                return Thread.currentThread().getName();
            }, CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, ours));

            assertEquals("delayed-executor-test", ranOn.get(5, TimeUnit.SECONDS));
            assertTrue(ranAt.get() - start >= delay.toNanos(), "ran " + (ranAt.get() - start) + " ns after start");
        } finally {
            ours.shutdown();
            assertTrue(ours.awaitTermination(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void exceptionallyCannotThrowCheckedSoStayingOnTheErrorTrackNeedsAWrapper() {
        CompletableFuture<Integer> d = new CompletableFuture<>();
        Exception lost = new Exception("lost");
        CompletableFuture<Integer> last = d.exceptionally(failure -> {
            throw failure instanceof CompletionException c ? c : new CompletionException(failure);
        });

        d.completeExceptionally(lost);

        ExecutionException failure = assertThrows(ExecutionException.class, () -> last.get(1, TimeUnit.SECONDS));
        assertSame(lost, failure.getCause());
    }
}
