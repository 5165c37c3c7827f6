package gameloop.basic;

import gameloop.shared.GameServer;
import gameloop.shared.ServerSettings;
import java.time.Duration;

/**
 * Example 01: one game loop, started with the server, ticks to every connected client at a
 * fixed rate, while each client's key presses are echoed back to that client alone.
 *
 * <p>This is the article's example 3.1 ({@code game_loop_basic.py}). The Jetty wiring lives in
 * {@link GameServer}; the one idea of this example is in {@link FixedRateGameLoop}.
 *
 * <p>Run: {@code mvn -pl examples/01-basic-loop -am compile exec:java -Dport=8080 "-Dtick.ms=2000"},
 * open http://127.0.0.1:8080/, stop with Ctrl+C.
 */
public final class BasicLoopServer {

    /** The article's loop sleeps 2 seconds between ticks. */
    private static final Duration ARTICLE_TICK = Duration.ofSeconds(2);

    private BasicLoopServer() {
    }

    public static void main(String[] args) throws Exception {
        ServerSettings settings = ServerSettings.fromSystemProperties("01-basic-loop", ARTICLE_TICK);
        GameServer.runUntilShutdown(settings, FixedRateGameLoop::new);
    }
}
