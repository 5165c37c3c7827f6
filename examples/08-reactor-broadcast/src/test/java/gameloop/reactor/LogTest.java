package gameloop.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What reaches a terminal: another person's bytes, made harmless. */
class LogTest {

    @Test
    void controlCharactersArePrintedAsQuestionMarks() {
        // Retitle the window, clear the screen, turn the text red: what a relayed line could do to a terminal.
        assertEquals("?]0;pwned??[2J?[31mhi", Log.printable("\u001b]0;pwned\u0007\u001b[2J\u001b[31mhi"));
        assertEquals("tab?and?newline", Log.printable("tab\tand\nnewline"));
    }

    @Test
    void ordinaryTextIsLeftAlone() {
        assertEquals("héllo, wörld 😀", Log.printable("héllo, wörld 😀"));
    }
}
