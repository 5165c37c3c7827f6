package gameloop.events;

import gameloop.shared.Game;
import gameloop.shared.GameContext;
import gameloop.shared.Player;
import gameloop.shared.Protocol;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The game of example 04. The loop only announces ticks ({@link TickSignal}); it holds no list
 * of players and sends nothing itself. Each player's {@link PlayerHandler} waits for its own
 * events and does its own sending, as in the article, where the handlers, not the loop, own the
 * sockets.
 *
 * <p>The map below is not a list to send to: it only routes a key press from Jetty's endpoint to
 * the right handler. A player's handler is in the map before that player can press a key (Jetty
 * delivers a connection's frames only after its open has returned) or leave (the server tells
 * the game of a leave only after the join has returned, see {@code Game.playerJoined}).
 * Different players run concurrently, hence a concurrent map.
 */
final class MultipleEventsGame implements Game {

    private static final Logger LOG = LoggerFactory.getLogger(MultipleEventsGame.class);

    private final TickSignal ticks = new TickSignal();
    private final Map<Player, PlayerHandler> handlers = new ConcurrentHashMap<>();
    private final Duration period;
    private final LongFunction<String> tickMessage;
    private final ScheduledExecutorService loopThread;
    /** Only the loop thread reads and writes it. */
    private long tickNumber;

    MultipleEventsGame(GameContext context) {
        this(context, Protocol::tick);
    }

    /** @param tickMessage what tick n says; the server says {@link Protocol#tick}, tests make it slow */
    MultipleEventsGame(GameContext context, LongFunction<String> tickMessage) {
        this.tickMessage = tickMessage;
        this.period = context.tickPeriod();
        this.loopThread = Executors.newSingleThreadScheduledExecutor(context.threads("game-loop"));
    }

    @Override
    public void start() {
        long nanos = period.toNanos();
        loopThread.scheduleAtFixedRate(this::tick, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** Never throws, not even an {@link Error}: a periodic task that throws is silently never run again. */
    private void tick() {
        try {
            ticks.announce(++tickNumber);
        } catch (Throwable e) {
            LOG.error("Tick {} failed; the loop goes on", tickNumber, e);
        }
    }

    @Override
    public void playerJoined(Player player) {
        PlayerHandler handler = new PlayerHandler(player.toString(), player::send,
                () -> player.closeForServerError("the game failed on this player"), ticks, tickMessage);
        handlers.put(player, handler);
        handler.start();
    }

    @Override
    public void keyPressed(Player player, int keyCode) {
        PlayerHandler handler = handlers.get(player);
        if (handler != null) {
            handler.keyPressed(keyCode);
        }
    }

    @Override
    public void playerLeft(Player player) {
        PlayerHandler handler = handlers.remove(player);
        if (handler != null) {
            handler.stop();
        }
    }

    /** How many players have a handler, so that their keys reach it; for tests. */
    int playersWithAHandler() {
        return handlers.size();
    }

    /** How many handlers wait for the next tick; for tests. */
    int waitingForTick() {
        return ticks.waiting();
    }

    /**
     * Stops the loop and waits for its thread: no tick is announced after this returns. No
     * "closed" guard is needed for players: a handler holds no thread, and one started for a
     * player let in while this runs only waits for a tick that will not come, until that player
     * leaves, which the server makes happen next (it closes every player after the game).
     */
    @Override
    public void close() {
        Game.stopAndAwait(loopThread);
    }
}
