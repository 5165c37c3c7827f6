package gameloop.executor;

import gameloop.executor.GameState.Snapshot;
import gameloop.executor.GameState.Step;
import gameloop.shared.Game;
import gameloop.shared.GameContext;
import gameloop.shared.Player;
import gameloop.shared.Protocol;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A game loop that blocks, on a thread of its own, and hands every change to the thread that owns
 * the game's state: the Java form of the article's {@code run_in_executor} and
 * {@code run_coroutine_threadsafe(notify(), loop).result()}.
 *
 * <p>Three threads, three jobs:
 * <ul>
 *   <li><b>Jetty's threads</b> read the sockets, and finish the writes a full socket held up (a
 *       frame is written on the thread that sends it, here game-state, as far as the socket
 *       takes it). They never block on the game: a key press is handed to the state's owner,
 *       and the Jetty thread returns at once.</li>
 *   <li><b>game-state</b> (one thread) owns {@link GameState}. It runs only short tasks (record a
 *       key, echo it, apply a step, broadcast a tick), so it answers quickly; it is the part
 *       asyncio's event loop plays in the article, for the game's state alone.</li>
 *   <li><b>game-loop</b> (one thread, {@code CompletableFuture.runAsync(play, loopThread)}: the
 *       article's {@code run_in_executor}) runs {@link #play}: an ordinary blocking method that
 *       calls the blocking {@link Simulation}, sleeps until the tick is due, then hands the step
 *       to game-state and <em>waits</em> for the answer.</li>
 * </ul>
 *
 * <p>That wait is the article's {@code task.result()}, and it buys three things: backpressure (one
 * step in flight at most, so the loop can never run ahead of the owner and pile ticks up in its
 * queue), the next snapshot (which the loop needs), and the owner's exception, carried back to the
 * loop instead of lost. It has a timeout, so a stuck owner is reported instead of hanging the loop.
 *
 * <p>If the loop fails (the simulation throws, the owner throws, the owner is stuck), the failure
 * is logged with its stack trace and a new loop starts one period later. The tick number lives in
 * the state, so the new loop counts on from where the old one stopped.
 */
final class ThreadExecutorGame implements Game {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadExecutorGame.class);

    /**
     * How long the loop waits for game-state to apply a step. Its work per tick takes microseconds;
     * only an owner that is stuck (or buried under work) takes this long.
     */
    static final Duration HAND_OVER_TIMEOUT = Duration.ofSeconds(2);

    private final Duration period;
    private final Simulation simulation;
    private final Duration handOverTimeout;

    /** The article's {@code ThreadPoolExecutor(max_workers=1)}: the one thread that may block. */
    private final ExecutorService loopThread;
    /** The state's owner. A single thread, so its tasks run one at a time, in the order handed in. */
    private final ExecutorService owner;
    /** The thread behind {@link #owner}, for the confinement check and for reporting it stuck. */
    private volatile Thread ownerThread;
    /** Touched only on {@link #owner}; see {@link GameState}. */
    private final GameState state;

    /** Per player, the key presses handed to the owner and not yet handled; bounded. */
    private final KeyCounters keyCounters = new KeyCounters();

    private final Object lock = new Object();
    /** Guarded by {@link #lock}, like every field below. */
    private boolean closed;
    private int loopsStarted;
    private int failures;
    private Throwable lastFailure;

    ThreadExecutorGame(GameContext context) {
        this(context, Simulation.ARTICLE, Protocol::tick, HAND_OVER_TIMEOUT);
    }

    ThreadExecutorGame(GameContext context, Simulation simulation, LongFunction<String> tickMessage,
            Duration handOverTimeout) {
        this.period = context.tickPeriod();
        this.simulation = simulation;
        this.handOverTimeout = handOverTimeout;
        this.loopThread = Executors.newSingleThreadExecutor(context.threads("game-loop"));
        ThreadFactory stateThreads = context.threads("game-state");
        this.owner = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = stateThreads.newThread(runnable);
            ownerThread = thread; // a single-thread executor replaces its thread only if it dies
            return thread;
        });
        this.state = new GameState(context.players(), tickMessage, () -> Thread.currentThread() == ownerThread);
    }

    /** Like the article, the loop starts with the server and runs whether or not anyone plays. */
    @Override
    public void start() {
        synchronized (lock) {
            if (!closed) {
                startLoop(Duration.ZERO);
            }
        }
    }

    /**
     * On a Jetty thread: make the player's key counter. The state's owner is not told: the state
     * keeps no list of players (see {@link GameState#keyPressed}), so joins and leaves cost it
     * nothing, and a client that reconnects in a loop cannot fill its queue while it is stuck.
     */
    @Override
    public void playerJoined(Player player) {
        keyCounters.joined(player);
    }

    /** On a Jetty thread: hand the key to the state's owner, who records it and echoes it. */
    @Override
    public void keyPressed(Player player, int keyCode) {
        KeysOnTheirWay keys = keyCounters.admit(player, keyCode);
        if (keys == null) {
            return; // dropped: see KeyCounters
        }
        handOff(() -> {
            keys.taken();
            state.keyPressed(player, keyCode);
        });
    }

    @Override
    public void playerLeft(Player player) {
        keyCounters.left(player);
    }

    /**
     * The article's {@code call_soon_threadsafe}: queue a change for the state's owner and return
     * at once. The caller, a Jetty thread, must not wait for the game.
     */
    private void handOff(Runnable change) {
        try {
            owner.execute(() -> {
                try {
                    change.run();
                } catch (RuntimeException | Error e) {
                    // Caught here, an Error too: let out, it would end the state's owner thread
                    // for one bad change (logged, as every game thread's end is), and the
                    // executor would start another in its place.
                    LOG.error("A change to the game state failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // Only after close(): the server is going away, and this change with it.
            LOG.debug("Game state already stopped; dropped a change");
        }
    }

    /** Must hold {@link #lock}. */
    private void startLoop(Duration firstTickIn) {
        int number = ++loopsStarted;
        CompletableFuture<Void> task = CompletableFuture.runAsync(() -> play(number, firstTickIn), loopThread);
        // The future keeps the loop's exception; this is where it is looked at (see loopEnded).
        task.whenComplete((ignored, failure) -> loopEnded(number, failure));
    }

    /**
     * The loop: the article's {@code game_loop}, an ordinary method that blocks. Its first tick
     * is due at once (a restarted loop's, one period after the restart), each later one a period
     * after the one before was due (a fixed rate, as in the earlier examples), unless the
     * simulation blocked past that; see {@link #nextDue}. It ends only by an interrupt (the
     * server is stopping) or an exception.
     */
    private void play(int number, Duration firstTickIn) {
        long due = System.nanoTime() + firstTickIn.toNanos();
        try {
            sleepUntil(due); // a restarted loop waits one period first, so a loop that fails at once cannot spin
            Snapshot now = askOwner(state::snapshot);
            LOG.info("Game loop {} is running on {}; it hands each tick to {}",
                    number, Thread.currentThread().getName(), ownerThread.getName());
            while (true) {
                Step next = simulation.next(now); // the blocking library: may take long, may throw
                sleepUntil(due);                  // the article's sleep(1)
                now = askOwner(() -> state.apply(next)); // run_coroutine_threadsafe(notify()).result()
                due = nextDue(due);
            }
        } catch (InterruptedException e) {
            // close() asked us to stop: end here, and keep the flag for whoever runs us.
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The article's {@code run_coroutine_threadsafe(...)} followed by {@code .result()}: hands
     * {@code work} to the state's owner and waits for its answer, for {@link #handOverTimeout} at
     * most. Whatever the owner throws comes back here, on the loop thread, as the cause of a
     * {@link HandOverFailed}, with the owner's stack.
     *
     * <p>A plain {@link Future}, as Python's call returns a {@code concurrent.futures.Future}: its
     * {@code cancel} promises that work not started yet never runs, which a
     * {@code CompletableFuture}'s does not (that class has no hold on the work that completes it).
     */
    private <T> T askOwner(Supplier<T> work) throws InterruptedException {
        Future<T> answer = owner.submit(work::get);
        try {
            return answer.get(handOverTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new HandOverFailed("The game-state thread failed", e.getCause());
        } catch (TimeoutException e) {
            // Give up on it: if the owner has not started it yet, it never will. (If it has, it
            // finishes; the next snapshot includes it, so no tick number is repeated or skipped.)
            answer.cancel(false);
            throw HandOverFailed.stuck(ownerThread, handOverTimeout);
        } catch (InterruptedException e) {
            answer.cancel(false); // we are stopping: do not send one more tick
            throw e;
        }
    }

    /**
     * The next due time. If the simulation blocked past it, the missed ticks are not sent in a
     * burst to catch up: the next one is planned a period from now. (Tick numbers count ticks
     * sent, so there is no gap in them; the page shows the longer interval.)
     */
    private long nextDue(long due) {
        long next = due + period.toNanos();
        long now = System.nanoTime();
        return next - now >= 0 ? next : now + period.toNanos();
    }

    /** Sleeps until {@code due}; throws at once if interrupted, even when already late (as in 03). */
    private static void sleepUntil(long due) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        TimeUnit.NANOSECONDS.sleep(due - System.nanoTime());
    }

    /**
     * A loop has ended. The loop's thread runs this (or, for a loop that ended before this was
     * attached, the thread that started it). A stop is logged; anything else is a failure: logged
     * with its stack trace and counted, and, unless the server is stopping, the loop is restarted
     * one period later.
     */
    private void loopEnded(int number, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        synchronized (lock) {
            if (cause == null && closed) {
                LOG.info("Game loop {} stopped: the server is stopping", number);
                return;
            }
            if (cause == null) {
                cause = new IllegalStateException("the loop was interrupted, but nobody stopped it");
            }
            failures++;
            lastFailure = cause;
            LOG.error("Game loop {} failed{}", number,
                    closed ? "" : "; a new one starts in " + period.toMillis() + " ms", cause);
            if (!closed) {
                startLoop(period); // closed is set under this lock before the executor stops: never rejected
            }
        }
    }

    /** Players with a key counter: every player between its join and its leave (for tests). */
    int playersWithKeyCounters() {
        return keyCounters.size();
    }

    int loopsStarted() {
        synchronized (lock) {
            return loopsStarted;
        }
    }

    int failures() {
        synchronized (lock) {
            return failures;
        }
    }

    /** The last loop's failure, or null if none ever failed. */
    Throwable lastFailure() {
        synchronized (lock) {
            return lastFailure;
        }
    }

    /**
     * Stops the loop first (the interrupt ends its blocking call, and the loop ends on it), then
     * the state's owner, and waits for both threads. No tick can be sent after this returns.
     */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        // Outside the lock: the loop needs it to report how it ended.
        Game.stopAndAwait(loopThread);
        Game.stopAndAwait(owner, "game-state"); // last: until the loop has stopped, it may still ask the owner
    }

    /** The loop could not get an answer from the state's owner. */
    static final class HandOverFailed extends RuntimeException {

        HandOverFailed(String message, Throwable cause) {
            super(message, cause);
        }

        /** A timeout, with the owner's stack as the cause: where it is stuck is the first question. */
        static HandOverFailed stuck(Thread owner, Duration waited) {
            Throwable where = new Throwable(owner.getName() + " is here");
            where.setStackTrace(owner.getStackTrace());
            return new HandOverFailed("The game-state thread did not answer within " + waited.toMillis()
                    + " ms: it is stuck or overloaded", where);
        }
    }
}
