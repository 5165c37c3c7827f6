package gameloop.reactor;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;

/**
 * Where the reactor and the protocols report what happened. An interface, not a logging
 * library, so this module needs nothing but the JDK and a test can read back every line.
 *
 * <p>{@link #error} is for what an operator must see, with its stack trace: a protocol that
 * threw (a bug), a failed accept (out of file descriptors, say: expected under a flood, and
 * recovered from), a dying reactor. The tests fail if anything reaches it unexpectedly.
 */
public interface Log {

    void info(String message);

    void error(String message, Throwable cause);

    /**
     * {@code text} with every control character shown as "?". What a peer sends ends up in our
     * log lines (a relayed line, a close reason), and on a terminal an escape sequence in it
     * would clear the screen, retitle the window or recolour what follows. Unicode's line and
     * paragraph separators and its invisible format characters go too: a right-to-left override
     * would make what follows read backwards. The joiner inside some emoji is such a character
     * too, so those emoji print as their parts, with a "?" between them.
     */
    static String printable(String text) {
        StringBuilder shown = new StringBuilder(text.length());
        text.codePoints().forEach(c -> shown.appendCodePoint(isHidden(c) ? '?' : c));
        return shown.toString();
    }

    private static boolean isHidden(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
            default -> false;
        };
    }

    /**
     * "12:00:01.123 [spreader-reactor-1] message" on stdout; errors with their stack trace on
     * stderr. Made {@link #printable}: the client prints the lines other people typed.
     */
    static Log console() {
        return printingTo(() -> System.out, () -> System.err);
    }

    /**
     * The console log, on streams looked up at each line (so it follows {@code System.setOut}).
     *
     * <p>It never throws. A log line is a side effect of the callback that writes it: if printing
     * it fails, the callback must not fail with it, or the reactor would drop a healthy connection
     * as a "protocol error". That happens under {@code mvn exec:java}: Maven's console filter is
     * not safe against two writers at once, and as Maven prints its own last lines at Ctrl+C it
     * has been seen to throw a NumberFormatException out of our {@code println}. The line is lost
     * then; nothing else is.
     */
    static Log printingTo(Supplier<PrintStream> out, Supplier<PrintStream> err) {
        return new Log() {
            private final DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

            @Override
            public void info(String message) {
                try {
                    out.get().println(line(message));
                } catch (RuntimeException consoleFailed) {
                    // the line is lost; see above
                }
            }

            @Override
            public void error(String message, Throwable cause) {
                PrintStream stream = err.get();
                // One lock for the line and its trace, so another thread's line cannot land inside.
                synchronized (stream) {
                    try {
                        stream.println(line("ERROR " + message));
                        cause.printStackTrace(stream);
                    } catch (RuntimeException consoleFailed) {
                        // the line is lost; see above
                    }
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
