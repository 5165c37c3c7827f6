package gameloop.loadgen;

import gameloop.loadgen.Results.NominalSource;
import gameloop.loadgen.Results.Range;
import gameloop.loadgen.Results.Summary;
import gameloop.loadgen.Results.TickPoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;

/**
 * Turns what was recorded during the run into {@link Results}. Runs once, on one thread, after
 * every connection has closed: nothing here needs to be fast or thread-safe.
 */
final class Analysis {

    /** How the ramp went. */
    record Ramp(List<LoadClient> connected, int failures, String firstFailure, long nanos) {
    }

    private Analysis() {
    }

    static Results analyse(LoadOptions options, Instant startedAt, ServerInfo info, Ramp ramp, int lost,
                           String firstLoss, TickLedger ledger, Echoes echoes, CpuMeter.Figures cpu,
                           Histogram readingDelayMicros) {
        List<LoadClient> clients = ramp.connected();
        Duration nominal = options.tickPeriod() != null ? options.tickPeriod() : info.tickPeriod();
        NominalSource source = options.tickPeriod() != null ? NominalSource.GIVEN
                : info.tickPeriod() != null ? NominalSource.SERVER : NominalSource.ESTIMATED;

        boolean numbered = clients.stream().allMatch(c -> c.unnumberedArrivals().length == 0);
        if (!numbered) {
            long period = nominal != null ? nominal.toNanos() : medianGap(clients);
            long[] starts = TickLedger.roundStarts(allUnnumbered(clients), period);
            long[] firstTicks = TickLedger.firstTickOfEachRound(starts,
                    clients.stream().map(LoadClient::unnumberedArrivals).toList());
            clients.forEach(c -> c.replayUnnumbered(starts, firstTicks));
        }
        Histogram intervals = ledger.intervalsMicros();
        double nominalMs = nominal != null ? nominal.toNanos() / 1e6
                : intervals.getTotalCount() > 0 ? intervals.getValueAtPercentile(50) / 1000.0 : Double.NaN;

        double windowSeconds = ledger.windowNanos() / 1e9;
        Results.Run run = new Results.Run(startedAt, options.url().toString(), info.example(),
                options.client().name().toLowerCase(Locale.ROOT),
                options.keyPeriod().toMillis(), options.rampConcurrency(), options.warmup().toMillis() / 1000.0,
                windowSeconds, nominalMs, source, numbered);
        Results.Clients clientFigures = new Results.Clients(options.clients(), clients.size(), ramp.failures(),
                ramp.firstFailure(), lost, firstLoss, ramp.nanos() / 1e9);

        List<TickLedger.Tick> ticks = ledger.ticksInWindow();
        Set<Long> reachedEveryone = ticks.stream().filter(t -> reachedEveryone(t, clients))
                .map(TickLedger.Tick::number).collect(Collectors.toSet());
        Histogram fanOut = new Histogram(3);
        ticks.stream().filter(t -> reachedEveryone.contains(t.number()))
                .forEach(t -> fanOut.recordValue(t.fanOutNanos() / 1000));
        List<LoadClient.Misses> misses = clients.stream().map(c -> c.missed(ticks)).toList();
        int[] missed = misses.stream().mapToInt(LoadClient.Misses::missed).toArray();
        Results.Ticks tickFigures = new Results.Ticks(
                expectedTicks(ledger.windowNanos(), nominalMs),
                range(clients.stream().mapToInt(c -> c.ticksReceived(ticks)).toArray()),
                Arrays.stream(missed).asLongStream().sum(),
                (int) Arrays.stream(missed).filter(m -> m > 0).count(),
                range(missed),
                misses.stream().mapToLong(LoadClient.Misses::untracked).sum(),
                clients.stream().mapToLong(LoadClient::outOfOrder).sum(),
                clients.stream().mapToLong(LoadClient::unknownMessages).sum(),
                Summary.ofMicros(fanOut),
                ticks.size() - reachedEveryone.size(),
                Summary.ofMicros(intervals).minus(nominalMs));
        Results.Echo echo = new Results.Echo(echoes.pressedCount(), echoes.echoedCount(), echoes.unmatchedCount(),
                echoes.sendFailureCount(), echoes.overtakenCount(), Math.max(0, echoes.pending()),
                Summary.ofMicros(echoes.roundTripMicros()), Summary.ofMicros(echoes.sentLateMicros()));
        return new Results(run, clientFigures, tickFigures, echo, cpu, Summary.ofMicros(readingDelayMicros),
                series(ticks, reachedEveryone, ledger.windowStart()));
    }

    /** How many ticks the window holds at the nominal period. */
    static double expectedTicks(long windowNanos, double nominalMs) {
        return windowNanos / 1e6 / nominalMs;
    }

    /**
     * Whether tick {@code t} reached every client it was meant for. Only such a tick has a
     * fan-out: the time to reach everyone. A tick that some never got would otherwise show the
     * time to reach those it did, and a server that drops messages would look faster.
     */
    static boolean reachedEveryone(TickLedger.Tick t, List<LoadClient> clients) {
        return clients.stream().filter(c -> c.wasOwed(t))
                .allMatch(c -> c.receipt(t.number()) == ReceivedTicks.Receipt.RECEIVED);
    }

    /** One point per tick, for the chart of tick interval over time; no fan-out for a tick that did not reach everyone. */
    private static List<TickPoint> series(List<TickLedger.Tick> ticks, Set<Long> reachedEveryone, long windowStart) {
        List<TickPoint> points = new ArrayList<>();
        TickLedger.Tick previous = null;
        for (TickLedger.Tick t : ticks) {
            double interval = previous != null && previous.number() == t.number() - 1
                    ? (t.firstNanos() - previous.firstNanos()) / 1e6 : Double.NaN;
            double fanOut = reachedEveryone.contains(t.number()) ? t.fanOutNanos() / 1e6 : Double.NaN;
            points.add(new TickPoint(t.number(), (t.firstNanos() - windowStart) / 1e9, interval, fanOut, t.clients()));
            previous = t;
        }
        return points;
    }

    private static Range range(int[] values) {
        IntSummaryStatistics s = Arrays.stream(values).summaryStatistics();
        return s.getCount() == 0 ? Range.EMPTY : new Range(s.getMin(), s.getAverage(), s.getMax());
    }

    private static long[] allUnnumbered(List<LoadClient> clients) {
        long[] all = clients.stream().map(LoadClient::unnumberedArrivals).flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(all);
        return all;
    }

    /** With no nominal period at all: the median gap between one client's consecutive ticks. */
    private static long medianGap(List<LoadClient> clients) {
        long[] gaps = clients.stream().map(LoadClient::unnumberedArrivals)
                .flatMapToLong(a -> IntStream.range(1, a.length).mapToLong(i -> a[i] - a[i - 1]))
                .sorted().toArray();
        return gaps.length == 0 ? Duration.ofSeconds(1).toNanos() : gaps[gaps.length / 2];
    }
}
