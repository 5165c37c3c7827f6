package gameloop.loadgen;

import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongConsumer;

/**
 * The probes of one reading thread: how late can a message be read that arrived at a given
 * moment?
 *
 * <p>A reading thread works in rounds: it asks the selector which sockets have data, then reads
 * each of them once. A message that arrived at T is in the ready set of every select that
 * begins after T, and is read in that round; but a select already under way at T may have
 * passed its socket by (or read it just before the message landed), and then the message waits
 * for the next round.
 *
 * <p>One select hands over at most {@link #SELECT_BATCH} ready sockets, though: with more ready,
 * the rest wait for the following rounds, and a round that was handed a full batch says nothing
 * about the sockets it left behind. A round handed fewer was handed every socket ready when its
 * select began. So a probe queued at T is answered at the end of the first round that was not
 * handed a full batch and whose select began at or after T, with the time from T: the longest a
 * message arriving at T can wait for the tool to read it (as long as less than a read buffer of
 * data waited on its socket). Full rounds before it only read sooner what was ready sooner.
 *
 * <p>The load generator's meter thread (its timer for CPU samples and probes) queues probes; the
 * reading thread answers them. The queue is the only thing they share.
 */
final class ReadingProbes {

    /**
     * The most ready keys one select hands over: JDK 17's epoll selector on Linux asks the kernel
     * for at most 1024 events a call (EPollSelectorImpl's NUM_EPOLLEVENTS, fewer only under a
     * file-descriptor limit below 1024), whatever is ready; the kqueue selector of macOS, 256.
     * On any other system the smaller, 256, is assumed: if the real batch is larger, a probe only
     * waits longer than it needs to, and is never answered too early.
     */
    static final int SELECT_BATCH = System.getProperty("os.name", "").startsWith("Linux") ? 1024 : 256;

    /**
     * From this many keys handled, a round may have been cut short by {@link #SELECT_BATCH}:
     * one of the batch's events can be the selector's own wakeup (which every probe triggers)
     * rather than a socket, so 1023 sockets may already be a full batch.
     */
    static final int FULL_ROUND_KEYS = SELECT_BATCH - 1;

    private record Probe(long askedNanos, LongConsumer delayNanos) {
    }

    private final Queue<Probe> waiting = new ConcurrentLinkedQueue<>();

    /** Any thread: a probe asked at {@code askedNanos}, answered with its delay. */
    void add(long askedNanos, LongConsumer delayNanos) {
        waiting.add(new Probe(askedNanos, delayNanos));
    }

    /** Whether a probe still waits for a round: the reading thread must not block in its next select. */
    boolean anyWaiting() {
        return !waiting.isEmpty();
    }

    /**
     * Reading thread: a round whose select began at {@code selectBegan} has handled the
     * {@code keysHandled} keys it found ready, at {@code now}. If it handled a full batch, sockets
     * may still be ready that it was not handed, and every probe waits. Otherwise it was handed
     * every socket ready when its select began: answers the probes asked at or before that; the
     * others wait for the next round.
     */
    void roundFinished(long selectBegan, long now, int keysHandled) {
        if (keysHandled >= FULL_ROUND_KEYS) {
            return; // sockets may still be ready that this select did not hand over
        }
        for (Iterator<Probe> it = waiting.iterator(); it.hasNext(); ) {
            Probe probe = it.next();
            if (probe.askedNanos() <= selectBegan) {
                it.remove();
                probe.delayNanos().accept(now - probe.askedNanos());
            }
        }
    }
}
