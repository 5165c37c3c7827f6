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
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A key arrives on a Jetty thread while the player's handler, on another, asks for the next
 * one. The key must reach the handler exactly once: handed over if the handler was waiting,
 * queued and given out at once if it was not. Never queued while the handler waits (it would sit
 * there until the next key came), and never both handed over and queued (it would be answered
 * twice).
 */
@JCStressTest
@Outcome(id = "65, 0, 1", expect = ACCEPTABLE, desc = "the key was queued first: the handler has it at once")
@Outcome(id = "65, 0, 0", expect = ACCEPTABLE, desc = "the handler waited first: the key was handed over")
@Outcome(id = {"0, 0, 0", "0, 0, 1"}, expect = FORBIDDEN, desc = "the key is stuck in the queue while the handler waits")
@Outcome(id = {"65, 1, 0", "65, 1, 1"}, expect = FORBIDDEN, desc = "the key is handed over and queued as well")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class KeyInboxRace {

    private final KeyInbox inbox = new KeyInbox();
    private CompletableFuture<OptionalInt> received;

    @Actor
    public void jettyDeliversKey65() {
        inbox.offer(65);
    }

    /** Also notes (r3) whether the future it was given was complete already. */
    @Actor
    public void handlerAsksForTheNextKey(III_Result r) {
        received = inbox.receive();
        r.r3 = received.isDone() ? 1 : 0;
    }

    /**
     * Runs once both are done: the key the handler got (0 if it still waits), and whether a key
     * is still queued (1), asked only once the handler's first receive is done, as the handler
     * itself would.
     */
    @Arbiter
    public void whatTheHandlerGot(III_Result r) {
        r.r1 = received.getNow(OptionalInt.of(0)).orElse(-1);
        r.r2 = received.isDone() && inbox.receive().isDone() ? 1 : 0;
    }
}
