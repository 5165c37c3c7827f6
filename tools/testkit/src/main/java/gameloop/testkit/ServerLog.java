package gameloop.testkit;

import static org.awaitility.Awaitility.await;

import gameloop.shared.GameServer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionFactory;
import org.eclipse.jetty.logging.JettyLogger;
import org.eclipse.jetty.logging.StdErrAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.SubstituteLogger;

/**
 * What the servers in this test JVM log, so that a test can check the lines a chapter tells the
 * learner to look for. The lines are still printed as usual; a copy of each is kept, with the
 * name of the thread that logged it.
 *
 * <p>Tests run in parallel, so a server's lines are told apart by that thread: every thread a
 * {@link GameServer} starts has its {@link GameServer#threadNamePrefix() prefix}. A line logged by
 * another thread (the test's own, calling {@code close()}) belongs to no server.
 */
public final class ServerLog {

    /** Enough for every line a test could be waiting for (a whole suite logs a few thousand). */
    private static final int KEPT_LINES = 100_000;

    private record Line(String thread, String text) {
    }

    private static final Deque<Line> LINES = new ArrayDeque<>();
    /** Set once, under the class's lock, by {@link #capture()}; read by any test thread. */
    private static volatile boolean capturing;

    private ServerLog() {
    }

    /**
     * Starts keeping lines, if not started yet. Call it before the server under test starts.
     *
     * <p>Jetty's console logger prints each message with one {@code println(Object)} on the thread
     * that logged it, to its stream or, when it has none, to whatever {@code System.err} is then.
     * The stream set here keeps a copy and prints it the same way, in one call, so it cannot be
     * split by another thread's output.
     */
    public static synchronized void capture() {
        if (capturing) {
            return;
        }
        StdErrAppender console = (StdErrAppender) jettyLogger().getAppender();
        PrintStream own = console.getStream();
        console.setStream(new PrintStream(OutputStream.nullOutputStream()) {
            @Override
            public void println(Object message) {
                String text = String.valueOf(message);
                keep(new Line(Thread.currentThread().getName(), text));
                (own != null ? own : System.err).println(text);
            }
        });
        capturing = true;
    }

    /**
     * A logger of Jetty's console logging, whose appender every logger shares. SLF4J was set up
     * before the first test ran ({@link BeforeAnyTest}), so this is the real logger, never a
     * stand-in.
     */
    private static JettyLogger jettyLogger() {
        Logger logger = LoggerFactory.getLogger("gameloop");
        if (logger instanceof JettyLogger jetty) {
            return jetty;
        }
        throw new IllegalStateException("The servers do not log through Jetty's console logger but " + logger.getClass()
                + (logger instanceof SubstituteLogger ? ": SLF4J was still setting itself up, so BeforeAnyTest did not run" : ""));
    }

    private static void keep(Line line) {
        synchronized (LINES) {
            LINES.addLast(line);
            if (LINES.size() > KEPT_LINES) {
                LINES.removeFirst();
            }
        }
    }

    /**
     * The messages {@code server}'s threads logged so far: each line without the time, level,
     * logger and thread that Jetty prints before it ({@code 2026-12-05 04:40:01.123:INFO :gameloop.shared.Players:gs3-jetty-41: }).
     */
    public static List<String> of(GameServer server) {
        return ofThreadsNamed(server.threadNamePrefix());
    }

    /**
     * The messages logged so far by threads whose names begin with {@code prefix}: for lines a
     * test's own thread logs before there is a server to name (a start that fails, say).
     */
    public static List<String> ofThreadsNamed(String prefix) {
        synchronized (LINES) {
            return LINES.stream()
                    .filter(line -> line.thread().startsWith(prefix))
                    .map(line -> line.text().substring(line.text().indexOf(line.thread() + ": ") + line.thread().length() + 2))
                    .toList();
        }
    }

    /**
     * Closes {@code server} on a thread named like its own Ctrl+C hook, and waits for that, so
     * the lines {@code close()} logs count as the server's (a test thread's would not).
     */
    public static void closeOnTheServersOwnThread(GameServer server) throws Exception {
        startClosingOnTheServersOwnThread(server).finish();
    }

    /**
     * Starts closing {@code server} on a thread named like its own Ctrl+C hook, and returns at
     * once: for a test that acts while the close is under way (while it waits for the players to
     * leave, say), then calls {@link Closing#finish()}.
     */
    public static Closing startClosingOnTheServersOwnThread(GameServer server) {
        FutureTask<Void> task = new FutureTask<>(server::close, null); // its failure fails whoever finishes it
        Thread thread = new Thread(task, server.threadNamePrefix() + "shutdown");
        thread.start();
        return new Closing(thread, task);
    }

    /** A {@code close()} under way on the server's own shutdown thread. */
    public record Closing(Thread thread, FutureTask<Void> task) {

        /**
         * True while the close waits, after its goodbye, for the players to leave. Not any timed
         * wait: stopping a game's threads or Jetty's waits on timers too, and a test that took one
         * of those for the goodbye's would go on too early.
         */
        public boolean isWaitingForThePlayersToLeave() {
            return thread.getState() == Thread.State.TIMED_WAITING
                    && Arrays.stream(thread.getStackTrace()).anyMatch(frame ->
                            frame.getClassName().equals("gameloop.shared.Players") && frame.getMethodName().equals("awaitNoneOnline"));
        }

        /** Waits for the close to end (10 s at most); what it threw is thrown here. */
        public void finish() throws Exception {
            task.get(10, TimeUnit.SECONDS);
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    /**
     * How long the players took to leave after {@code server}'s {@code close()} said goodbye, in
     * ms, from the line it logs once they all have. Only the goodbye is timed, not the rest of
     * the stop, so a busy machine hardly moves it: a few ms when each player leaves as its close
     * frame is written, the whole one-second timeout when the server failed to notice them go.
     * Fails at once, saying so, if the server cut players off instead.
     */
    public static long goodbyeMillis(GameServer server) {
        String line = awaitLine(server, "(Said goodbye to|\\d+ players? could not be sent the close frame) .*");
        Matcher matcher = Pattern.compile("Said goodbye to \\d+ players?; (?:it|all) left within (\\d+) ms").matcher(line);
        if (!matcher.matches()) {
            throw new AssertionError("the server did not see every player leave after its goodbye: " + line);
        }
        return Long.parseLong(matcher.group(1));
    }

    /** Waits until {@code server}'s threads have logged a message matching {@code regex} in full. */
    public static String awaitLine(GameServer server, String regex) {
        return awaitLine(server, regex, await(lineOf(server, regex)));
    }

    /** {@link #awaitLine(GameServer, String)}, waiting up to {@code atMost}. */
    public static String awaitLine(GameServer server, String regex, Duration atMost) {
        return awaitLine(server, regex, await(lineOf(server, regex)).atMost(atMost));
    }

    private static String lineOf(GameServer server, String regex) {
        return "a log line of " + server.threadNamePrefix() + "* matching " + regex;
    }

    private static String awaitLine(GameServer server, String regex, ConditionFactory waiting) {
        if (!capturing) {
            throw new IllegalStateException("ServerLog.capture() was not called before the server started");
        }
        Pattern pattern = Pattern.compile(regex, Pattern.DOTALL);
        return waiting.until(
                () -> of(server).stream().filter(m -> pattern.matcher(m).matches()).findFirst().orElse(null),
                line -> line != null);
    }
}
