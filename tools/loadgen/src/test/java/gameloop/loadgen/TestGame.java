package gameloop.loadgen;

import gameloop.shared.Game;
import gameloop.shared.GameContext;
import gameloop.shared.Player;
import gameloop.shared.Players;
import gameloop.shared.Protocol;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A tiny fixed-rate game for the tests, like example 01's, with knobs that misbehave in ways the
 * tool must see: it can send ticks without a number (as the article's first Python servers do), skip
 * one tick number, stop ticking to half its players without closing them, send one player its
 * ticks late, close a player, answer key presses late, and never answer one key.
 */
final class TestGame implements Game {

    private final Players players;
    private final Duration period;
    private final boolean numbered;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean skipNext = new AtomicBoolean();
    private final Set<Player> online = ConcurrentHashMap.newKeySet();
    private volatile boolean halfMuted;
    private volatile Player lagging;
    private volatile Duration lag = Duration.ZERO;
    private volatile Duration echoDelay = Duration.ZERO;
    private volatile int neverEchoed = -1;
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
        String tick = numbered ? Protocol.tick(next) : LoadClient.TICK_WORDS;
        Player behind = lagging;
        if (halfMuted) {
            online.stream().filter(p -> p.id() % 2 == 0).forEach(p -> p.send(tick));
        } else if (behind != null) {
            online.stream().filter(p -> p != behind).forEach(p -> p.send(tick));
            scheduler.schedule(() -> behind.send(tick), lag.toNanos(), TimeUnit.NANOSECONDS);
        } else {
            players.broadcast(tick);
        }
    }

    @Override
    public void playerJoined(Player player) {
        online.add(player);
    }

    @Override
    public void playerLeft(Player player) {
        online.remove(player);
    }

    @Override
    public void keyPressed(Player player, int keyCode) {
        Duration delay = echoDelay;
        if (keyCode == neverEchoed) {
            return; // lost, as far as the player can tell
        }
        if (delay.isZero()) {
            Game.super.keyPressed(player, keyCode);
        } else {
            scheduler.schedule(() -> player.send(Protocol.pressed(keyCode)), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** From the next tick on, players with an odd id get no more ticks; their connections stay open. */
    void muteHalfThePlayers() {
        halfMuted = true;
    }

    /** From the next tick on, one player gets every tick this late; the others on time. */
    void sendOnePlayerItsTicksLate(Duration delay) {
        lag = delay;
        lagging = online.stream().findAny().orElseThrow();
    }

    /**
     * How many players this game has been told of. The server counts a player a moment before
     * telling the game, so a test about to act on the game's players waits for this count.
     */
    int onlineCount() {
        return online.size();
    }

    /** Closes one player's connection, with this code and reason. */
    void closeOnePlayer(int statusCode, String reason) {
        online.stream().findAny().orElseThrow().close(statusCode, reason);
    }

    /** Every echo from now on is sent this late. */
    void delayEchoes(Duration delay) {
        echoDelay = delay;
    }

    /** From now on, presses of this key get no echo. */
    void neverEcho(int keyCode) {
        neverEchoed = keyCode;
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
