package gameloop.reactor;

import java.nio.charset.StandardCharsets;

/**
 * A protocol whose messages are lines, like Twisted's LineReceiver. This is the fix for the
 * tutorial's server, which took each chunk from dataReceived for one message: here chunks go into a
 * {@link LineFramer} and {@link #lineReceived} sees whole lines only, however TCP cut them.
 *
 * <p>One line per turn. A read can bring thousands of short lines at once, and the spreader
 * writes each to every other client: 8192 lines for 200 clients held the reactor thread for
 * seconds, with every other client waiting, and a Ctrl+C too. So this hands out one line, and if
 * another is already complete, it stops reading and takes the next later, once every other
 * socket that is ready has been served ({@link Transport#continueNextTurn}). A flood of lines
 * costs the flooder time, not everyone else.
 */
public abstract class LineReceiver extends Protocol {

    private final int maxLineBytes;
    private final LineFramer framer;
    /** True while the next line waits for a later turn: a read meanwhile only adds to the framer. */
    private boolean waitingForNextTurn;

    protected LineReceiver(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
        this.framer = new LineFramer(maxLineBytes);
    }

    /** Hands out the complete lines in order, one per turn; a subclass that overrides this must call super. */
    @Override
    protected void dataReceived(byte[] data) {
        framer.append(data);
        if (!waitingForNextTurn) {
            handOutOneLine();
        }
    }

    private void handOutOneLine() {
        waitingForNextTurn = false;
        // Stop as soon as a line closed the connection ("close\nmore\n"): what follows is not ours to act on.
        if (!transport().isOpen()) {
            return;
        }
        String line = framer.nextLine();
        if (line != null) {
            lineReceived(line);
            if (transport().isOpen() && framer.hasNextLine()) {
                waitingForNextTurn = true;
                transport().continueNextTurn(this::handOutOneLine);
            }
        } else if (framer.tooLong()) {
            lineTooLong(maxLineBytes);
        }
    }

    protected abstract void lineReceived(String line);

    /**
     * Hands out at once, in order, every complete line that waits for a later turn: for a
     * protocol about to hang up by its own choice, which would otherwise drop lines it has
     * already received. Stops if a line closes the connection, as the turns do. It holds the
     * reactor for as many lines as one read brought (up to 16 KiB of them): fine for a client
     * with one connection, not for a server, whose other clients would wait.
     */
    protected final void handOutWaitingLines() {
        String line;
        while (transport().isOpen() && (line = framer.nextLine()) != null) {
            lineReceived(line);
        }
    }

    /**
     * While {@link #lineReceived} runs: the line's bytes as they came, without the line ending.
     * For passing the line on unchanged; the String is decoded as UTF-8, with U+FFFD for bytes
     * that are not UTF-8.
     */
    protected final byte[] lineBytes() {
        return framer.lastLineBytes();
    }

    /** A line grew past the limit. By default: say so in one clear line, then close. */
    protected void lineTooLong(int limit) {
        sendLine("error: line longer than " + limit + " bytes, closing the connection");
        transport().loseConnection();
    }

    /** Sends {@code line} and a "\n". The line must not contain "\n" itself. */
    public void sendLine(String line) {
        transport().write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Bytes received but never handed out as lines: an unfinished line, or whatever followed a
     * line that closed the connection. Lost when the connection ends. Zero after an over-long
     * line, which {@link #lineTooLong} has already dealt with.
     */
    protected int unhandledBytes() {
        return framer.tooLong() ? 0 : framer.pendingBytes();
    }
}
