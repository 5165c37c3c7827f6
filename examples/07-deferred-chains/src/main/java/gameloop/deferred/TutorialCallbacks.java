package gameloop.deferred;

import java.io.PrintStream;
import java.util.concurrent.CompletionException;

/**
 * The callbacks the tutorial's programs attach, written once for all of them, and
 * {@link #unwrap}, for the {@link CompletionException} they meet on {@code CompletableFuture}.
 *
 * <p>The tutorial prints with {@code print("Square of %d is %d", (d, d * d))}: a comma where the
 * {@code %} operator should be, so Python prints the template and then the tuple. Its
 * {@code printTwice} also has one value for two {@code %d}. Here each line says what it means.
 * Each callback returns its input, so the next one in the chain receives the same number.
 */
final class TutorialCallbacks {

    private TutorialCallbacks() {
    }

    static int printSquare(PrintStream out, int n) {
        out.println("Square of " + n + " is " + n * n);
        return n;
    }

    static int printTwice(PrintStream out, int n) {
        out.println("Twice of " + n + " is " + 2 * n);
        return n;
    }

    /**
     * What went wrong, without CompletableFuture's wrapper: a failure that passed through an
     * earlier stage reaches {@code exceptionally} wrapped in a {@link CompletionException}.
     */
    static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
