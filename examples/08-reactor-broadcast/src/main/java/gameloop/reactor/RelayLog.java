package gameloop.reactor;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The log's line for each relayed message, at most so many a second; the rest are counted, and
 * the next line that is written says how many were left out. The log is written on the reactor
 * thread, and writing to a console blocks: one client flooding short lines would otherwise make
 * the log as long as the flood (69 MB in 20 s, measured), and a slow console would slow every
 * client. Reactor thread only, like the protocols that call it: no locks.
 */
final class RelayLog {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final Log log;
    private final int perSecond;
    private long secondBegan;
    private int writtenThisSecond;
    private int leftOut;

    RelayLog(Log log, int perSecond) {
        this.log = log;
        this.perSecond = perSecond;
        this.secondBegan = System.nanoTime() - SECOND; // the first relay begins a second of its own
    }

    /** One message relayed; {@code line} makes its log line, only if it is written. */
    void relayed(Supplier<String> line) {
        long now = System.nanoTime();
        if (now - secondBegan >= SECOND) {
            secondBegan = now;
            writtenThisSecond = 0;
        }
        if (writtenThisSecond == perSecond) {
            leftOut++;
            return;
        }
        writtenThisSecond++;
        if (leftOut == 0) {
            log.info(line.get());
        } else {
            log.info(line.get() + " (and " + leftOut + " more relayed before it, not logged one by one)");
            leftOut = 0;
        }
    }
}
