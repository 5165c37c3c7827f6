package gameloop.process;

import gameloop.shared.GameServer;
import gameloop.shared.ServerSettings;
import java.time.Duration;

/**
 * Example 06: the heavy work runs in a second JVM, a child process of the server. Every period
 * the game loop sends it one request through its stdin; a reader thread takes each result from
 * its stdout and ticks every player with it. The child dies with the server, however the server
 * dies, and a child that dies alone is replaced. Key presses are echoed as in example 01.
 *
 * <p>This is the article's example 3.6 ({@code game_loop_process.py}). The one idea of this
 * example is in {@link ChildProcessGame}, {@link Worker} (the parent's side of the pipes) and
 * {@link HeavyWorker} (the child).
 *
 * <p>Run: {@code mvn -pl examples/06-child-process -am compile exec:java -Dport=8080 "-Dtick.ms=1000"},
 * open http://127.0.0.1:8080/, stop with Ctrl+C. {@code -Dwork.ms} sets the length of one step of
 * work (by default a fifth of the period).
 */
public final class ChildProcessServer {

    /** The article's worker sleeps 1 second per "calculation". */
    private static final Duration ARTICLE_TICK = Duration.ofSeconds(1);

    private ChildProcessServer() {
    }

    public static void main(String[] args) throws Exception {
        ServerSettings settings = ServerSettings.fromSystemProperties("06-child-process", ARTICLE_TICK);
        Duration work = stepOfWork(System.getProperty("work.ms"), settings.tickPeriod());
        GameServer.runUntilShutdown(settings, context -> new ChildProcessGame(context, work));
    }

    /**
     * {@code -Dwork.ms}: how long one step of work takes. By default a fifth of the period: long
     * enough to see the worker busy in {@code top}, short enough to keep up. Read here, with the
     * other settings, so that a typo fails before anything starts.
     */
    static Duration stepOfWork(String workMs, Duration period) {
        return ServerSettings.millis("work.ms", workMs, 0).orElse(period.dividedBy(5));
    }
}
