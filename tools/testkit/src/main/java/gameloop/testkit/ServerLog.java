package gameloop.testkit;

import static org.awaitility.Awaitility.await;

import gameloop.shared.GameServer;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.eclipse.jetty.logging.JettyLogger;
import org.eclipse.jetty.logging.StdErrAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the servers in this test JVM log, so that a test can check the lines a chapter tells the
 * learner to look for. The lines are still printed as usual; a copy of each is kept as Jetty's
 * console logger prints it, e.g.
 * {@code 2026-12-03 04:40:01.123:INFO :gs.Players:gs3-jetty-41: player 1 left (0 online)}.
 *
 * <p>Tests run in parallel, so a server's lines are told apart by the thread that logged them:
 * every thread a {@link GameServer} starts has its {@link GameServer#threadNamePrefix() prefix}.
 * A line logged by another thread (the test's own, calling {@code close()}) cannot be matched.
 */
public final class ServerLog {

    /** Enough for every line a test could be waiting for; older ones go. */
    private static final int KEPT_LINES = 100_000;
    private static final Deque<String> LINES = new ArrayDeque<>();

    static {
        StdErrAppender console = (StdErrAppender) jettyLogger().getAppender();
        PrintStream printing = console.getStream() != null ? console.getStream() : System.err;
        console.setStream(new PrintStream(printing, true) {
            @Override
            public void println(Object line) { // the one method the appender calls, once per message
                keep(String.valueOf(line));
                super.println(line);
            }
        });
    }

    private ServerLog() {
    }

    /**
     * A logger of Jetty's console logging, whose appender every logger shares. While SLF4J is
     * still setting itself up on another thread (tests start in parallel), it hands out stand-ins
     * instead; the set-up takes milliseconds.
     */
    private static JettyLogger jettyLogger() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Logger logger = LoggerFactory.getLogger("gameloop");
            if (logger instanceof JettyLogger jetty) {
                return jetty;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The servers do not log through Jetty's console logger but " + logger.getClass());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Starts keeping lines, if not started yet. Call it before the server under test starts. */
    public static void capture() {
        // The static initializer does the work, once, whichever test comes first.
    }

    private static void keep(String line) {
        synchronized (LINES) {
            LINES.addLast(line);
            if (LINES.size() > KEPT_LINES) {
                LINES.removeFirst();
            }
        }
    }

    /** The messages (the text after the thread name) that {@code server}'s threads logged so far. */
    public static List<String> of(GameServer server) {
        String thread = ":" + server.threadNamePrefix();
        synchronized (LINES) {
            return LINES.stream()
                    .filter(line -> line.contains(thread))
                    .map(line -> line.substring(line.indexOf(": ", line.indexOf(thread)) + 2))
                    .toList();
        }
    }

    /** Waits until {@code server}'s threads have logged a message matching {@code regex} in full. */
    public static String awaitLine(GameServer server, String regex) {
        Pattern pattern = Pattern.compile(regex, Pattern.DOTALL);
        return await("a log line matching " + regex).until(
                () -> of(server).stream().filter(m -> pattern.matcher(m).matches()).findFirst().orElse(null),
                line -> line != null);
    }
}
