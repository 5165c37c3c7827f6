package gameloop.events;

import gameloop.shared.GameServer;
import gameloop.shared.ServerSettings;
import java.time.Duration;

/**
 * Example 04: each player has its own handler that waits for two kinds of event at once, a key
 * press or a tick, and handles whichever comes first. The game loop does not know the players:
 * it only announces each tick, and every waiting handler wakes up.
 *
 * <p>This is the article's example 3.4 ({@code game_loop_wait.py}). The one idea of this example
 * is in {@link PlayerHandler}; {@link TickSignal} is the counterpart of the article's
 * {@code asyncio.Condition}.
 *
 * <p>Run: {@code mvn -pl examples/04-multiple-events -am compile exec:java -Dport=8080 "-Dtick.ms=1000"},
 * open http://127.0.0.1:8080/, stop with Ctrl+C.
 */
public final class MultipleEventsServer {

    /** The article's loop sleeps 1 second between ticks. */
    private static final Duration ARTICLE_TICK = Duration.ofSeconds(1);

    private MultipleEventsServer() {
    }

    public static void main(String[] args) throws Exception {
        ServerSettings settings = ServerSettings.fromSystemProperties("04-multiple-events", ARTICLE_TICK);
        GameServer.runUntilShutdown(settings, MultipleEventsGame::new);
    }
}
