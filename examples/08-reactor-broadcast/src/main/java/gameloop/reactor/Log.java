package gameloop.reactor;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * Where the reactor and the protocols report what happened. An interface, not a logging
 * library, so this module needs nothing but the JDK and a test can read back every line.
 *
 * <p>{@link #error} is for things that should never happen: a protocol that threw, a failed
 * accept, a dying reactor. The tests fail if anything reaches it unexpectedly.
 */
public interface Log {

    void info(String message);

    void error(String message, Throwable cause);

    /**
     * {@code text} with every control character shown as "?". What a peer sends ends up in our
     * log lines (a relayed line, a close reason), and on a terminal an escape sequence in it
     * would clear the screen, retitle the window or recolour what follows.
     */
    static String printable(String text) {
        StringBuilder shown = new StringBuilder(text.length());
        text.codePoints().forEach(c -> shown.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return shown.toString();
    }

    /**
     * "12:00:01.123 [spreader-reactor-1] message" on stdout; errors with their stack trace on
     * stderr. Made {@link #printable}: the client prints the lines other people typed.
     */
    static Log console() {
        return new Log() {
            private final DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

            @Override
            public void info(String message) {
                System.out.println(line(message));
            }

            @Override
            public void error(String message, Throwable cause) {
                // One lock for the line and its trace, so another thread's line cannot land inside.
                synchronized (System.err) {
                    System.err.println(line("ERROR " + message));
                    cause.printStackTrace(System.err);
                }
            }

            private String line(String message) {
                return time.format(LocalTime.now()) + " [" + Thread.currentThread().getName() + "] " + printable(message);
            }
        };
    }

    /** Drops the chatter, keeps the errors: for the benchmark, where 5000 "connected" lines would be noise. */
    static Log errorsOnly() {
        Log console = console();
        return new Log() {
            @Override
            public void info(String message) {
            }

            @Override
            public void error(String message, Throwable cause) {
                console.error(message, cause);
            }
        };
    }
}
