package gameloop.events;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The player leaves (Jetty closes its inbox) while its handler asks for the next key. Whichever
 * comes first, the handler must hear "no more keys": a handler left waiting would hold its
 * player, and its place in the tick signal, until the server stops.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the player had left: the handler is told at once")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the handler waited first: it is told when the player leaves")
@Outcome(id = {"0, 0", "0, 1"}, expect = FORBIDDEN, desc = "the handler waits for a key that can never come")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class KeyInboxCloseRace {

    private final KeyInbox inbox = new KeyInbox();
    private CompletableFuture<OptionalInt> received;

    @Actor
    public void thePlayerLeaves() {
        inbox.close();
    }

    /** Also notes (r2) whether the future it was given was complete already. */
    @Actor
    public void handlerAsksForTheNextKey(II_Result r) {
        received = inbox.receive();
        r.r2 = received.isDone() ? 1 : 0;
    }

    /** Runs once both are done: 1 if the handler was told, 0 if it still waits. */
    @Arbiter
    public void whatTheHandlerGot(II_Result r) {
        r.r1 = received.getNow(OptionalInt.of(65)).isEmpty() ? 1 : 0;
    }
}
