package gameloop.events;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * A waiting handler gets a key on a Jetty thread and tick 1 on the loop's, at the same moment.
 * Its fields have no lock and are not {@code volatile}: one step writes them on one thread, the
 * next reads them on the other, and only the hand-over inside {@code CompletableFuture} orders
 * the two ({@link PlayerHandler}'s class comment says why that is enough). If a step could run
 * beside another, or miss what the one before it wrote, the key or the tick would be answered
 * twice or not at all. The outcome is what the player was sent, in order: either order is fine.
 *
 * <p>A step that touches a field after attaching its callback, even to write back the value it
 * read, fails here: the next step may already have run on the other thread, and the late write
 * undoes it (tick 1 is sent twice).
 */
@JCStressTest
@Outcome(id = "key 65, tick 1", expect = ACCEPTABLE, desc = "the key answered, then the tick sent (by whichever thread ran the step)")
@Outcome(id = "tick 1, key 65", expect = ACCEPTABLE, desc = "the tick sent, then the key answered (by whichever thread ran the step)")
@Outcome(expect = FORBIDDEN, desc = "the key or the tick lost or sent twice, or the handler failed")
@State
public class PlayerHandlerRace {

    private final TickSignal ticks = new TickSignal();
    /** What the player was sent, by whichever thread ran the step. */
    private final Queue<String> sent = new ConcurrentLinkedQueue<>();
    private final PlayerHandler handler = new PlayerHandler("race", text -> sent.add(shortly(text)),
            () -> sent.add("handler failed"), ticks, n -> "tick " + n);

    public PlayerHandlerRace() {
        handler.start(); // waits for a key or tick 1
    }

    @Actor
    public void jettyDeliversKey65() {
        handler.keyPressed(65);
    }

    @Actor
    public void loopAnnouncesTick1() {
        ticks.announce(1);
    }

    /**
     * Runs once both actors have returned, and so have the steps they ran: a step runs inside the
     * call that completes the future it waits for.
     */
    @Arbiter
    public void whatThePlayerWasSent(L_Result r) {
        r.r1 = String.join(", ", sent);
    }

    private static String shortly(String text) {
        return text.startsWith("Pressed key code: ") ? "key " + text.substring("Pressed key code: ".length()) : text;
    }
}
