package gameloop.loadgen;

import java.time.Instant;
import java.util.List;
import org.HdrHistogram.AbstractHistogram;

/**
 * Every figure of one run, plain data: what {@link Report} prints and writes, and what the tests
 * check. Times are in milliseconds unless a name says otherwise.
 */
public record Results(Run run, Clients clients, Ticks ticks, Echo echo, CpuMeter.Figures cpu, Summary readingDelay,
                      List<TickPoint> series) {

    /** From this share of the echo p99 or the fan-out p50 on, the tool's own reading delay counts. */
    static final double SIGNIFICANT_SHARE = 0.10;
    /** Below this, a reading delay is noise, whatever its share. */
    static final double SIGNIFICANT_MS = 1.0;

    /** True when the figures may be limited by the load generator itself: it ran out of CPU. */
    public boolean lowerBound() {
        return cpu.saturated();
    }

    /**
     * True when the tool's own delay in reading (its p99) is a real share of the figures: an echo
     * or a tick may be read up to that late, so echoes include up to that much and fan-out varies
     * by it. Not a lower bound by itself: most of it is a reading thread working through one
     * broadcast's worth of sockets, which it does with CPU to spare too, for any server it
     * measures. NaN (no probe) is never significant.
     */
    public boolean readingDelayMatters() {
        double delay = readingDelay.p99();
        return delay >= SIGNIFICANT_MS
                && (delay >= SIGNIFICANT_SHARE * echo.roundTrip().p99() || delay >= SIGNIFICANT_SHARE * ticks.fanOut().p50());
    }

    /** Where the nominal tick period came from. */
    public enum NominalSource {
        GIVEN("given with -Dtick.ms"),
        SERVER("from the server's /info"),
        ESTIMATED("estimated from the median interval: no -Dtick.ms, and no answer from /info");

        public final String description;

        NominalSource(String description) {
            this.description = description;
        }
    }

    /**
     * @param example        the server's name for itself (from /info), or null
     * @param client         which WebSocket client carried the connections: "nio" or "jetty"
     * @param windowSeconds  how long we measured, after the warm-up
     * @param numbered       false if the server's ticks carry no number, so we lined them up by time
     */
    public record Run(Instant startedAt, String url, String example, String client, long keyPeriodMs, int rampConcurrency,
                      double warmupSeconds, double windowSeconds, double nominalTickMs, NominalSource nominalSource, boolean numbered) {
    }

    /**
     * @param lostDuringRun clients that were connected but closed before the window ended
     * @param firstLoss     why one of them ended (a close code and reason, or an error), or null
     */
    public record Clients(int requested, int connected, int connectFailures, String firstFailure,
                          int lostDuringRun, String firstLoss, double rampSeconds) {
    }

    /**
     * @param perClient       window ticks each client received, each number once
     * @param missed          ticks of the window a client never received, while connected, summed over all clients
     * @param untracked       tick numbers of the window a client cannot tell whether it received (a numbering
     *                        that jumps further than the window can hold), summed over all clients: not in {@code missed}
     * @param fanOut          per tick that reached every client connected at the time: last client's arrival minus first client's
     * @param notReachingEveryone window ticks left out of {@code fanOut}: some client connected at the time never got them
     * @param intervalError   per client and tick: the time since its previous tick, minus nominal
     * @param unknownMessages messages that were neither a tick nor an echo: binary ones, text the tool
     *                        does not know, and ticks whose number does not parse
     */
    public record Ticks(double expectedPerClient, Range perClient, long missed, int clientsWithMisses,
                        Range missedPerClient, long untracked, long outOfOrder, long unknownMessages,
                        Summary fanOut, int notReachingEveryone, Summary intervalError) {
    }

    /**
     * @param unmatched echoes of a key that had no press waiting
     * @param overtaken presses still unanswered when the same key was pressed again, 26 presses later
     * @param unanswered presses of the window with no echo when the run ended, the drain included:
     *                   lost, or slower than the drain; the round trips leave them out
     * @param roundTrip  from when each press was due to its echo
     * @param sentLate   how long after it was due each press went out: the load generator's own
     *                   timer, which the round trips include
     */
    public record Echo(long pressed, long echoed, long unmatched, long sendFailures, long overtaken, long unanswered,
                       Summary roundTrip, Summary sentLate) {
    }

    /**
     * One tick, for the chart. {@code intervalMs} is the time from the first arrival of the
     * previous tick number to this one's first arrival (NaN after a gap): the server's own
     * rhythm, seen by the luckiest client.
     */
    public record TickPoint(long number, double seconds, double intervalMs, double fanOutMs, int clients) {
    }

    public record Range(double min, double mean, double max) {
        static final Range EMPTY = new Range(Double.NaN, Double.NaN, Double.NaN);
    }

    /** Percentiles of one histogram, in milliseconds. */
    public record Summary(long count, double mean, double p50, double p90, double p99, double p999, double max) {

        static final Summary EMPTY = new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

        /** From a histogram of microseconds. */
        static Summary ofMicros(AbstractHistogram h) {
            if (h.getTotalCount() == 0) {
                return EMPTY;
            }
            return new Summary(h.getTotalCount(), h.getMean() / 1000,
                    ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9), h.getMaxValue() / 1000.0);
        }

        /** The same figures, each minus {@code ms}: interval percentiles become error percentiles. */
        Summary minus(double ms) {
            return new Summary(count, mean - ms, p50 - ms, p90 - ms, p99 - ms, p999 - ms, max - ms);
        }

        private static double ms(AbstractHistogram h, double percentile) {
            return h.getValueAtPercentile(percentile) / 1000.0;
        }
    }
}
