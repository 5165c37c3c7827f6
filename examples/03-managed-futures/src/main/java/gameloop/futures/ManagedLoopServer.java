package gameloop.futures;

import gameloop.shared.GameServer;
import gameloop.shared.ServerSettings;
import java.time.Duration;

/**
 * Example 03: the game loop is one long-running task, held as a {@code Future}. The first player
 * starts it, the last one cancels it, and if it ever fails, the failure is reported and a new
 * loop takes over. Key presses are echoed as in example 01.
 *
 * <p>This is the article's example 3.3 ({@code game_loop_global.py}). The one idea of this
 * example is in {@link ManagedGameLoop}.
 *
 * <p>Run: {@code mvn -pl examples/03-managed-futures -am compile exec:java -Dport=8080 "-Dtick.ms=2000"},
 * open http://127.0.0.1:8080/, stop with Ctrl+C.
 */
public final class ManagedLoopServer {

    /** The article's loop sleeps 2 seconds between ticks. */
    private static final Duration ARTICLE_TICK = Duration.ofSeconds(2);

    private ManagedLoopServer() {
    }

    public static void main(String[] args) throws Exception {
        ServerSettings settings = ServerSettings.fromSystemProperties("03-managed-futures", ARTICLE_TICK);
        GameServer.runUntilShutdown(settings, ManagedGameLoop::new);
    }
}
