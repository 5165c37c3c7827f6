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
 * for the next round. So a probe queued at T is answered when the thread finishes the first
 * round whose select began at or after T: the longest a message arriving at T can wait for the
 * tool to read it (as long as less than a read buffer of data waited on its socket).
 *
 * <p>The timer thread queues probes; the reading thread answers them. The queue is the only
 * thing they share.
 */
final class ReadingProbes {

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
     * Reading thread: a round whose select began at {@code selectBegan} has read every socket it
     * found ready, at {@code now}. Answers the probes asked before that select began; the
     * others wait for the next round.
     */
    void roundFinished(long selectBegan, long now) {
        for (Iterator<Probe> it = waiting.iterator(); it.hasNext(); ) {
            Probe probe = it.next();
            if (probe.askedNanos() <= selectBegan) {
                it.remove();
                probe.delayNanos().accept(now - probe.askedNanos());
            }
        }
    }
}
