package gameloop.deferred;

import static gameloop.deferred.TutorialCallbacks.printSquare;
import static gameloop.deferred.TutorialCallbacks.unwrap;

import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;

/**
 * One chain, two tracks: the chain is built first, and how the future is completed (with a value
 * or with an exception) decides whether the callback or the errback runs. The tutorial's first
 * program; pass {@code call_error} to take the error branch.
 */
public final class ErrorBranch {

    private ErrorBranch() {
    }

    public static void main(String[] args) {
        run(args, System.out);
    }

    static void run(String[] args, PrintStream out) {
        CompletableFuture<Integer> d = new CompletableFuture<>();
        d.thenAccept(n -> printSquare(out, n))                 // d.addCallback(printSquare)
         .exceptionally(failure -> processError(out, failure)); // d.addErrback(processError)

        // Only now does anything run: completing the future fires the chain in this thread.
        if (args.length > 0 && args[0].equals("call_error")) {
            d.completeExceptionally(new Exception("my Exception")); // d.errback(Failure(Exception(...)))
        } else {
            d.complete(4);                                          // d.callback(4)
        }
    }

    private static Void processError(PrintStream out, Throwable failure) {
        // The failure passed through the thenAccept stage, so it arrives wrapped: unwrap it.
        out.println("Error with process: " + unwrap(failure).getMessage());
        return null; // handled: like the tutorial's errback returning None, the chain ends quietly
    }
}
