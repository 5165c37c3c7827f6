package gameloop.executor;

import gameloop.shared.GameServer;
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
 * <p>Run: {@code mvn -pl examples/05-thread-executor -am compile exec:java -Dport=8080 -Dtick.ms=1000},
 * open http://127.0.0.1:8080/, stop with Ctrl+C.
 */
public final class ThreadExecutorServer {

    /** The article's loop calls {@code sleep(1)}: one tick a second. */
    private static final Duration ARTICLE_TICK = Duration.ofSeconds(1);

    private ThreadExecutorServer() {
    }

    public static void main(String[] args) throws Exception {
        ServerSettings settings = ServerSettings.fromSystemProperties("05-thread-executor", ARTICLE_TICK);
        GameServer.runUntilShutdown(settings, ThreadExecutorGame::new);
    }
}
