package gameloop.shared;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link Game} is given: the players to talk to, the tick period, and a way to name its
 * threads. Every thread of one server shares a name prefix ("gs3-game-loop-1", "gs3-jetty-12"),
 * so a thread dump says who owns what, and a test can check that a stopped server left none.
 */
public record GameContext(Players players, Duration tickPeriod, String threadNamePrefix) {

    private static final Logger LOG = LoggerFactory.getLogger(GameContext.class);
    /** On each thread {@link #threads} made: the context whose game owns it. */
    private static final ThreadLocal<GameContext> OWNER = new ThreadLocal<>();
    /**
     * For every thread of a game server: what a thread throws and nobody catches has no caller to
     * go to, so it goes to the log instead of being printed to stderr past it.
     */
    static final Thread.UncaughtExceptionHandler LOG_UNCAUGHT =
            (thread, e) -> LOG.error("Thread {} died", thread.getName(), e);

    /**
     * Threads named "{prefix}{role}-{n}". Non-daemon, whichever thread makes them (a new thread
     * otherwise copies its maker's flag): the game owns them and must stop them, and one it
     * forgets keeps the JVM from exiting, where a daemon would hide the mistake.
     */
    public ThreadFactory threads(String role) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Runnable marked = () -> {
                OWNER.set(this);
                runnable.run();
            };
            Thread thread = new Thread(marked, threadNamePrefix + role + "-" + count.incrementAndGet());
            thread.setDaemon(false);
            thread.setUncaughtExceptionHandler(LOG_UNCAUGHT);
            return thread;
        };
    }

    /** True on a thread this context's game owns (one {@link #threads} made): its loop, say. */
    boolean isGameThread() {
        return OWNER.get() == this;
    }
}
