package gameloop.reactor;

import java.io.IOException;
import java.io.Reader;
import java.util.function.LongConsumer;

/**
 * The client's input (typed, pasted or piped in), a line at a time, each line at most
 * {@link #MAX_CHARS} long. {@code BufferedReader.readLine} keeps a whole line in memory however
 * long it grows: a file with no line end, piped in, filled the heap and killed the thread that
 * reads the input, and the client then never hung up. A longer line is read to its end, kept
 * nowhere, and reported; the next line is read as usual.
 *
 * <p>Lines end as {@code readLine}'s do: at "\n", "\r\n" or "\r". Only the stdin thread uses it.
 */
final class InputLines implements AutoCloseable {

    /**
     * Plenty for a line a person types, and its bytes (three at most per character) still fit
     * the pacing's allowance ({@link InputPacing#BYTES_AHEAD}), so that no line of ours can be
     * what makes the connection's queue overflow. Our server takes 1024 bytes a line.
     */
    static final int MAX_CHARS = 4096;

    private final Reader input;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;
    /** The last line ended with "\r": a "\n" right after it belongs to that end. */
    private boolean skipLineFeed;

    InputLines(Reader input) {
        this.input = input;
    }

    /**
     * The next line no longer than {@link #MAX_CHARS}, without its end; null at the end of the
     * input. Each longer line before it is skipped, and its length given to {@code tooLong}.
     */
    String next(LongConsumer tooLong) throws IOException {
        while (true) {
            StringBuilder line = new StringBuilder();
            long length = 0;
            int c = read();
            if (c < 0) {
                return null;
            }
            for (; c >= 0 && c != '\n' && c != '\r'; c = read()) {
                if (length++ < MAX_CHARS) {
                    line.append((char) c);
                }
            }
            skipLineFeed = c == '\r';
            if (length <= MAX_CHARS) {
                return line.toString();
            }
            tooLong.accept(length);
        }
    }

    /** The next character, or -1 at the end of the input. */
    private int read() throws IOException {
        while (true) {
            if (position == limit) {
                int count = input.read(buffer, 0, buffer.length);
                if (count < 0) {
                    return -1;
                }
                position = 0;
                limit = count;
                continue;
            }
            char c = buffer[position++];
            if (skipLineFeed) {
                skipLineFeed = false;
                if (c == '\n') {
                    continue;
                }
            }
            return c;
        }
    }

    @Override
    public void close() throws IOException {
        input.close();
    }
}
