package gameloop.executor;

import gameloop.shared.GameServer;
import gameloop.shared.Protocol;
import gameloop.shared.ServerSettings;
import java.time.Duration;

/**
 * Example 05: the game loop is an ordinary blocking method, run on a thread of its own, and it
 * changes the game's state only by handing each change to the one thread that owns that state.
 * Key presses are echoed by that same owner, so they stay quick however long the loop blocks.
 *
 * <p>This is the article's example 3.5 ({@code game_loop_thread.py}). The one idea of this
 * example is in {@link ThreadExecutorGame}; the state it hands over to is {@link GameState}.
 *
 * <p>Run: {@code mvn -pl examples/05-thread-executor -am compile exec:java -Dport=8080 "-Dtick.ms=1000"},
 * open http://127.0.0.1:8080/, stop with Ctrl+C. {@code -Dblock.ms=4000} makes every tenth step of
 * the simulation block for 4 s, to watch the echoes stay quick while the loop waits.
 */
public final class ThreadExecutorServer {

    /** The article's loop calls {@code sleep(1)}: one tick a second. */
    private static final Duration ARTICLE_TICK = Duration.ofSeconds(1);

    private ThreadExecutorServer() {
    }

    public static void main(String[] args) throws Exception {
        ServerSettings settings = ServerSettings.fromSystemProperties("05-thread-executor", ARTICLE_TICK);
        Simulation simulation = simulation(System.getProperty("block.ms"));
        GameServer.runUntilShutdown(settings, context -> new ThreadExecutorGame(
                context, simulation, Protocol::tick, ThreadExecutorGame.HAND_OVER_TIMEOUT));
    }

    /**
     * {@code -Dblock.ms}: if set, every tenth step of the simulation blocks that long, so the
     * lesson shows in the browser (the ticks pause; the echoes do not). Without it, the article's
     * step, which blocks for nothing. Read here, with the other settings, so that a typo fails
     * before anything starts.
     */
    static Simulation simulation(String blockMs) {
        return ServerSettings.millis("block.ms", blockMs, 1)
                .map(Simulation::blockingEveryTenthStep)
                .orElse(Simulation.ARTICLE);
    }
}
