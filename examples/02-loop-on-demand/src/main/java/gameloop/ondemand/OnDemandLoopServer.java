package gameloop.ondemand;

import gameloop.shared.GameServer;
import gameloop.shared.ServerSettings;
import java.time.Duration;

/**
 * Example 02: the game loop runs only while someone plays. The first player to join starts it;
 * when the last one leaves, it stops. Key presses are echoed as in example 01.
 *
 * <p>This is the article's example 3.2 ({@code game_loop_handler.py}). The one idea of this
 * example is in {@link OnDemandGameLoop}.
 *
 * <p>Run: {@code mvn -pl examples/02-loop-on-demand -am compile exec:java -Dport=8080 "-Dtick.ms=2000"},
 * open http://127.0.0.1:8080/, stop with Ctrl+C.
 */
public final class OnDemandLoopServer {

    /** The article's loop sleeps 2 seconds between ticks. */
    private static final Duration ARTICLE_TICK = Duration.ofSeconds(2);

    private OnDemandLoopServer() {
    }

    public static void main(String[] args) throws Exception {
        ServerSettings settings = ServerSettings.fromSystemProperties("02-loop-on-demand", ARTICLE_TICK);
        GameServer.runUntilShutdown(settings, OnDemandGameLoop::new);
    }
}
