package gameloop.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Framing without sockets: whatever the chunks, the same lines come out. */
class LineFramerTest {

    @Test
    void aLineCutAnywhereComesOutWhole() {
        byte[] stream = "first line\nsecond\n".getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= stream.length; cut++) {
            LineFramer framer = new LineFramer(100);
            List<String> lines = new ArrayList<>();
            lines.addAll(feed(framer, Arrays.copyOfRange(stream, 0, cut)));
            lines.addAll(feed(framer, Arrays.copyOfRange(stream, cut, stream.length)));
            assertEquals(List.of("first line", "second"), lines, "cut at " + cut);
        }
    }

    @Test
    void aMultiByteCharacterSplitAcrossChunksSurvives() {
        byte[] stream = "h\u00e9llo \u4e16\u754c\n".getBytes(StandardCharsets.UTF_8);
        LineFramer framer = new LineFramer(100);
        List<String> lines = new ArrayList<>();
        for (byte b : stream) {
            lines.addAll(feed(framer, new byte[] {b})); // one byte at a time: the worst TCP could do
        }
        assertEquals(List.of("h\u00e9llo \u4e16\u754c"), lines);
    }

    @Test
    void severalLinesInOneChunkAndTheTailWaits() {
        LineFramer framer = new LineFramer(100);
        assertEquals(List.of("a", "", "b"), feed(framer, bytes("a\n\r\nb\r\nunfinished")));
        assertEquals(10, framer.pendingBytes());
        assertEquals(List.of("unfinished business"), feed(framer, bytes(" business\n")));
        assertEquals(0, framer.pendingBytes());
    }

    @Test
    void aLineOfExactlyTheLimitPassesOneByteMoreDoesNot() {
        LineFramer exact = new LineFramer(5);
        assertEquals(List.of("12345"), feed(exact, bytes("12345\r\n")));
        assertFalse(exact.tooLong());

        LineFramer over = new LineFramer(5);
        assertEquals(List.of("ok"), feed(over, bytes("ok\n123456\nnever")));
        assertTrue(over.tooLong());
        assertNull(over.nextLine(), "nothing after an over-long line");
    }

    /** An empty line (Enter alone) at the very start of the buffer is a line too, every time. */
    @Test
    void anEmptyLineAtTheStartOfTheBufferIsALine() {
        LineFramer framer = new LineFramer(100);
        assertEquals(List.of("", "x"), feed(framer, bytes("\nx\n")));
        assertEquals(List.of("", "y"), feed(framer, bytes("\ny\n"))); // after the buffer was emptied
    }

    @Test
    void aLineOfExactlyTheLimitWhoseEndComesLaterPasses() {
        LineFramer framer = new LineFramer(5);
        assertEquals(List.of(), feed(framer, bytes("12345")));
        assertFalse(framer.tooLong());
        assertEquals(List.of("12345"), feed(framer, bytes("\n")));
        assertFalse(framer.tooLong());
    }

    /** A client that always leaves a tail unfinished: the buffer is sized on the tail, not on everything received. */
    @Test
    void anUnfinishedTailSlidesToTheFrontSoTheBufferDoesNotGrow() {
        LineFramer framer = new LineFramer(100);
        int initial = framer.capacity();
        feed(framer, bytes("a"));
        for (int i = 0; i < 1000; i++) {
            assertEquals(List.of("a"), feed(framer, bytes("\na")));
        }
        assertEquals(initial, framer.capacity());
    }

    @Test
    void anUnfinishedLineIsCaughtBeforeItsEndArrives() {
        LineFramer framer = new LineFramer(5);
        assertEquals(List.of(), feed(framer, bytes("12345\r"))); // might still be "12345\r\n"
        assertFalse(framer.tooLong());
        assertEquals(List.of(), feed(framer, bytes("x")));
        assertTrue(framer.tooLong());
    }

    private static List<String> feed(LineFramer framer, byte[] chunk) {
        framer.append(chunk);
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = framer.nextLine()) != null) {
            lines.add(line);
        }
        return lines;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aBurstGrowsTheBufferAndItShrinksBackOnceEverythingIsHandedOut() {
        LineFramer framer = new LineFramer(100);
        int initial = framer.capacity();
        framer.append("short line\n".repeat(1500).getBytes(StandardCharsets.UTF_8)); // a pasted burst, about a read's worth (16 KiB)
        assertTrue(framer.capacity() > 16_000, "grew to hold the burst");

        while (framer.nextLine() != null) {
            // handed out, line by line; then the client goes quiet
        }

        assertEquals(initial, framer.capacity());
        framer.append("next\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("next", framer.nextLine());
    }
}
