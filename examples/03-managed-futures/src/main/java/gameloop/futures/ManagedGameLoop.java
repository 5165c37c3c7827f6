package gameloop.futures;

import gameloop.shared.Game;
import gameloop.shared.GameContext;
import gameloop.shared.Player;
import gameloop.shared.Players;
import gameloop.shared.Protocol;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The game loop as one task that runs until it is cancelled, held as a {@code Future}: the Java
 * form of the article's {@code app["game_loop"] = asyncio.ensure_future(game_loop(app))}.
 *
 * <ul>
 *   <li><b>Cancel means interrupt.</b> The loop spends its life sleeping until the next tick.
 *       {@code cancel(true)} interrupts that sleep, and the loop ends at once. {@code cancel(false)}
 *       would only mark the {@code Future} cancelled: the loop would go on ticking, to nobody,
 *       forever, and, on its one thread, keep the next loop from ever starting.</li>
 *   <li><b>A failure is never silent.</b> An exception thrown by a task an executor runs is kept
 *       in its {@code Future}, and nobody sees it unless someone asks. Each loop here is a
 *       {@link FutureTask} whose {@code done()} asks: a crash is logged with its stack trace, and
 *       a new loop starts one period later while anyone is still connected. (The article's
 *       {@code add_done_callback(lambda t: t.result())} reports it, but never starts another
 *       loop: its check {@code cancelled()} is false for a loop that failed.)</li>
 *   <li><b>One decision, one lock</b>, as in example 02: joins, leaves and crashes all decide
 *       under the same lock, from the player count read inside it.</li>
 * </ul>
 */
final class ManagedGameLoop implements Game {

    private static final Logger LOG = LoggerFactory.getLogger(ManagedGameLoop.class);

    private final Players players;
    private final Duration period;
    /** What tick n says. The server says {@link Protocol#tick}; tests make it fail on purpose. */
    private final LongFunction<String> tickMessage;
    /** One thread: a new loop can start only once the old one has really ended. */
    private final ExecutorService loopThread;

    /** Every decision's lock. Only a test passes its own, to hold the decisions back at a chosen moment. */
    private final Object lock;
    /** The loop now running, or null. Guarded by {@link #lock}, like every field below. */
    private Loop loop;
    private int loopsStarted;
    private int crashes;
    private Throwable lastCrash;
    /** Set by {@link #close()}: no loop may start after it. */
    private boolean closed;

    ManagedGameLoop(GameContext context) {
        this(context, Protocol::tick);
    }

    ManagedGameLoop(GameContext context, LongFunction<String> tickMessage) {
        this(context, tickMessage, new Object());
    }

    ManagedGameLoop(GameContext context, LongFunction<String> tickMessage, Object lock) {
        this.lock = lock;
        this.players = context.players();
        this.period = context.tickPeriod();
        this.tickMessage = tickMessage;
        this.loopThread = Executors.newSingleThreadExecutor(context.threads("game-loop"));
    }

    @Override
    public void playerJoined(Player player) {
        reconcile();
    }

    @Override
    public void playerLeft(Player player) {
        reconcile();
    }

    /**
     * A loop runs exactly while someone is connected. Called on Jetty's threads, on the loop
     * thread when a failed send drops a player, and on the thread stopping the server.
     */
    private void reconcile() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            boolean anyone = players.count() > 0;
            if (anyone && loop == null) {
                loop = startLoop(Duration.ZERO);
            } else if (!anyone && loop != null) {
                // Interrupts its sleep; see the class comment. This may even run on the loop
                // thread itself: a send that fails drops its player there, and if that was the
                // last player, its leave lands here. The lock is re-entrant, and the loop then
                // ends at its next sleep.
                loop.cancel(true);
                loop = null;
            }
        }
    }

    /** Must hold {@link #lock}. */
    private Loop startLoop(Duration firstTickIn) {
        Loop started = new Loop(++loopsStarted, firstTickIn);
        loopThread.execute(started);
        if (firstTickIn.isZero()) {
            LOG.info("Game loop {} started", started.number);
        } else {
            LOG.info("Game loop {} started; its first tick in {} ms", started.number, firstTickIn.toMillis());
        }
        return started;
    }

    /**
     * The loop itself: sleep until tick n is due, then send it, at a fixed rate (tick n is
     * due at start + {@code firstTickIn} + (n − 1) × period, however long the sends took; after
     * a stall of several periods, the missed ticks go out back to back, as with
     * {@code scheduleAtFixedRate}). It ends only by interruption (a cancel) or by an exception,
     * which its {@code Future} keeps for {@link #loopEnded}.
     *
     * <p>An interrupt may also land in the middle of a broadcast. That is safe here, and worth
     * knowing why: an interrupted thread that does <em>blocking</em> I/O on a channel closes the
     * channel ({@code ClosedByInterruptException}). Jetty's sockets are non-blocking, and since
     * JDK 11 the JDK leaves non-blocking reads and writes alone, so the sends finish and the loop
     * ends at its next sleep. (A stray interrupt, not from a cancel, ends the loop the same way,
     * and counts as a crash; {@code ManagedGameLoopTest} sends one on purpose.)
     */
    private void play(Duration firstTickIn) throws InterruptedException {
        long due = System.nanoTime() + firstTickIn.toNanos();
        for (long tick = 1; ; tick++) {
            sleepUntil(due);
            players.broadcast(tickMessage.apply(tick));
            due += period.toNanos();
        }
    }

    /**
     * Sleeps until {@code due}; throws at once if interrupted, even when already late. Checked
     * first because {@code TimeUnit.sleep} of zero or less returns without looking at the
     * interrupt, so a loop running late could never be cancelled
     * ({@code ManagedGameLoopTest.aLoopRunningLateIsStillCancelled}).
     */
    private static void sleepUntil(long due) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        TimeUnit.NANOSECONDS.sleep(due - System.nanoTime());
    }

    /**
     * One run of the loop, and its {@code Future}. {@link #done()} is the Java counterpart of the
     * article's done callback: called once, when the task's {@code Future} completes, however it
     * completes, on the thread that completed it: the loop thread for a crash, the canceller's for
     * a cancel. A cancel completes the {@code Future} at once, so {@code done()} may then run while
     * the loop is still finishing its last round of sends (the one loop thread keeps the next loop
     * from starting before that round ends).
     */
    private final class Loop extends FutureTask<Void> {
        final int number;

        Loop(int number, Duration firstTickIn) {
            super(() -> {
                play(firstTickIn);
                return null;
            });
            this.number = number;
        }

        @Override
        protected void done() {
            loopEnded(this);
        }

        /**
         * Called on the loop thread when play() throws. If a cancel got in first (the last player
         * left a moment before the failure), the Future is already cancelled and quietly drops
         * the exception, and done() sees a cancel: so report the failure here, or it would
         * vanish. The cancel's own interrupt is not a failure (play() lets it out as an
         * InterruptedException, from its sleep; a task that did I/O could also see it as a
         * ClosedByInterruptException, which would need the same exemption).
         */
        @Override
        protected void setException(Throwable failure) {
            super.setException(failure);
            if (isCancelled() && !(failure instanceof InterruptedException)) {
                failedAsItWasCancelled(this, failure);
            }
        }
    }

    /** A loop has ended: a cancel is logged; a crash is logged, counted and, if needed, replaced. */
    private void loopEnded(Loop ended) {
        if (ended.isCancelled()) {
            loopCancelled(ended);
        } else {
            loopCrashed(ended, failureOf(ended));
        }
    }

    private void loopCancelled(Loop ended) {
        // A cancel runs this on the canceller's thread, inside cancel(), which both callers make
        // under the lock: so closed says which of them it was.
        boolean stopping;
        synchronized (lock) {
            stopping = closed;
        }
        LOG.info("Game loop {} cancelled: {}", ended.number, stopping ? "the server is stopping" : "the last player left");
    }

    private void loopCrashed(Loop ended, Throwable cause) {
        synchronized (lock) {
            recordCrash(cause);
            // The game may have let go of this loop already: a leave or close() that came after
            // the crash and before this ran (its cancel found the loop failed). Then there is
            // nothing to replace; the crash is still logged.
            boolean stillOurs = loop == ended;
            boolean replace = stillOurs && !closed && players.count() > 0;
            LOG.error("Game loop {} crashed{}", ended.number,
                    replace ? "; a new one starts now, its first tick in " + period.toMillis() + " ms" : "", cause);
            if (stillOurs) {
                // A period's pause, so a loop that fails at once cannot spin the CPU.
                loop = replace ? startLoop(period) : null;
            }
        }
    }

    /** A failure that lost the race to a cancel: counted and logged like a crash; nothing to replace. */
    private void failedAsItWasCancelled(Loop ended, Throwable cause) {
        synchronized (lock) {
            recordCrash(cause);
        }
        LOG.error("Game loop {} crashed as it was being cancelled", ended.number, cause);
    }

    /** Must hold {@link #lock}. */
    private void recordCrash(Throwable cause) {
        crashes++;
        lastCrash = cause;
    }

    /** What a done, uncancelled loop threw. (It never returns normally; if it did, that is a bug too.) */
    private static Throwable failureOf(Loop ended) {
        try {
            ended.get(); // done, so this does not wait
            return new IllegalStateException("the loop returned, which it never should");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cannot happen for a done task; keep the flag if it does
            return e;
        }
    }

    /** Whether a loop is running (for tests, and for curious readers). */
    boolean isRunning() {
        synchronized (lock) {
            return loop != null;
        }
    }

    int loopsStarted() {
        synchronized (lock) {
            return loopsStarted;
        }
    }

    int crashes() {
        synchronized (lock) {
            return crashes;
        }
    }

    /** The last loop's failure, or null if none ever failed. */
    Throwable lastCrash() {
        synchronized (lock) {
            return lastCrash;
        }
    }

    /** Cancels the loop, stops its thread and waits for it. No loop can start after this. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (loop != null) {
                loop.cancel(true);
                loop = null;
            }
        }
        // Outside the lock: a loop that crashes meanwhile needs the lock to report it.
        Game.stopAndAwait(loopThread);
    }
}
