package gameloop.loadgen;

import gameloop.shared.Game;
import gameloop.shared.GameContext;
import gameloop.shared.Players;
import gameloop.shared.Protocol;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A tiny fixed-rate game for the tests, like example 01's, with two knobs: it can send ticks
 * without a number (as the article's Python servers do), and it can skip one tick number on
 * request, so a test knows exactly how many ticks every client missed.
 */
final class TestGame implements Game {

    private final Players players;
    private final Duration period;
    private final boolean numbered;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean skipNext = new AtomicBoolean();
    /** Written by the loop thread only; volatile so a test can watch it. */
    private volatile long tickNumber;

    TestGame(GameContext context, boolean numbered) {
        this.players = context.players();
        this.period = context.tickPeriod();
        this.numbered = numbered;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(context.threads("test-game"));
    }

    @Override
    public void start() {
        scheduler.scheduleAtFixedRate(this::tick, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void tick() {
        long next = tickNumber + 1;
        if (skipNext.compareAndSet(true, false)) {
            next++; // the number in between is never sent, to anyone
        }
        tickNumber = next;
        players.broadcast(numbered ? Protocol.tick(next) : LoadClient.TICK_WORDS);
    }

    /** The next tick skips one number. */
    void skipOneTickNumber() {
        skipNext.set(true);
    }

    long tickNumber() {
        return tickNumber;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
