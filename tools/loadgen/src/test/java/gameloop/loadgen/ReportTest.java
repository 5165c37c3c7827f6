package gameloop.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.loadgen.Results.Range;
import gameloop.loadgen.Results.Summary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The report's wording, on figures made up for the purpose: no server needed. */
class ReportTest {

    @Test
    void aSaturatedClientMarksItsFiguresAsALowerBound() {
        Results r = results(new CpuMeter.Figures(2, 95, 99, 12, List.of()), Results.NominalSource.SERVER);

        assertTrue(r.lowerBound());
        assertTrue(Report.table(r).contains("CPU saturated: figures are a lower bound"), Report.table(r));
        assertTrue(HtmlReport.html(r).contains("CPU saturated: figures are a lower bound"));
        assertTrue(Report.json(r).contains("\"lower_bound\": true"), Report.json(r));
    }

    @Test
    void oneSaturatedSecondIsEnoughToMarkTheFiguresAsALowerBound() {
        List<CpuMeter.Sample> seconds = List.of(new CpuMeter.Sample(1, 30, 60, 40), new CpuMeter.Sample(2, 35, 96, 45),
                new CpuMeter.Sample(3, 30, 60, 40));
        Results r = results(new CpuMeter.Figures(2, 32, 72, 12, seconds), Results.NominalSource.SERVER);

        assertTrue(r.lowerBound(), "an average of 72% hides a second at 96%");
        assertTrue(Report.table(r).contains("1 of the 3 one-second samples reached 90%"), Report.table(r));
    }

    /** The echo p99 of these figures is 4 ms and the fan-out p50 9 ms: a reading delay of 1.2 ms at p99 is a share of both. */
    @Test
    void aReadingDelayThatIsAShareOfTheFiguresIsSaidToBe() {
        Summary slow = new Summary(2_000, 0.5, 0.4, 0.8, 1.2, 1.6, 2.0);
        Results r = results(new CpuMeter.Figures(2, 20, 40, 12, List.of()), Results.NominalSource.SERVER, slow);

        assertTrue(r.readingDelayMatters());
        assertTrue(Report.table(r).contains("Part of these figures is the load generator's own delay"), Report.table(r));
        assertTrue(Report.table(r).contains("a share of the figures"), Report.table(r));
        assertFalse(r.lowerBound(), "a delay with CPU to spare is not saturation");
    }

    /** 1.5 ms is under a tenth of an echo p99 of 40 ms, but over a tenth of the fan-out p50 of 9 ms: enough. */
    @Test
    void aReadingDelayThatIsAShareOfOneFigureOnlyIsStillSaidToBe() {
        Results base = results(new CpuMeter.Figures(2, 20, 40, 12, List.of()), Results.NominalSource.SERVER,
                new Summary(2_000, 0.5, 0.4, 0.8, 1.5, 1.6, 2.0));
        Results slowEchoes = new Results(base.run(), base.clients(), base.ticks(),
                new Results.Echo(2_000, 2_000, 0, 0, 0, 0, new Summary(2_000, 5, 4, 20, 40, 45, 50), Results.Summary.EMPTY),
                base.cpu(), base.readingDelay(), base.series());

        assertTrue(slowEchoes.readingDelayMatters(), "a share of the fan-out alone is enough");
    }

    @Test
    void aReadingDelayUnderAMillisecondIsNoise() {
        Summary quick = new Summary(2_000, 0.3, 0.3, 0.6, 0.9, 1.0, 1.1); // p99 under 1 ms, though 22% of the echo p99
        Results r = results(new CpuMeter.Figures(2, 20, 40, 12, List.of()), Results.NominalSource.SERVER, quick);

        assertFalse(r.readingDelayMatters());
        assertFalse(Report.table(r).contains("own delay"), Report.table(r));
    }

    @Test
    void aClientThatCannotBeProbedSaysSo() {
        Results r = results(new CpuMeter.Figures(2, 20, 40, 12, List.of()), Results.NominalSource.SERVER, Summary.EMPTY);

        assertFalse(r.readingDelayMatters());
        assertTrue(Report.table(r).contains("n/a (no probes"), Report.table(r));
        assertFalse(Report.table(r).contains("NaN") || Report.json(r).contains("NaN"), Report.json(r));
    }

    @Test
    void aWindowTooShortToMeasureCpuSaysSoInsteadOfPrintingNonsense() {
        Results r = results(new CpuMeter.Figures(2, Double.NaN, Double.NaN, 12, List.of()), Results.NominalSource.SERVER);

        assertFalse(r.lowerBound());
        assertTrue(Report.table(r).contains("? of 2 cores; machine ?"), Report.table(r));
        assertTrue(Report.table(r).contains("too short (under 1 s) to measure CPU"), Report.table(r));
        assertTrue(Report.markdownRow(r).contains("| ? / ? | no |"), Report.markdownRow(r));
        assertFalse(Report.table(r).contains("NaN") || Report.markdownRow(r).contains("NaN"));
    }

    @Test
    void everyReportSaysWhichClientCarriedTheConnections() {
        Results r = results(new CpuMeter.Figures(2, 20, 40, 12, List.of()), Results.NominalSource.SERVER);

        assertTrue(Report.table(r).contains("clients (nio client)"), Report.table(r));
        assertTrue(HtmlReport.html(r).contains("clients (nio client)"));
        assertTrue(Report.json(r).contains("\"client\": \"nio\""), Report.json(r));
    }

    @Test
    void anIdleClientSaysNothingAboutLowerBounds() {
        Results r = results(new CpuMeter.Figures(2, 20, 40, 12, List.of()), Results.NominalSource.GIVEN);

        assertFalse(r.lowerBound());
        assertFalse(Report.table(r).contains("lower bound"), Report.table(r));
        assertTrue(Report.json(r).contains("\"lower_bound\": false"));
    }

    @Test
    void moreTicksThanThePeriodAllowsMeanTheServerWasStillCatchingUp() {
        Results settled = results(new CpuMeter.Figures(2, 20, 40, 12, List.of()), Results.NominalSource.SERVER);
        Results catchingUp = new Results(settled.run(), settled.clients(),
                new Results.Ticks(200, new Range(201, 202.3, 203), 0, 0, new Range(0, 0, 0), 0, 0, 0,
                        settled.ticks().fanOut(), 0, settled.ticks().intervalError()),
                settled.echo(), settled.cpu(), settled.readingDelay(), settled.series());

        assertFalse(Report.table(settled).contains("still sending late ticks"), Report.table(settled));
        assertTrue(Report.table(catchingUp).contains("202.3 ticks on average where the period allows 200.0"), Report.table(catchingUp));
    }

    @Test
    void anEstimatedPeriodIsSaidToBeEstimated() {
        Results r = results(new CpuMeter.Figures(2, 20, 40, 12, List.of()), Results.NominalSource.ESTIMATED);

        assertTrue(Report.table(r).contains("estimated from the median interval"), Report.table(r));
    }

    @Test
    void missingFiguresBecomeNullInJsonAndNaNeverAppears() {
        Results r = results(new CpuMeter.Figures(2, 20, Double.NaN, 12, List.of()), Results.NominalSource.SERVER);

        String json = Report.json(r);
        assertTrue(json.contains("\"machine_percent\": null"), json);
        assertFalse(json.contains("NaN"), json);
    }

    @Test
    void theReadmeExplainsEveryFigureOfTheTable() throws Exception {
        String readme = Files.readString(Path.of("README.md")); // surefire runs in the module's directory
        for (String[] row : Report.rows(results(new CpuMeter.Figures(2, 20, 40, 12, List.of()), Results.NominalSource.SERVER))) {
            assertTrue(readme.contains("| " + row[0] + " |"), "README.md does not explain '" + row[0] + "'");
        }
    }

    @Test
    void aMarkdownRowHasOneCellPerColumn() {
        String row = Report.markdownRow(results(new CpuMeter.Figures(2, 20, 40, 12, List.of()), Results.NominalSource.SERVER));

        assertTrue(row.startsWith("| 01-basic-loop | 1000 | 1000 (0) | 199.9 (200.0) | 0 | 9.00 / 18.00 / 21.00 |"), row);
        assertEquals(12, row.split("\\|", -1).length, row); // 10 columns: 11 bars, 12 pieces around them
        assertFalse(row.contains("lost") || row.contains("unanswered"), "a clean run says nothing of losses: " + row);
    }

    /**
     * Each cell of the row holds its own figure: with every figure distinct, a cell that shows
     * another (the echo max for its p99, the interval error's p50 for its mean) cannot pass
     * for right, as it would beside an equal one. The row is pasted into the benchmarks as is.
     */
    @Test
    void aMarkdownRowPutsEveryFigureInItsOwnCell() {
        assertEquals("| 01-basic-loop | 1000 | 998 (2) | 197.5 (200.0) | 37 | 9.10 / 18.30 / 21.60 | +0.40 / +0.30 / +2.50"
                + " | 1.10 / 4.40 / 9.90 | 20% / 40% | no |", Report.markdownRow(distinctFigures()));
    }

    /**
     * The console table (and the HTML one, which shares its rows) puts each figure in its own
     * place, on figures that are all distinct: the rows people read first.
     */
    @Test
    void theTablePutsEveryFigureInItsOwnPlace() {
        String table = Report.table(distinctFigures());

        assertContains(table, "998 of 1000 in 1.5 s; 2 connect failures; 0 lost during the run");
        assertContains(table, "min 195, mean 197.5, max 199 (expected 200)");
        assertContains(table, "37 in all; 12 clients missed one or more");
        assertContains(table, "p50 9.10 ms   p99 18.30 ms   max 21.60 ms (200 ticks; 0 more did not reach every client)");
        assertContains(table, "mean +0.40 ms   p50 +0.30 ms   p99 +2.50 ms (20000 intervals, against 100 ms)");
        assertContains(table, "p50 1.10 ms   p99 4.40 ms   max 9.90 ms (2000 of 2000 echoed)");
    }

    /** The JSON's blocks for scripts, each figure under its own name, on figures that are all distinct. */
    @Test
    void theJsonPutsEveryFigureUnderItsOwnName() {
        String json = Report.json(distinctFigures());

        assertContains(json, """
                  "missed_ticks": {
                    "total": 37,
                    "clients_with_misses": 12,
                    "per_client_min": 1.000,
                    "per_client_max": 7.000,
                    "untracked": 5,
                    "out_of_order": 4,
                    "unknown_messages": 3
                  },
                  "fan_out_ms": {
                    "count": 200,
                    "mean": 10.500,
                    "p50": 9.100,
                    "p90": 14.200,
                    "p99": 18.300,
                    "p99_9": 20.400,
                    "max": 21.600
                  },
                  "ticks_not_reaching_everyone": 0,
                  "tick_interval_error_ms": {
                    "count": 20000,
                    "mean": 0.400,
                    "p50": 0.300,
                    "p90": 1.100,
                    "p99": 2.500,
                    "p99_9": 3.700,
                    "max": 5.800
                  },
                  "echo_rtt_ms": {
                    "count": 2000,
                    "mean": 1.600,
                    "p50": 1.100,
                    "p90": 2.200,
                    "p99": 4.400,
                    "p99_9": 6.600,
                    "max": 9.900
                  },
                """);
    }

    private static void assertContains(String text, String part) {
        assertTrue(text.contains(part), () -> "expected\n" + part + "\nin\n" + text);
    }

    /** A run whose figures are all distinct from one another, down to each percentile. */
    private static Results distinctFigures() {
        Results base = results(new CpuMeter.Figures(2, 20, 40, 12, List.of()), Results.NominalSource.SERVER);
        Summary fanOut = new Summary(200, 10.5, 9.1, 14.2, 18.3, 20.4, 21.6);
        Summary error = new Summary(20_000, 0.4, 0.3, 1.1, 2.5, 3.7, 5.8);
        Summary echo = new Summary(2_000, 1.6, 1.1, 2.2, 4.4, 6.6, 9.9);
        return new Results(base.run(), new Results.Clients(1000, 998, 2, "refused", 0, null, 1.5),
                new Results.Ticks(200, new Range(195, 197.5, 199), 37, 12, new Range(1, 3.1, 7), 5, 4, 3, fanOut, 0, error),
                new Results.Echo(2_000, 2_000, 0, 0, 0, 0, echo, Results.Summary.EMPTY), base.cpu(), base.readingDelay(), base.series());
    }

    private static Results results(CpuMeter.Figures cpu, Results.NominalSource source) {
        return results(cpu, source, new Summary(2_000, 0.1, 0.1, 0.2, 0.3, 0.4, 0.5));
    }

    private static Results results(CpuMeter.Figures cpu, Results.NominalSource source, Summary readingDelay) {
        Summary fanOut = new Summary(200, 10, 9, 14, 18, 20, 21);
        Summary error = new Summary(20_000, 0.1, 0, 1, 2, 3, 5);
        Summary echo = new Summary(2_000, 1, 1, 2, 4, 6, 9);
        return new Results(
                new Results.Run(Instant.parse("2026-11-22T10:00:00Z"), "ws://127.0.0.1:8080/connect", "01-basic-loop", "nio",
                        1000, 50, 2, 20, 100, source, true),
                new Results.Clients(1000, 1000, 0, null, 0, null, 1.5),
                new Results.Ticks(200, new Range(199, 199.9, 200), 0, 0, new Range(0, 0, 0), 0, 0, 0, fanOut, 0, error),
                new Results.Echo(2_000, 2_000, 0, 0, 0, 0, echo, Results.Summary.EMPTY),
                cpu,
                readingDelay,
                List.of(new Results.TickPoint(1, 0.05, Double.NaN, 9, 1000),
                        new Results.TickPoint(2, 0.15, 100, 10, 1000)));
    }

    /** A clean run carries no note at all (no "0 ticks arrived out of order" and the like). */
    @Test
    void aCleanRunHasNoNotes() {
        assertEquals(List.of(), Report.notes(clean()));
    }

    /** Each count that casts doubt on the figures gets its note on its own. */
    @Test
    void eachThingThatCastsDoubtOnTheFiguresGetsItsNoteOnItsOwn() {
        assertNote(r -> with(r, ticks(r, 3, 0, 0, 0)), "3 ticks of the window did not reach every client");
        assertNote(r -> with(r, ticks(r, 0, 4, 0, 0)), "4 tick numbers, summed over the clients, fell outside");
        assertNote(r -> with(r, ticks(r, 0, 0, 5, 0)), "5 ticks arrived repeated or out of order.");
        assertNote(r -> with(r, ticks(r, 0, 0, 0, 6)), "6 messages not understood, 0 unmatched echoes, 0 failed key sends.");
        assertNote(r -> with(r, echo(7, 0)), "0 messages not understood, 7 unmatched echoes, 0 failed key sends.");
        assertNote(r -> with(r, echo(0, 8)), "0 messages not understood, 0 unmatched echoes, 8 failed key sends.");
        assertNote(r -> new Results(r.run(), new Results.Clients(1000, 999, 1, "refused", 0, null, 1.5), r.ticks(), r.echo(),
                r.cpu(), r.readingDelay(), r.series()), "First connect failure: refused");
        assertNote(r -> new Results(new Results.Run(r.run().startedAt(), r.run().url(), r.run().example(), "nio", 1000, 50, 2,
                        20, 100, Results.NominalSource.ESTIMATED, true), r.clients(), r.ticks(), r.echo(), r.cpu(),
                r.readingDelay(), r.series()), "the interval error's p50 is zero by construction");
    }

    /** The row pasted into docs/benchmarks-log.md: a lower bound, and ticks left out of the fan-out, show in it. */
    @Test
    void theBenchmarkRowShowsALowerBoundAndTicksLeftOutOfTheFanOut() {
        Results saturated = new Results(clean().run(), clean().clients(), ticks(clean(), 3, 0, 0, 0), clean().echo(),
                new CpuMeter.Figures(2, 95, 99, 12, List.of()), clean().readingDelay(), clean().series());

        String row = Report.markdownRow(saturated);

        assertTrue(row.endsWith("| 95% / 99% | **yes** |"), row);
        assertTrue(row.contains("9.00 / 18.00 / 21.00 (**3 ticks not to everyone**) |"), row);
    }

    /** The table's rows mark unanswered presses and a saturated CPU where the figure is. */
    @Test
    void theTableMarksUnansweredPressesAndASaturatedCpuInTheirRows() {
        Results r = new Results(clean().run(), clean().clients(), clean().ticks(),
                new Results.Echo(2_000, 1_990, 0, 0, 0, 10, clean().echo().roundTrip(), Results.Summary.EMPTY),
                new CpuMeter.Figures(2, 95, 99, 12, List.of()), clean().readingDelay(), clean().series());

        String table = Report.table(r);

        assertTrue(table.contains("(1990 of 2000 echoed, 10 never)"), table);
        assertTrue(table.contains("<< CPU SATURATED"), table);
    }

    /** The JSON's "ticks" rows, the per-tick series scripts chart from. */
    @Test
    void theJsonHasOneRowPerTick() {
        String json = Report.json(clean());

        assertTrue(json.endsWith("\"ticks\": [\n    [1, 0.050, null, 9.000, 1000],\n    [2, 0.150, 100.000, 10.000, 1000]\n  ]\n}\n"),
                json);
    }

    private static void assertNote(UnaryOperator<Results> change, String note) {
        List<String> notes = Report.notes(change.apply(clean()));
        assertEquals(1, notes.size(), () -> "one note, saying '" + note + "': " + notes);
        assertTrue(notes.get(0).contains(note), () -> "expected '" + note + "' in " + notes);
    }

    private static Results with(Results r, Results.Ticks ticks) {
        return new Results(r.run(), r.clients(), ticks, r.echo(), r.cpu(), r.readingDelay(), r.series());
    }

    private static Results with(Results r, Results.Echo echo) {
        return new Results(r.run(), r.clients(), r.ticks(), echo, r.cpu(), r.readingDelay(), r.series());
    }

    private static Results.Ticks ticks(Results r, int notReachingEveryone, long untracked, long outOfOrder, long unknown) {
        Results.Ticks t = r.ticks();
        return new Results.Ticks(t.expectedPerClient(), t.perClient(), 0, 0, t.missedPerClient(), untracked, outOfOrder,
                unknown, t.fanOut(), notReachingEveryone, t.intervalError());
    }

    private static Results.Echo echo(long unmatched, long sendFailures) {
        return new Results.Echo(2_000, 2_000 - sendFailures, unmatched, sendFailures, 0, 0,
                new Summary(2_000, 1, 1, 2, 4, 6, 9), Results.Summary.EMPTY);
    }

    /** A run with nothing to warn of. */
    private static Results clean() {
        Summary fanOut = new Summary(200, 10, 9, 14, 18, 20, 21);
        Summary error = new Summary(20_000, 0.1, 0, 1, 2, 3, 5);
        Summary echo = new Summary(2_000, 1, 1, 2, 4, 6, 9);
        return new Results(
                new Results.Run(Instant.parse("2026-11-22T10:00:00Z"), "ws://127.0.0.1:8080/connect", "01-basic-loop", "nio",
                        1000, 50, 2, 20, 100, Results.NominalSource.SERVER, true),
                new Results.Clients(1000, 1000, 0, null, 0, null, 1.5),
                new Results.Ticks(200, new Range(199, 199.9, 200), 0, 0, new Range(0, 0, 0), 0, 0, 0, fanOut, 0, error),
                new Results.Echo(2_000, 2_000, 0, 0, 0, 0, echo, Results.Summary.EMPTY),
                new CpuMeter.Figures(2, 20, 40, 12, List.of()),
                new Summary(2_000, 0.1, 0.1, 0.2, 0.3, 0.4, 0.5),
                List.of(new Results.TickPoint(1, 0.05, Double.NaN, 9, 1000),
                        new Results.TickPoint(2, 0.15, 100, 10, 1000)));
    }
}
