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
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * The player leaves (Jetty closes its inbox) while its handler asks for the next key. Whichever
 * comes first, the handler must hear "no more keys": a handler left waiting would hold its
 * player, and its place in the tick signal, until the server stops.
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the handler is told there are no more keys")
@Outcome(id = "0", expect = FORBIDDEN, desc = "the handler waits for a key that can never come")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class KeyInboxCloseRace {

    private final KeyInbox inbox = new KeyInbox();
    private CompletableFuture<OptionalInt> received;

    @Actor
    public void thePlayerLeaves() {
        inbox.close();
    }

    @Actor
    public void handlerAsksForTheNextKey() {
        received = inbox.receive();
    }

    /** Runs once both are done: 1 if the handler was told, 0 if it still waits, 2 if it got a key. */
    @Arbiter
    public void whatTheHandlerGot(I_Result r) {
        OptionalInt got = received.getNow(null);
        r.r1 = got == null ? 0 : got.isEmpty() ? 1 : 2;
    }
}
