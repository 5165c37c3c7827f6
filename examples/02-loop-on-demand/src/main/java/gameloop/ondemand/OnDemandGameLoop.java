package gameloop.ondemand;

import gameloop.shared.Game;
import gameloop.shared.GameContext;
import gameloop.shared.Player;
import gameloop.shared.Players;
import gameloop.shared.Protocol;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A game loop that runs only while someone plays: the first player to join starts a match, and
 * the match ends when the last player leaves. Each match ticks at a fixed rate, as in example 01,
 * and numbers its ticks from 1.
 *
 * <p>The article keeps a flag, {@code game_is_running}, and the loop sets it only once it has
 * started running. Two players who connect at the same moment can both see it still false and
 * start two loops, and then everyone gets every tick twice. Here two things make that, and its
 * mirror image, impossible:
 * <ul>
 *   <li>one method, {@link #reconcile()}, decides for both joins and leaves, under one lock, and
 *       it decides from the player count it reads <em>inside</em> the lock. Every join and every
 *       leave is followed by a call, so whichever call comes last sees the final count, and
 *       leaves the loop running exactly when someone is there. (Deciding from a count passed
 *       in, or read before the lock, could stop the loop just after a new player arrived, and
 *       leave that player waiting for ticks forever.)</li>
 *   <li>"running" is the match itself, stored in the same step that schedules its ticks, so it
 *       can never be true late or false early.</li>
 * </ul>
 */
final class OnDemandGameLoop implements Game {

    private static final Logger LOG = LoggerFactory.getLogger(OnDemandGameLoop.class);

    private final Players players;
    private final Duration period;
    /** What tick n says. The server says {@link Protocol#tick}; tests make it slow. */
    private final LongFunction<String> tickMessage;
    /**
     * One thread, created at the first match and kept for the server's life, idle between
     * matches. Being one, it never runs two ticks at once, not even the last tick of one match
     * and the first of the next.
     */
    private final ScheduledThreadPoolExecutor loopThread;

    /** Every decision's lock. Only a test passes its own, to hold the decisions back at a chosen moment. */
    private final Object lock;
    /** The match being played, or null when nobody plays. Guarded by {@link #lock}. */
    private Match running;
    /** How many matches have started. Guarded by {@link #lock}. */
    private int matches;
    /** Set by {@link #close()}: no match may start after it. Guarded by {@link #lock}. */
    private boolean closed;

    OnDemandGameLoop(GameContext context) {
        this(context, Protocol::tick);
    }

    OnDemandGameLoop(GameContext context, LongFunction<String> tickMessage) {
        this(context, tickMessage, new Object());
    }

    OnDemandGameLoop(GameContext context, LongFunction<String> tickMessage, Object lock) {
        this.lock = lock;
        this.players = context.players();
        this.period = context.tickPeriod();
        this.tickMessage = tickMessage;
        this.loopThread = new ScheduledThreadPoolExecutor(1, context.threads("game-loop"));
        // A stopped match's next tick would otherwise wait in the queue until it fell due, a whole
        // period later: with players coming and going and a long period, thousands of dead tasks.
        // One case escapes it: a match stopped while its tick is running, in the instant after the
        // tick's work and before the executor queues the next one. The JDK queues it anyway, and
        // it waits one period, then is dropped without running. At most one per match, and rare.
        loopThread.setRemoveOnCancelPolicy(true);
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
     * Makes "is a match running?" agree with "is anyone connected?". Called on Jetty's threads,
     * on the loop thread when a failed send drops a player, and on the thread stopping the server.
     */
    private void reconcile() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            int online = players.count();
            if (online > 0 && running == null) {
                running = new Match(++matches);
                running.start();
                LOG.info("Match {} started: a player joined an empty server", running.number);
            } else if (online == 0 && running != null) {
                running.stop();
                LOG.info("Match {} is over: the last player left", running.number);
                running = null;
            }
        }
    }

    /** Whether a match is ticking right now (for tests, and for curious readers). */
    boolean isRunning() {
        synchronized (lock) {
            return running != null;
        }
    }

    /** How many matches have started since the server started. */
    int matchesStarted() {
        synchronized (lock) {
            return matches;
        }
    }

    /** Ticks waiting in the loop's queue, of this match and of stopped ones (for tests). */
    int ticksQueued() {
        return loopThread.getQueue().size();
    }

    /** Ends the current match, if any, and stops the loop thread and waits for it. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (running != null) {
                running.stop();
                LOG.info("Match {} is over: the server is stopping", running.number);
                running = null;
            }
        }
        // Wait outside the lock: the loop thread itself may need it. A send that fails during a
        // tick drops its player on the spot, and that leave calls reconcile() on the loop thread.
        Game.stopAndAwait(loopThread);
    }

    /**
     * One match: from the first player joining an empty server to the last one leaving. Its tick
     * counter is touched only by the loop thread, so it needs no lock, even though matches begin
     * and end on other threads (Jetty's, mostly; a match can also end on the loop thread, when a
     * failed send drops the last player, or on the thread that stops the server).
     */
    private final class Match {
        final int number;
        /** Its ticks, once started. Only {@link #start} and {@link #stop} touch it, under {@link #lock}. */
        private ScheduledFuture<?> ticking;
        private long tickNumber;

        Match(int number) {
            this.number = number;
        }

        void start() {
            // Delay 0: the first player gets tick 1 at once, as the article's loop sends first.
            ticking = loopThread.scheduleAtFixedRate(this::tick, 0, period.toNanos(), TimeUnit.NANOSECONDS);
        }

        /**
         * No tick of this match starts after this. One already under way is not interrupted: it
         * finishes its round of sends, to whoever is in the set as it walks it (rarely, a newcomer,
         * who then sees this match's last tick before the next match's tick 1; never the player
         * whose leave stopped the match, who is marked gone before the game hears of it).
         */
        void stop() {
            ticking.cancel(false);
        }

        /**
         * Must not throw, not even an {@link Error}: a periodic task that throws is never run
         * again, silently, and this match would stay "running" with no ticks (see 01's tick).
         */
        private void tick() {
            try {
                tickNumber++;
                players.broadcast(tickMessage.apply(tickNumber));
            } catch (Throwable e) {
                LOG.error("Match {}, tick {} failed; the loop goes on", number, tickNumber, e);
            }
        }
    }
}
