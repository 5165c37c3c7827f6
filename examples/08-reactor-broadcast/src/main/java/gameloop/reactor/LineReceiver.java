package gameloop.reactor;

import java.nio.charset.StandardCharsets;

/**
 * A protocol whose messages are lines, like Twisted's LineReceiver. This is the fix for the
 * tutorial's server, which took each chunk from dataReceived for one message: here chunks go into a
 * {@link LineFramer} and {@link #lineReceived} sees whole lines only, however TCP cut them.
 */
public abstract class LineReceiver extends Protocol {

    private final int maxLineBytes;
    private final LineFramer framer;

    protected LineReceiver(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
        this.framer = new LineFramer(maxLineBytes);
    }

    /** Hands out every complete line in order; a subclass that overrides this must call super. */
    @Override
    protected void dataReceived(byte[] data) {
        framer.append(data);
        String line;
        // Stop as soon as a line closed the connection ("close\nmore\n"): what follows is not ours to act on.
        while (transport().isOpen() && (line = framer.nextLine()) != null) {
            lineReceived(line);
        }
        if (framer.tooLong() && transport().isOpen()) {
            lineTooLong(maxLineBytes);
        }
    }

    protected abstract void lineReceived(String line);

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
