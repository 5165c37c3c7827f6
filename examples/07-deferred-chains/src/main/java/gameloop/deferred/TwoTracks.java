package gameloop.deferred;

import static gameloop.deferred.TutorialCallbacks.printSquare;
import static gameloop.deferred.TutorialCallbacks.printTwice;

import java.io.PrintStream;

/**
 * The tutorial's two-track flow chart, walked by one value with our own {@link Deferred}: a
 * callback that throws sends the result down the errback track, past the callbacks, until an
 * errback returns a value. It also shows the two things CompletableFuture has no word for:
 * pausing a chain, and adding to the end of the same chain after it has run.
 */
public final class TwoTracks {

    /** A failure that carries what an errback needs to recover from it. */
    static final class OddNumber extends Exception {
        final int value;

        OddNumber(int value) {
            super(value + " is odd");
            this.value = value;
        }
    }

    private TwoTracks() {
    }

    public static void main(String[] args) {
        run(System.out);
    }

    static void run(PrintStream out) {
        Deferred<Integer> d = new Deferred<>();
        d.addCallback(TwoTracks::requireEven)             // 7: throws, the chain moves to the errback track
         .addCallback(n -> printSquare(out, n))           // skipped: on the errback track only errbacks run
         .addErrback(failure -> roundDown(out, failure))  // returns 6: back on the callback track
         .addCallback(n -> printTwice(out, n))
         .addBoth((n, failure) -> {
             out.println("addBoth: " + (failure == null ? "value " + n : "failure " + failure));
             return n;
         });

        d.pause();
        d.callback(7);
        out.println("paused: callback(7) was called, no step has run yet");
        d.unpause(); // now the whole chain runs, in this thread, before unpause() returns

        // Same object, end of the same chain: this step sees the result of addBoth's step.
        d.addCallback(n -> {
            out.println("added after the result arrived, runs at once with " + n);
            return n;
        });
    }

    private static int requireEven(int n) throws OddNumber {
        if (n % 2 != 0) {
            throw new OddNumber(n);
        }
        return n;
    }

    /** Not private: run() only ever fails with an OddNumber, so a test hands it another failure. */
    static int roundDown(PrintStream out, Exception failure) throws Exception {
        if (!(failure instanceof OddNumber odd)) {
            throw failure; // not ours to handle (Twisted: failure.trap): stay on the errback track
        }
        out.println("errback: " + odd.getMessage() + ", carrying on with " + (odd.value - 1));
        return odd.value - 1;
    }
}
