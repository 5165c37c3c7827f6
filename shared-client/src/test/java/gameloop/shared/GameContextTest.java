package gameloop.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GameContextTest {

    /**
     * A new thread copies its maker's daemon flag, and a game may make its threads on any thread
     * (a daemon one, in a test run in parallel): the game's must be non-daemon all the same, so a
     * thread the game forgets to stop shows, by keeping the JVM up.
     */
    @Test
    void aGameThreadMadeOnADaemonThreadIsNoDaemonAndIsNamedAndLogged() throws Exception {
        GameContext context = new GameContext(null, Duration.ofMillis(50), "game-context-test-");
        CompletableFuture<Thread> made = new CompletableFuture<>();
        Thread maker = new Thread(() -> made.complete(context.threads("loop").newThread(() -> { })),
                "game-context-test-maker");
        maker.setDaemon(true);
        maker.start();

        Thread thread = made.get(10, TimeUnit.SECONDS);
        maker.join(10_000);
        assertFalse(thread.isDaemon(), "a game thread made on a daemon thread is a daemon too");
        assertEquals("game-context-test-loop-1", thread.getName());
        assertSame(GameContext.LOG_UNCAUGHT, thread.getUncaughtExceptionHandler());
    }
}
