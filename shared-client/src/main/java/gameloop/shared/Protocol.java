package gameloop.shared;

import java.util.OptionalInt;

/**
 * The few text messages the page and every example exchange, in one place so the examples and
 * their tests cannot drift apart. Two copies live elsewhere on purpose: the page's, in
 * JavaScript (the browser tests fail if it reads ticks differently), and the load generator's,
 * which depends on no example because it also measures servers written in other languages.
 *
 * <p>The client sends a key code as a text frame ("65"); the server answers that client alone
 * with "Pressed key code: 65", and ticks every client with "game loop says: tick 17". The tick
 * number lets a client (or the load generator) see a missed tick as a gap.
 */
public final class Protocol {

    public static final String TICK_PREFIX = "game loop says: tick ";
    public static final String PRESSED_PREFIX = "Pressed key code: ";
    public static final String NOT_A_KEY_CODE_PREFIX = "Not a key code: ";

    /** Browser key codes fit easily; anything larger is not a key. */
    public static final int MAX_KEY_CODE = 65_535;

    /** How much of a bad frame we quote back: enough to recognise it, never a megabyte. */
    private static final int MAX_QUOTED = 32;

    private Protocol() {
    }

    public static String tick(long number) {
        return TICK_PREFIX + number;
    }

    public static String pressed(int keyCode) {
        return PRESSED_PREFIX + keyCode;
    }

    /** The reply to a text frame that is not a key code; the connection stays open. */
    public static String notAKeyCode(String text) {
        if (text.length() <= MAX_QUOTED) {
            return NOT_A_KEY_CODE_PREFIX + text;
        }
        // Cut between characters, not inside one: an emoji is two chars, and half of it is not text.
        int cut = Character.isHighSurrogate(text.charAt(MAX_QUOTED - 1)) ? MAX_QUOTED - 1 : MAX_QUOTED;
        return NOT_A_KEY_CODE_PREFIX + text.substring(0, cut) + "...";
    }

    /**
     * A key code is a plain decimal number from 0 to {@link #MAX_KEY_CODE}, leading zeros allowed
     * and whitespace around it ignored; nothing else is.
     */
    public static OptionalInt parseKeyCode(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty() || trimmed.length() > 5) {
            return OptionalInt.empty();
        }
        for (int i = 0; i < trimmed.length(); i++) {
            if (trimmed.charAt(i) < '0' || trimmed.charAt(i) > '9') {
                return OptionalInt.empty(); // also refuses "+65", "-1", "6.5" and "٦٥"
            }
        }
        int code = Integer.parseInt(trimmed);
        return code <= MAX_KEY_CODE ? OptionalInt.of(code) : OptionalInt.empty();
    }

    /** The tick number in a tick message, or -1 if the message is not a tick. */
    public static long tickNumber(String message) {
        if (!message.startsWith(TICK_PREFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(message.substring(TICK_PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
