package gameloop.reactor;

import java.util.concurrent.Semaphore;

/**
 * Keeps the client's input (typed, pasted or piped in) from outrunning its socket. The stdin
 * thread takes a permit for each line before handing it to the reactor, and the reactor gives it
 * back once the line is in the connection's write queue. While the connection has asked its
 * producer to pause, the reactor keeps those permits, and gives them all back on resume. So at
 * most {@link #LINES_AHEAD} lines are ever on their way past a full queue, and a 20 MB file piped
 * into the client waits for the server instead of filling the queue until the connection is
 * dropped as a slow reader.
 */
final class InputPacing implements Producer {

    static final int LINES_AHEAD = 16;

    private final Semaphore permits = new Semaphore(LINES_AHEAD);
    // Reactor thread only.
    private boolean paused;
    private int withheld;

    /** On the stdin thread, before each line: waits while the connection is behind. */
    void awaitTurn() throws InterruptedException {
        permits.acquire();
    }

    /** On the reactor thread, once the line is written or queued. */
    void lineQueued() {
        if (paused) {
            withheld++;
        } else {
            permits.release();
        }
    }

    @Override
    public void pauseProducing() {
        paused = true;
    }

    @Override
    public void resumeProducing() {
        paused = false;
        permits.release(withheld);
        withheld = 0;
    }
}
