package gameloop.deferred;

import static gameloop.deferred.TutorialCallbacks.printSquare;
import static gameloop.deferred.TutorialCallbacks.printTwice;
import static gameloop.deferred.TutorialCallbacks.unwrap;

import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A chain hands each step's result to the next step, in the order the steps were added; an
 * errback placed between two callbacks guards only the steps before it. The tutorial's second
 * program: square, an errback, then twice, fired with 5.
 */
public final class SquareThenTwice {

    private SquareThenTwice() {
    }

    public static void main(String[] args) {
        run(System.out);
    }

    static void run(PrintStream out) {
        CompletableFuture<Integer> d = new CompletableFuture<>();
        chain(d, out);
        d.complete(5); // d.callback(5)
    }

    /**
     * Builds the tutorial's chain on {@code d} and returns its LAST stage. Unlike a Deferred,
     * each CompletableFuture method returns a new stage; whoever wants to add a step after
     * {@code printTwice} needs this one, not {@code d}.
     */
    static CompletableFuture<Integer> chain(CompletableFuture<Integer> d, PrintStream out) {
        return d.thenApply(n -> printSquare(out, n))                  // d.addCallback(printSquare)
                .exceptionally(failure -> processError(out, failure)) // d.addErrback(processError)
                .thenApply(n -> printTwice(out, n));                  // d.addCallback(printTwice)
    }

    private static Integer processError(PrintStream out, Throwable failure) {
        out.println("Error with process: " + unwrap(failure).getMessage());
        // The tutorial's errback returns None, which would hand None to printTwice and fail there
        // (2 * None). Throwing instead keeps the chain on the errback track, so printTwice is
        // skipped. exceptionally() cannot throw a checked exception, hence the wrapper.
        throw failure instanceof CompletionException c ? c : new CompletionException(failure);
    }
}
