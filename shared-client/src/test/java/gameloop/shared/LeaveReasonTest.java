package gameloop.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;

/**
 * What the log says ended a player: one line, whatever the client sent as its close reason or
 * put in a frame that fails. (How each leave is reached is tested with real connections, in
 * {@code BasicLoopTest}, {@code BrowserTest} and {@code IdleTimeoutTest}.)
 */
class LeaveReasonTest {

    @Test
    void aCloseIsToldByItsCodeAndItsReasonIfItHasOne() {
        assertEquals("closed with 1000", PlayerEndpoint.closeReason(1000, null));
        assertEquals("closed with 1001", PlayerEndpoint.closeReason(1001, " "));
        assertEquals("closed with 1000 \"bye\"", PlayerEndpoint.closeReason(1000, "bye"));
    }

    /**
     * A close reason is the client's own text: a line break in it must not start a forged log
     * line, nor may Unicode's own separators, C1 controls or a right-to-left override.
     */
    @Test
    void aClientsCloseReasonCannotBreakTheLogLine() {
        assertEquals("closed with 4000 \"bye??player 9 joined from /10.0.0.1:1 (1 online)\"",
                PlayerEndpoint.closeReason(4000, "bye\r\nplayer 9 joined from /10.0.0.1:1 (1 online)"));
        assertEquals("closed with 4000 \"a?b?c?d?e?f?g\"",
                PlayerEndpoint.closeReason(4000, "a\u0085b\u2028c\u2029d\u009be\u202Ef\u001bg"));
    }

    /** An exception's message can be long (a whole frame, say): the line stops at 200 characters. */
    @Test
    void aLongMessageIsCut() {
        String logged = LogText.describe(new IOException("x".repeat(10_000)));
        assertEquals("IOException: " + "x".repeat(LogText.MAX_CHARS) + "...", logged);
    }

    @Test
    void aFailureIsToldByItsShortClassNameAndItsMessageOnOneLine() {
        assertEquals("ClosedChannelException", LogText.describe(new ClosedChannelException()));
        assertEquals("IOException: Connection reset by peer", LogText.describe(new IOException("Connection reset by peer")));
        assertEquals("IOException: two?lines", LogText.describe(new IOException("two\nlines")));
    }
}
