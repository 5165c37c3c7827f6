package gameloop.deferred;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class SquareThenTwiceTest {

    @Test
    void printsTheSquareThenTheTwice() {
        CapturedOutput captured = new CapturedOutput();

        SquareThenTwice.run(captured.out);

        assertEquals(List.of("Square of 5 is 25", "Twice of 5 is 10"), captured.lines());
        assertEquals(Thread.currentThread().getName(), captured.firstWriter(),
                "complete() ran the chain in the thread that called it");
    }

    @Test
    void eachCallbackHandsItsValueOnSoTheChainEndsWithTheValueItWasFiredWith() {
        CapturedOutput captured = new CapturedOutput();
        CompletableFuture<Integer> d = new CompletableFuture<>();
        CompletableFuture<Integer> last = SquareThenTwice.chain(d, captured.out);

        d.complete(5);

        assertEquals(5, last.join(), "printSquare and printTwice each return the number they were given");
    }

    @Test
    void onFailureTheErrbackRunsAndTwiceIsSkippedInsteadOfFailingOnNull() {
        CapturedOutput captured = new CapturedOutput();
        CompletableFuture<Integer> d = new CompletableFuture<>();
        CompletableFuture<Integer> last = SquareThenTwice.chain(d, captured.out);
        IllegalStateException boom = new IllegalStateException("boom");

        d.completeExceptionally(boom);

        assertEquals(List.of("Error with process: boom"), captured.lines());
        CompletionException failure = assertThrows(CompletionException.class, last::join);
        assertSame(boom, failure.getCause(), "the chain ends on the errback track with the original failure");
    }
}
