package gameloop.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.loadgen.Results.Range;
import gameloop.loadgen.Results.Summary;
import java.time.Instant;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** When the reading delay counts, and what an empty figure reads as. */
class ResultsTest {

    /** A reading delay over 1 ms that is under a tenth of both figures is not a share of them. */
    @Test
    void aReadingDelayUnderATenthOfBothFiguresIsNotAShareOfThem() {
        assertFalse(results(1.2, 40, 30).readingDelayMatters(), "1.2 ms against an echo p99 of 40 and a fan-out p50 of 30");
    }

    /** A share of the echo p99 alone is enough (the fan-out-only case is in ReportTest). */
    @Test
    void aReadingDelayThatIsAShareOfTheEchoesAloneIsStillSaidToBe() {
        assertTrue(results(1.5, 4, 30).readingDelayMatters(), "1.5 ms against an echo p99 of 4 ms");
    }

    /** A figure with nothing behind it (no echo came back, no probe answered) is "n/a", never 0 ms: 0 ms looks perfect. */
    @Test
    void anEmptyHistogramSummarisesAsNoFigureNotAsZero() {
        Summary s = Summary.ofMicros(new Histogram(3));

        assertEquals(0, s.count());
        assertTrue(Double.isNaN(s.p50()) && Double.isNaN(s.p99()) && Double.isNaN(s.max()) && Double.isNaN(s.mean()), s::toString);
    }

    private static Results results(double delayP99, double echoP99, double fanOutP50) {
        Summary fanOut = new Summary(200, fanOutP50, fanOutP50, fanOutP50, fanOutP50, fanOutP50, fanOutP50);
        Summary echo = new Summary(2_000, echoP99, echoP99, echoP99, echoP99, echoP99, echoP99);
        return new Results(
                new Results.Run(Instant.parse("2026-11-22T10:00:00Z"), "ws://127.0.0.1:8080/connect", "01-basic-loop", "nio",
                        1000, 50, 2, 20, 100, Results.NominalSource.SERVER, true),
                new Results.Clients(1000, 1000, 0, null, 0, null, 1.5),
                new Results.Ticks(200, new Range(199, 199.9, 200), 0, 0, new Range(0, 0, 0), 0, 0, 0, fanOut, 0,
                        new Summary(20_000, 0.1, 0, 1, 2, 3, 5)),
                new Results.Echo(2_000, 2_000, 0, 0, 0, 0, echo, Results.Summary.EMPTY),
                new CpuMeter.Figures(2, 20, 40, 12, List.of()),
                new Summary(2_000, delayP99 / 3, delayP99 / 3, delayP99 / 2, delayP99, delayP99, delayP99),
                List.of());
    }
}
