package gameloop.reactor;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts a byte stream into lines. TCP keeps the order of bytes, not the boundaries of writes: one
 * read may hold half a line, or three lines and the start of a fourth. So bytes wait here until
 * their "\n" arrives, and the unfinished tail is kept for the next read.
 *
 * <p>A line ends with "\n"; a "\r" before it is dropped too, so telnet's "\r\n" works like nc's
 * "\n". Lines are UTF-8; bytes that are not valid UTF-8 become U+FFFD instead of failing.
 *
 * <p>The limit is what keeps a client that never sends "\n" from growing this buffer forever:
 * once the line being collected is longer than {@code maxLineBytes}, {@link #tooLong()} turns
 * true and the framer hands out nothing more. Plain, single-threaded, no I/O: easy to test.
 */
final class LineFramer {

    /** What an idle connection holds; a burst grows the buffer, and it shrinks back once emptied. */
    private static final int INITIAL_BYTES = 256;

    private final int maxLineBytes;
    private byte[] buffer = new byte[INITIAL_BYTES];
    private int start; // first byte not yet handed out
    private int end; // one past the last byte received
    private int scanned; // bytes before this index are known not to be "\n"
    private boolean tooLong;
    private byte[] lastLine = new byte[0];

    LineFramer(int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive, was " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    void append(byte[] data) {
        if (tooLong) {
            return;
        }
        if (start > 0) { // always slide the unfinished line to the front first, so growth is decided on it alone
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            scanned -= start;
            start = 0;
        }
        if (end + data.length > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, end + data.length));
        }
        System.arraycopy(data, 0, buffer, end, data.length);
        end += data.length;
    }

    /** The next complete line without its line ending, or null if none is complete (or too long). */
    String nextLine() {
        if (tooLong) {
            return null;
        }
        int newline = findNewline();
        if (newline < 0) {
            if (unfinishedLineTooLong()) {
                tooLong = true;
            }
            return null;
        }
        int length = newline - start;
        if (length > 0 && buffer[newline - 1] == '\r') {
            length--;
        }
        if (length > maxLineBytes) {
            tooLong = true;
            return null;
        }
        lastLine = Arrays.copyOfRange(buffer, start, start + length);
        String line = new String(lastLine, StandardCharsets.UTF_8);
        start = newline + 1;
        scanned = start;
        if (start == end) {
            emptied();
        }
        return line;
    }

    /**
     * The bytes of the line {@link #nextLine} returned last, as they came, without the line
     * ending: for passing a line on unchanged. The String it returned is decoded, and decoding
     * is not always reversible (a byte that is not UTF-8 becomes U+FFFD, three bytes). A new
     * array for each line; the caller may keep it, and must not change it.
     */
    byte[] lastLineBytes() {
        return lastLine;
    }

    /**
     * True if {@link #nextLine} has news: a complete line (a "\n" has arrived after the bytes
     * already handed out), or a line found too long. Looks without taking anything.
     */
    boolean hasNextLine() {
        if (tooLong) {
            return false;
        }
        return findNewline() >= 0 || unfinishedLineTooLong();
    }

    /**
     * Where the next "\n" is, or -1. Scans only bytes not scanned before, and remembers how far
     * it got (the "\n" itself when found), so no byte is scanned twice however often it is asked.
     */
    private int findNewline() {
        for (int i = Math.max(scanned, start); i < end; i++) {
            if (buffer[i] == '\n') {
                scanned = i;
                return i;
            }
        }
        scanned = end;
        return -1;
    }

    private boolean unfinishedLineTooLong() {
        int pending = end - start;
        // One byte over is fine if it is the "\r" of a "\r\n" whose "\n" is still on its way.
        boolean carriageReturnPending = pending == maxLineBytes + 1 && buffer[end - 1] == '\r';
        return pending > maxLineBytes && !carriageReturnPending;
    }

    /** True once a line longer than the limit was seen; the stream cannot be trusted after it. */
    boolean tooLong() {
        return tooLong;
    }

    /**
     * Everything received has been handed out. A pasted burst may have grown the buffer to a
     * whole read (16 KiB); kept for the connection's life, ten thousand clients that each pasted
     * once and then went quiet would pin hundreds of megabytes. Back to the small one.
     */
    private void emptied() {
        start = 0;
        end = 0;
        scanned = 0;
        if (buffer.length > INITIAL_BYTES) {
            buffer = new byte[INITIAL_BYTES];
        }
    }

    /** How many bytes the buffer can hold now, whatever it holds; for tests. */
    int capacity() {
        return buffer.length;
    }

    /** Bytes received and not yet handed out: an unfinished line, or lines nobody asked for yet. */
    int pendingBytes() {
        return end - start;
    }
}
