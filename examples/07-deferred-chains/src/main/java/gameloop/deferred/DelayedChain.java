package gameloop.deferred;

import static gameloop.deferred.TutorialCallbacks.printSquare;
import static gameloop.deferred.TutorialCallbacks.printTwice;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Building a chain does not run it: a timer on the reactor thread fires it later, and a second
 * timer stops the reactor so the program ends by itself. The tutorial's third program, which
 * never stopped; it fires after 2 s and stops after 4 s, as the tutorial's text suggests
 * ({@code callLater(4, reactor.stop)}, which its code leaves out).
 */
public final class DelayedChain {

    static final Duration FIRE_AFTER = Duration.ofSeconds(2);
    static final Duration STOP_AFTER = Duration.ofSeconds(4);

    private DelayedChain() {
    }

    public static void main(String[] args) throws InterruptedException {
        run(new Reactor("reactor"), System.out, FIRE_AFTER, STOP_AFTER);
    }

    /** Returns once the reactor is stopped and its thread has ended. */
    static void run(Reactor reactor, PrintStream out, Duration fireAfter, Duration stopAfter)
            throws InterruptedException {
        makeDefer(reactor, out, fireAfter);
        reactor.callLater(stopAfter, reactor::stop); // reactor.callLater(4, reactor.stop)
        reactor.run();                               // reactor.run()
    }

    /** The tutorial's {@code makeDefer()}: builds the chain, and a timer that will fire it. */
    static void makeDefer(Reactor reactor, PrintStream out, Duration fireAfter) {
        CompletableFuture<Integer> d = new CompletableFuture<>();
        d.thenApply(n -> printSquare(out, n))
         .thenApply(n -> printTwice(out, n));
        // reactor.callLater(2, d.callback, 5): the chain will run on the reactor thread.
        reactor.callLater(fireAfter, () -> d.complete(5));
    }
}
