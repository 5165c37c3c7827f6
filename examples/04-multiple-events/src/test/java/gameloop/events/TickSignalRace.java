package gameloop.events;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The race {@link TickSignal} exists for: a handler that has seen tick 0 asks for the next one
 * on its thread while the loop announces tick 1 on its own. In asyncio one runs after the other;
 * here the announcement can fall between the handler's two reads, of the newest tick and of the
 * future of the next. Whichever comes first, the handler must get tick 1: at once if it is out
 * already, or when the announcement completes the future it was given.
 *
 * <p>Read without the signal's lock, the handler can see "0 is the newest" and then the future
 * of tick 2: it would get tick 2 a period later, and never tick 1. The outcomes say which order
 * happened, so the table shows both sides of the race.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "tick 1 was out already: the handler has it at once")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the handler asked first, and tick 1 came when announced")
@Outcome(id = {"0, 0", "0, 1"}, expect = FORBIDDEN, desc = "tick 1 is lost: the handler waits for tick 2")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class TickSignalRace {

    private final TickSignal ticks = new TickSignal();
    private CompletableFuture<Long> next;

    @Actor
    public void loopAnnouncesTick1() {
        ticks.announce(1);
    }

    /** Also notes (r2) whether the future it was given was complete already. */
    @Actor
    public void handlerAsksForTheTickAfter0(II_Result r) {
        next = ticks.after(0);
        r.r2 = next.isDone() ? 1 : 0;
    }

    /** Runs once both are done: the tick the handler's future holds by now (0 if none). */
    @Arbiter
    public void whatTheHandlerGot(II_Result r) {
        r.r1 = next.getNow(0L).intValue();
    }
}
