package gameloop.reactor;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.io.PrintStream;

import org.junit.jupiter.api.Test;

/** What reaches a terminal: another person's bytes, made harmless; and a console that fails harms nobody. */
class LogTest {

    @Test
    void controlCharactersArePrintedAsQuestionMarks() {
        // Retitle the window, clear the screen, turn the text red: what a relayed line could do to a terminal.
        assertEquals("?]0;pwned??[2J?[31mhi", Log.printable("\u001b]0;pwned\u0007\u001b[2J\u001b[31mhi"));
        assertEquals("tab?and?newline", Log.printable("tab\tand\nnewline"));
    }

    /** Unicode's own ways to break a line or turn it around: the separators, C1 controls, a right-to-left override. */
    @Test
    void unicodeSeparatorsAndFormatCharactersArePrintedAsQuestionMarks() {
        assertEquals("a?b?c?d?e?f", Log.printable("a\u0085b\u2028c\u2029d\u009be\u202Ef"));
    }

    /** As Maven's console filter does under exec:java when two threads write at once. */
    @Test
    void aConsoleThatThrowsLosesTheLineButNeverThrowsIntoTheCaller() {
        PrintStream broken = new PrintStream(OutputStream.nullOutputStream()) {
            @Override
            public void println(String line) {
                throw new NumberFormatException("For input string: \"0m02\"");
            }
        };
        Log log = Log.printingTo(() -> broken, () -> broken);

        assertDoesNotThrow(() -> log.info("a line"));
        assertDoesNotThrow(() -> log.error("an error", new IllegalStateException("on purpose")));
    }

    @Test
    void ordinaryTextIsLeftAlone() {
        assertEquals("héllo, wörld 😀", Log.printable("héllo, wörld 😀"));
    }
}
