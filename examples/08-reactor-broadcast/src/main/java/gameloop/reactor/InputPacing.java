package gameloop.reactor;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;

/**
 * Keeps the client's input (typed, pasted or piped in) from outrunning its socket. The stdin
 * thread takes permits for each line before handing it to the reactor, one per byte the line
 * will hold in the write queue, and the reactor gives them back once the line is in the queue.
 * While the connection has asked its producer to pause (its queue is past half its limit), the
 * reactor keeps those permits, and gives them all back on resume. So at most
 * {@link #BYTES_AHEAD} bytes are ever on their way past a half-full queue, well inside the limit,
 * and a 21 MB file piped into the client waits for the server instead of filling the queue until
 * the connection is dropped as a slow reader.
 *
 * <p>Once the connection has ended, no permit would ever come back: {@link #stopProducing()}
 * lets a waiting stdin thread go, and none waits again.
 */
final class InputPacing implements Producer {

    /** A quarter of the default queue limit: half of it for the pause, a quarter in flight. */
    static final int BYTES_AHEAD = Reactor.DEFAULT_MAX_QUEUED_BYTES / 4;

    private final Semaphore permits = new Semaphore(BYTES_AHEAD);
    // Reactor thread only.
    private boolean paused;
    private int withheld;
    /** Written on the reactor thread, read on the stdin thread. */
    private volatile boolean ended;

    /**
     * What a line costs, in permits: its bytes, its "\n", and the queue's bookkeeping. A line of
     * {@link InputLines#MAX_CHARS} characters costs 12,353 at most (three bytes a character),
     * inside the allowance. The cap stays as a guard: a cost over the allowance would wait for ever.
     */
    static int cost(String line) {
        long bytes = line.getBytes(StandardCharsets.UTF_8).length + 1L + WriteQueue.WRITE_OVERHEAD_BYTES;
        return (int) Math.min(bytes, BYTES_AHEAD);
    }

    /** On the stdin thread, before each line: waits while the connection is behind, if it is still there. */
    void awaitTurn(int cost) throws InterruptedException {
        if (!ended) {
            permits.acquire(cost);
        }
    }

    /** On the reactor thread, once the line is written or queued. */
    void lineQueued(int cost) {
        if (paused) {
            withheld += cost;
        } else {
            permits.release(cost);
        }
    }

    /**
     * On the reactor thread, when the connection has ended, paused or not. A stdin thread that
     * checked {@link #ended} just before this, and waits, gets permits enough for any one line.
     */
    @Override
    public void stopProducing() {
        ended = true;
        permits.release(BYTES_AHEAD);
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
