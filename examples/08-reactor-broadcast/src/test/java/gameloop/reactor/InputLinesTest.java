package gameloop.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

import org.junit.jupiter.api.Test;

/** The client's input, split into lines as {@code BufferedReader.readLine} would, each bounded. */
class InputLinesTest {

    @Test
    void linesEndAsReadLinesDo() throws IOException {
        assertEquals(List.of("a", "b", "", "c", "d", "last"), linesOf(new StringReader("a\nb\r\n\rc\rd\nlast")));
        assertEquals(List.of("a", ""), linesOf(new StringReader("a\n\n")));
        assertEquals(List.of(), linesOf(new StringReader("")));
    }

    /** A line split over many reads of the input, as a pipe may hand it over, "\r" and "\n" apart too. */
    @Test
    void aLineEndSplitBetweenTwoReadsIsOneEnd() throws IOException {
        assertEquals(List.of("a", "b"), linesOf(oneCharAtATime("a\r\nb\r\n")));
    }

    @Test
    void aLineLongerThanTheLimitIsSkippedToItsEndAndReported() throws IOException {
        String longest = "x".repeat(InputLines.MAX_CHARS);
        String input = "first\n" + longest + "\n" + longest + "y\r\n" + "z".repeat(10_000_000) + "\nlast";
        List<Long> tooLong = new ArrayList<>();

        assertEquals(List.of("first", longest, "last"), linesOf(new StringReader(input), tooLong::add));
        assertEquals(List.of(InputLines.MAX_CHARS + 1L, 10_000_000L), tooLong);
    }

    /**
     * Input that never ends a line: read and reported at the end of input, never held whole. No
     * String can hold this one, longer than Integer.MAX_VALUE characters, so a reader that kept
     * the line fails here whatever the heap. (A few seconds.)
     */
    @Test
    void anInputWithNoLineEndAtAllIsReportedAsOneLine() throws IOException {
        long length = Integer.MAX_VALUE + 100_000_000L;
        Reader endless = new Reader() {
            private long left = length;

            @Override
            public int read(char[] into, int offset, int count) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(count, left);
                Arrays.fill(into, offset, offset + n, 'a');
                left -= n;
                return n;
            }

            @Override
            public void close() {
            }
        };
        List<Long> tooLong = new ArrayList<>();
        assertEquals(List.of(), linesOf(endless, tooLong::add));
        assertEquals(List.of(length), tooLong);
    }

    private static List<String> linesOf(Reader input) throws IOException {
        List<Long> tooLong = new ArrayList<>();
        List<String> lines = linesOf(input, tooLong::add);
        assertEquals(List.of(), tooLong);
        return lines;
    }

    private static List<String> linesOf(Reader input, LongConsumer tooLong) throws IOException {
        List<String> lines = new ArrayList<>();
        try (InputLines in = new InputLines(input)) {
            for (String line; (line = in.next(tooLong)) != null; ) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static Reader oneCharAtATime(String text) {
        return new Reader() {
            private int position;

            @Override
            public int read(char[] into, int offset, int count) {
                if (position == text.length()) {
                    return -1;
                }
                into[offset] = text.charAt(position++);
                return 1;
            }

            @Override
            public void close() {
            }
        };
    }
}
