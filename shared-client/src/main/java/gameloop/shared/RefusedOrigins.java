package gameloop.shared;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in the log that a WebSocket from another site was refused, at most once a second. A
 * hostile page open in the learner's browser can retry as fast as it likes; a line for each
 * attempt would bury everything else the example has to say. The refusal itself never waits:
 * only the log line is skipped, and the next line counts what was skipped, from any origin
 * (it names only its own). Refusals after the last line of a flood are never counted in one.
 */
final class RefusedOrigins {

    private static final Logger LOG = LoggerFactory.getLogger(RefusedOrigins.class);
    private static final long INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

    /** When the next line may be written, on {@link System#nanoTime()}'s clock. */
    private final AtomicLong nextLineAt = new AtomicLong(System.nanoTime());
    private final AtomicInteger notLogged = new AtomicInteger();

    /** Any thread: Jetty checks upgrades on several at once. */
    void refused(List<String> origins) {
        long now = System.nanoTime();
        long next = nextLineAt.get();
        // One thread wins the moment; the others count themselves in for the next line.
        if (now - next >= 0 && nextLineAt.compareAndSet(next, now + INTERVAL_NANOS)) {
            int skipped = notLogged.getAndSet(0);
            // The Origin is the client's to write, up to Jetty's header limit: one log line's worth.
            LOG.warn("Refused a WebSocket from origin {}: only this server's own page may connect{}",
                    LogText.oneLine(String.join(" and ", origins)),
                    skipped == 0 ? "" : " (and " + skipped + " more since the last such line)");
        } else {
            notLogged.incrementAndGet();
        }
    }
}
