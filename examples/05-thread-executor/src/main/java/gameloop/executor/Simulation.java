package gameloop.executor;

import gameloop.executor.GameState.Snapshot;
import gameloop.executor.GameState.Step;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The library that blocks: it works out the game's next step from a snapshot of its state. In a
 * real game this might be a physics engine, a call to a blocking client (JDBC, an old HTTP
 * library), or native code; it may take a long time, and it may fail. That is the article's one
 * reason for a thread: such a call must not run on a thread that others wait for.
 *
 * <p>It runs on the loop's own thread and never touches {@link GameState}: it gets an immutable
 * {@link Snapshot} and returns an immutable {@link Step}. To let the server stop, a call that
 * blocks must end when its thread is interrupted (as {@code sleep}, {@code wait},
 * {@code BlockingQueue.take} and {@code Future.get} do).
 */
@FunctionalInterface
interface Simulation {

    /** Works out the step after {@code now}. May block; may throw; must honour interrupts. */
    Step next(Snapshot now) throws InterruptedException;

    /**
     * The article's loop computes nothing: its one stand-in for blocking work is {@code sleep(1)}
     * (its other wait, for the event loop's answer, is the hand-over), and the loop does both
     * itself (see {@code ThreadExecutorGame.play}). So the default step is simply
     * the next tick; the tests plug in simulations that block for a minute, or fail.
     */
    Simulation ARTICLE = now -> new Step(now.tick() + 1);

    /**
     * The article's step, but every tenth one blocks for {@code block} first, as a slow library
     * call would ({@code -Dblock.ms}): the loop waits, the page shows the late tick, and the keys
     * typed meanwhile are still echoed at once, since the owner of the state is not the thread
     * that waits.
     */
    static Simulation blockingEveryTenthStep(Duration block) {
        return now -> {
            if (now.tick() % 10 == 9) {
                TimeUnit.NANOSECONDS.sleep(block.toNanos()); // ends at once on the stop's interrupt
            }
            return new Step(now.tick() + 1);
        };
    }
}
