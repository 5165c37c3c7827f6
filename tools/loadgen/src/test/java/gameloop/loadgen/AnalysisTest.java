package gameloop.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The figures of a run, worked out from arrivals at made-up times: no server, no clock. */
class AnalysisTest {

    private static final long MS = 1_000_000L;
    /** A 2 s window from 1 s on, ticks every 100 ms. */
    private static final long WINDOW_START = 1_000 * MS;
    private static final Duration WINDOW = Duration.ofSeconds(2);
    private static final Duration TICK = Duration.ofMillis(100);

    private final TickLedger ledger = new TickLedger();
    private final Echoes echoes = new Echoes();
    private final LoadClient a = client();
    private final LoadClient b = client();
    private final LoadClient c = client();

    AnalysisTest() {
        ledger.openWindow(WINDOW_START, TickLedger.ticksToTrack(WINDOW, TICK));
        ledger.closeWindow(WINDOW_START + WINDOW.toNanos());
    }

    private LoadClient client() {
        LoadClient client = new LoadClient(ledger, echoes);
        client.opened(null, 0);
        return client;
    }

    /** Tick {@code number} reaches {@code client} {@code ms} after the window opened. */
    private static void arrives(LoadClient client, long number, double ms) {
        client.tick(number, WINDOW_START + (long) (ms * MS));
    }

    /** A tick with no number reaches {@code client} at each of {@code ms}. */
    private static void arrive(LoadClient client, double... ms) {
        for (double each : ms) {
            client.text(LoadClient.TICK_WORDS, WINDOW_START + (long) (each * MS));
        }
    }

    private Results analyse() {
        return analyse(TICK);
    }

    /** With {@code tick} as -Dtick.ms, or null for none; the server has no /info either way. */
    private Results analyse(Duration tick) {
        return analyse(tick, Duration.ZERO, 0);
    }

    /** As {@link #analyse(Duration)}, after a warm-up of {@code warmup} and a ramp of {@code rampNanos}. */
    private Results analyse(Duration tick, Duration warmup, long rampNanos) {
        LoadOptions options = new LoadOptions(URI.create("ws://127.0.0.1:8080/connect"), 3, WINDOW, warmup,
                Duration.ofSeconds(1), tick, 10, Path.of("unused"), Transport.Kind.NIO);
        return Analysis.analyse(options, Instant.EPOCH, ServerInfo.NONE,
                new Analysis.Ramp(List.of(a, b, c), 0, null, rampNanos), 0, null, ledger, echoes,
                new CpuMeter.Figures(2, 10, 20, 5, List.of()), new Histogram(3));
    }

    @Test
    void fanOutIsFromTheFirstClientToTheLastForTicksThatReachedEveryone() {
        threeTicksOfWhichCMissesTheSecond(); // its 40 ms would say nothing of reaching everyone

        Results.Ticks t = analyse().ticks();

        assertEquals(2, t.fanOut().count());
        assertEquals(3.0, t.fanOut().p50(), 0.01);
        assertEquals(5.0, t.fanOut().max(), 0.01);
        assertEquals(1, t.notReachingEveryone());
        assertEquals(1, t.missed());
        assertEquals(2, t.perClient().min());
        assertEquals(3, t.perClient().max());
        assertEquals(8 / 3.0, t.perClient().mean(), 1e-9, "3, 3 and 2 ticks: the mean, not the middle of the range");
        assertEquals(1 / 3.0, t.missedPerClient().mean(), 1e-9);
    }

    /**
     * The chart's points, one per window tick: when it first arrived, the time since the previous
     * number first arrived, its fan-out (none for a tick that did not reach everyone), and how
     * many clients got it. The JSON's "ticks" rows are these figures.
     */
    @Test
    void theSeriesHasEachTicksIntervalAndFanOutInMilliseconds() {
        threeTicksOfWhichCMissesTheSecond(); // so tick 2 has no fan-out

        List<Results.TickPoint> series = analyse().series();

        assertEquals(3, series.size());
        assertPoint(series.get(0), 1, 0.010, Double.NaN, 5.0, 3);
        assertPoint(series.get(1), 2, 0.110, 100.0, Double.NaN, 2);
        assertPoint(series.get(2), 3, 0.210, 100.0, 3.0, 3);
    }

    /** Ticks 1 to 3 at 10, 110 and 210 ms, with fan-outs of 5 ms and 3 ms; c never gets tick 2. */
    private void threeTicksOfWhichCMissesTheSecond() {
        arrives(a, 1, 10);
        arrives(b, 1, 12);
        arrives(c, 1, 15);
        arrives(a, 2, 110);
        arrives(b, 2, 150);
        arrives(a, 3, 210);
        arrives(b, 3, 211);
        arrives(c, 3, 213);
    }

    private static void assertPoint(Results.TickPoint p, long number, double seconds, double intervalMs, double fanOutMs,
                                    int clients) {
        assertEquals(number, p.number());
        assertEquals(seconds, p.seconds(), 1e-9, "seconds of tick " + number);
        assertEquals(intervalMs, p.intervalMs(), 1e-9, "interval of tick " + number);
        assertEquals(fanOutMs, p.fanOutMs(), 1e-9, "fan-out of tick " + number);
        assertEquals(clients, p.clients(), "clients of tick " + number);
    }

    /**
     * Ticks with no number are lined up by arrival time; a burst that reaches every client (here
     * ticks 2 to 4 within 2 ms, after a stall) is ticks in a row, not one tick and its repeats.
     */
    @Test
    void ticksWithNoNumberThatReachEveryClientInABurstAreTicksInARow() {
        for (LoadClient each : List.of(a, b, c)) {
            arrive(each, 10, 110, 410, 411, 412, 510);
        }

        Results r = analyse();

        assertFalse(r.run().numbered());
        assertEquals(6, r.ticks().perClient().min(), "every arrival a tick of its own");
        assertEquals(6, r.ticks().perClient().max());
        assertEquals(0, r.ticks().outOfOrder(), "a burst is not repeats");
        assertEquals(0, r.ticks().missed());
        assertEquals(6, r.ticks().fanOut().count(), "each tick reached every client");
    }

    /**
     * A burst at one client only (its reading thread held up: ticks 3 to 5 read at once, late)
     * cannot be placed, and stays repeats of that client's; the clients that got every tick on
     * time are not charged with ticks that were never sent.
     */
    @Test
    void aBurstAtOneClientOnlyDoesNotMakeTheOthersMissTicks() {
        arrive(a, 10, 110, 210, 505, 505, 505, 610);
        arrive(b, 10, 110, 210, 310, 410, 510, 610);
        arrive(c, 10, 110, 210, 310, 410, 510, 610);

        Results r = analyse();

        assertEquals(2, r.ticks().missed(), "a's two empty rounds, and nobody else's");
        assertEquals(1, r.ticks().clientsWithMisses());
        assertEquals(2, r.ticks().outOfOrder(), "a's late ticks, which cannot be placed");
        assertEquals(7, r.ticks().perClient().max());
    }

    /**
     * The totals over all clients of what each counts on its own: here a numbering that jumps
     * from 2 to 5,000, past the 1,224 numbers a client keeps track of for a 2 s window at 100 ms
     * (the window and the 3 s drain at four times the nominal rate, and 1,024 more), and one tick
     * that came twice.
     */
    @Test
    void untrackedNumbersAndRepeatsAreSummedOverTheClients() {
        for (LoadClient each : List.of(a, b, c)) {
            arrives(each, 1, 10);
            arrives(each, 2, 110);
            arrives(each, 5_000, 210);
        }
        arrives(a, 2, 220); // a repeat

        Results.Ticks t = analyse().ticks();

        assertEquals(3 * (1_224 - 2), t.missed(), "3 to 1,224: tracked, and never sent");
        assertEquals(3 * (5_000 - 1_224), t.untracked(), "1,225 to 5,000, the jump itself too: past what a client keeps track of");
        assertEquals(1, t.outOfOrder());
    }

    @Test
    void aTickNoClientBeyondTheFirstGotIsLeftOutNotCountedAsInstant() {
        for (LoadClient each : List.of(a, b, c)) {
            arrives(each, 0, -90); // before the window: from here on, every tick is meant for all three
        }
        arrives(a, 1, 10); // b and c never get it: a server dropping messages must not look fast
        arrives(a, 2, 110);
        arrives(b, 2, 120);
        arrives(c, 2, 130);

        Results.Ticks t = analyse().ticks();

        assertEquals(1, t.fanOut().count());
        assertEquals(20.0, t.fanOut().p50(), 0.02);
        assertEquals(1, t.notReachingEveryone());
    }

    @Test
    void theExpectedTicksAreTheWindowOverTheNominalPeriod() {
        arrives(a, 1, 10);

        assertEquals(20.0, analyse().ticks().expectedPerClient(), 1e-9); // 2 s / 100 ms
    }

    /**
     * Each client's intervals minus the nominal period: 100 and 102 ms against 100 are errors of
     * 0 and +2 ms, whatever the period. An error measured against anything else (half the period,
     * say) would make a steady loop look as if it drifted by tens of milliseconds.
     */
    @Test
    void theIntervalErrorIsEachIntervalMinusTheNominalPeriod() {
        for (LoadClient each : List.of(a, b, c)) {
            arrives(each, 1, 10);
            arrives(each, 2, 110); // 100 ms: on time
            arrives(each, 3, 212); // 102 ms: 2 ms late
        }

        Results.Summary error = analyse().ticks().intervalError();

        assertEquals(6, error.count(), "two intervals for each of the three clients");
        assertEquals(1.0, error.mean(), 0.02);
        assertEquals(0.0, error.p50(), 0.02);
        assertEquals(2.0, error.p90(), 0.02);
        assertEquals(2.0, error.p99(), 0.02);
        assertEquals(2.0, error.p999(), 0.02);
        assertEquals(2.0, error.max(), 0.02);
    }

    /**
     * With no -Dtick.ms and no /info, the period is the median interval, as the README says: so
     * the p50 error is zero by construction, and one long interval among short ones does not set
     * the period. Estimated from a higher percentile, every on-time tick would look early.
     */
    @Test
    void withNoPeriodGivenOrServedThePeriodIsTheMedianInterval() {
        for (LoadClient each : List.of(a, b, c)) {
            arrives(each, 1, 10);
            arrives(each, 2, 110);
            arrives(each, 3, 210);
            arrives(each, 4, 320); // one long interval: 110 ms
        }

        Results r = analyse(null);

        assertEquals(Results.NominalSource.ESTIMATED, r.run().nominalSource());
        assertEquals(100.0, r.run().nominalTickMs(), 0.01);
        assertEquals(0.0, r.ticks().intervalError().p50(), 0.01);
        assertEquals(10.0, r.ticks().intervalError().max(), 0.02);
        // The 2 s window over the estimated period. A 100 ms interval is read as the top of its
        // 4 µs bucket, so the estimate is a hair over 100 ms and the expected ticks a hair under 20.
        assertEquals(20.0, r.ticks().expectedPerClient(), 0.01);
    }

    /**
     * A tick sent after a client was lost was not meant for it: the README's fan-out covers the
     * ticks that reached every client connected at the time. Were the lost client held against
     * it, every tick after a loss would drop out of the fan-out, and with it the figure.
     */
    @Test
    void aClientLostBeforeATickDoesNotKeepItFromHavingAFanOut() {
        for (LoadClient each : List.of(a, b, c)) {
            arrives(each, 1, 10);
        }
        c.ended("lost", WINDOW_START + 50 * MS);
        arrives(a, 2, 110);
        arrives(b, 2, 118); // 8 ms, between the only two clients still connected

        Results.Ticks t = analyse().ticks();

        assertEquals(2, t.fanOut().count());
        assertEquals(0, t.notReachingEveryone());
        assertEquals(8.0, t.fanOut().max(), 0.01);
        assertEquals(0, t.missed(), "a lost client is counted as lost, not as missing ticks");
    }

    /**
     * Each percentile of a summary is read at its own rank: on the values 1 to 1000 ms, the p99
     * is 990 ms. Read at another rank (the p90, say), the report's tail would look ten times
     * shorter than it is, and nothing else in the report would show it.
     */
    @Test
    void aSummaryReadsEachPercentileAtItsOwnRank() {
        Histogram micros = new Histogram(3);
        for (long ms = 1; ms <= 1000; ms++) {
            micros.recordValue(ms * 1000);
        }

        Results.Summary s = Results.Summary.ofMicros(micros);

        assertEquals(1000, s.count());
        assertEquals(500.5, s.mean(), 1);
        assertEquals(500, s.p50(), 1);
        assertEquals(900, s.p90(), 1);
        assertEquals(990, s.p99(), 1);
        assertEquals(999, s.p999(), 1);
        assertEquals(1000, s.max(), 1);
    }

    /**
     * The run's figures say how long it measured, warmed up and ramped, in seconds (the heading
     * prints the first two, the table's first row the ramp, the JSON all three).
     */
    @Test
    void theRunSaysHowLongItMeasuredWarmedUpAndRampedInSeconds() {
        arrives(a, 1, 10);

        Results r = analyse(TICK, Duration.ofMillis(1_500), 2_500 * MS);

        assertEquals(2.0, r.run().windowSeconds(), 1e-9);
        assertEquals(1.5, r.run().warmupSeconds(), 1e-9);
        assertEquals(2.5, r.clients().rampSeconds(), 1e-9);
    }

    /** A period given with -Dtick.ms is reported as given, not as estimated (and not noted as such). */
    @Test
    void aPeriodGivenOnTheCommandLineIsSaidToBeGiven() {
        arrives(a, 1, 10);

        Results r = analyse();

        assertEquals(Results.NominalSource.GIVEN, r.run().nominalSource());
        assertEquals(100.0, r.run().nominalTickMs(), 1e-9);
    }

    /**
     * The article's first servers send ticks with no number and have no /info: with no -Dtick.ms
     * either, rounds are cut at half the median gap between one client's ticks (100 ms here), so
     * a fan-out of a few milliseconds keeps each tick in one round, and a tick one client never
     * got is missed by that client, not lined up with the next.
     */
    @Test
    void withNoPeriodAtAllTicksWithNoNumberAreLinedUpAtTheMedianGap() {
        arrive(a, 10, 110, 210, 310, 410, 610); // one 200 ms gap: the median is still 100 ms
        arrive(b, 12, 112, 212, 312, 412, 612);
        arrive(c, 15, 115, 215, 415, 615); // never got the fourth

        Results r = analyse(null, Duration.ZERO, 0);

        assertEquals(Results.NominalSource.ESTIMATED, r.run().nominalSource());
        assertEquals(5, r.ticks().perClient().min());
        assertEquals(6, r.ticks().perClient().max(), "each arrival one tick, whoever got it first");
        assertEquals(1, r.ticks().missed(), "c's fourth");
        assertEquals(0, r.ticks().outOfOrder());
        assertEquals(5, r.ticks().fanOut().count());
        assertEquals(1, r.ticks().notReachingEveryone());
        assertEquals(5.0, r.ticks().fanOut().max(), 0.01, "15 ms minus 10 ms: the rounds hold all three");
    }

    /**
     * A numbering that jumps past what a client keeps track of, and then goes on from there: the
     * numbers after the jump are untracked too, one each, not a crash and not a negative count.
     */
    @Test
    void aNumberingThatJumpsAndGoesOnFromThereIsUntrackedOneNumberAtATime() {
        for (LoadClient each : List.of(a, b, c)) {
            arrives(each, 1, 10);
            arrives(each, 2, 110);
            arrives(each, 5_000, 210);
            arrives(each, 5_001, 310);
            arrives(each, 5_002, 410);
        }

        Results.Ticks t = analyse().ticks();

        assertEquals(3 * (1_224 - 2), t.missed(), "3 to 1,224: tracked, and never sent");
        assertEquals(3 * (5_002 - 1_224), t.untracked(), "1,225 to 5,002");
    }

    /**
     * A repeat of the first tick a client got in the window is a repeat like any other: it must
     * not stretch that tick's fan-out nor count as one more client.
     */
    @Test
    void aRepeatOfAClientsFirstTickDoesNotStretchItsFanOut() {
        arrives(a, 1, 10);
        arrives(b, 1, 12);
        arrives(c, 1, 13);
        arrives(a, 1, 60); // a's first tick again, 50 ms later

        Results r = analyse();

        assertEquals(3.0, r.ticks().fanOut().max(), 0.01);
        assertEquals(3, r.series().get(0).clients());
        assertEquals(1, r.ticks().outOfOrder());
    }

    /**
     * A client that got ticks during the warm-up and none in the window, though still connected,
     * missed every window tick: they count as missed, not as untracked (which would say the
     * server's numbering jumped, and leave the missed figure at 0).
     */
    @Test
    void aClientThatGotWarmUpTicksButNoneInTheWindowMissedThemAll() {
        for (LoadClient each : List.of(a, b, c)) {
            each.tick(0, WINDOW_START - 90 * MS); // the warm-up's last tick
        }
        for (long n = 1; n <= 3; n++) {
            arrives(b, n, 100 * n);
            arrives(c, n, 100 * n + 1); // a gets none of the window's
        }

        Results.Ticks t = analyse().ticks();

        assertEquals(3, t.missed(), "a's three");
        assertEquals(0, t.untracked());
    }
}
