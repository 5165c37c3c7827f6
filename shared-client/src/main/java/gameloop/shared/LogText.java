package gameloop.shared;

import java.util.regex.Pattern;

/**
 * Text from outside (a client's close reason, an Origin header, an exception's message) made
 * fit for one log line: it must not end the line, start a forged one, or disguise what follows.
 */
final class LogText {

    /** Longer than anything Jetty says about a connection; a client's close reason is 123 bytes at most. */
    static final int MAX_CHARS = 200;

    /**
     * Compiled once: every player's leave passes through here, and {@code String.replaceAll}
     * compiles its pattern on each call (at a stop with 10,000 players, that compiling took
     * about 6% of the stopping thread's CPU time).
     */
    private static final Pattern UNSAFE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]");

    private LogText() {
    }

    /**
     * {@code text} with every character that can end a line or disguise what follows (controls,
     * Unicode's line and paragraph separators, invisible format characters such as a right-to-left
     * override) replaced by "?", and cut at {@link #MAX_CHARS}.
     */
    static String oneLine(String text) {
        String cut = text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "...";
        return UNSAFE.matcher(cut).replaceAll("?");
    }

    /** A failure in one line: its class's short name, and its message if it has one. */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        String name = failure.getClass().getSimpleName();
        return message == null || message.isBlank() ? name : name + ": " + oneLine(message);
    }
}
