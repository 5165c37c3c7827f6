package gameloop.basic;

import gameloop.shared.Game;
import gameloop.shared.GameContext;
import gameloop.shared.Players;
import gameloop.shared.Protocol;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The game loop of example 01: it starts with the server and ticks to every player, forever.
 *
 * <p>The article's loop is {@code while True: send to all; await asyncio.sleep(2)}. Its period
 * is "2 s plus however long the sends took", so it drifts as players are added. Here one
 * named thread runs the tick at a <em>fixed rate</em>: tick n is due at start + n × period,
 * however long tick n-1 took. (If one tick overruns the period, the next starts as soon as it
 * ends: a fixed-rate task never runs beside itself, whatever the pool. After a stall of several
 * periods, the missed ticks run back to back until the schedule has caught up.)
 */
final class FixedRateGameLoop implements Game {

    private static final Logger LOG = LoggerFactory.getLogger(FixedRateGameLoop.class);

    private final Players players;
    private final Duration period;
    /** What tick n says. The server says {@link Protocol#tick}; tests make it slow, or fail. */
    private final LongFunction<String> tickMessage;
    private final ScheduledExecutorService loopThread;
    /** Only the loop thread reads and writes it, so it needs no lock. */
    private long tickNumber;

    FixedRateGameLoop(GameContext context) {
        this(context, Protocol::tick);
    }

    FixedRateGameLoop(GameContext context, LongFunction<String> tickMessage) {
        this.players = context.players();
        this.period = context.tickPeriod();
        this.tickMessage = tickMessage;
        this.loopThread = Executors.newSingleThreadScheduledExecutor(context.threads("game-loop"));
    }

    @Override
    public void start() {
        long nanos = period.toNanos();
        // The first tick one period in: the article's loop sends first, but to nobody yet (it
        // starts with the server), so there too the first tick anyone can get comes a period
        // after the start, and a player gets the next beat after it joins.
        loopThread.scheduleAtFixedRate(this::tick, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * One iteration. It must not throw: a periodic task that throws is silently never run
     * again by {@link ScheduledExecutorService}, and the game would stop for everyone with
     * nothing in the log. (Sends themselves never throw; a failed send drops its player only.)
     *
     * <p>That holds for an {@link Error} too, so the catch is for {@link Throwable}: an
     * {@code AssertionError} or a {@code StackOverflowError} in one tick is logged, and the next
     * tick runs. So does an {@code OutOfMemoryError}; a production server would rather be started
     * with {@code -XX:+ExitOnOutOfMemoryError} and restarted by whatever runs it.
     */
    private void tick() {
        try {
            tickNumber++;
            players.broadcast(tickMessage.apply(tickNumber));
        } catch (Throwable e) {
            LOG.error("Tick {} failed; the loop goes on", tickNumber, e);
        }
    }

    /** Stops the loop and waits for its thread: no tick can run after this returns. */
    @Override
    public void close() {
        Game.stopAndAwait(loopThread);
    }
}
