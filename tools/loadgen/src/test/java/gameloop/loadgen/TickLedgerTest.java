package gameloop.loadgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ledger: interval figures down to the few microseconds a fixed-rate loop is off by, which
 * window a tick belongs to, a tick's first and last arrival, the window's ticks in number order,
 * and how many ticks a round of unnumbered ones holds.
 */
class TickLedgerTest {

    @Test
    void aPerfectPeriodPrintsAsNoErrorAtAll() {
        TickLedger ledger = new TickLedger();
        for (int i = 0; i < 1000; i++) {
            ledger.interval(Duration.ofMillis(100).toNanos());
        }

        Results.Summary error = Results.Summary.ofMicros(ledger.intervalsMicros()).minus(100);

        // A histogram bucket rounds up; it must round by less than 0.005 ms, so the report's two decimals say +0.00.
        assertEquals("+0.00", Report.signed(error.p50()), () -> "p50 error " + error.p50() + " ms");
        assertEquals("+0.00", Report.signed(error.p99()), () -> "p99 error " + error.p99() + " ms");
        assertEquals("+0.00", Report.signed(error.mean()), () -> "mean error " + error.mean() + " ms");
    }

    @Test
    void aTickIsInTheWindowByItsFirstArrivalNotItsLast() {
        TickLedger ledger = new TickLedger();
        ledger.openWindow(1_000, 1 << 16);
        ledger.arrived(1, 990); // first arrival before the window opened, the last inside it
        ledger.arrived(1, 1_020);
        ledger.arrived(2, 1_500);
        ledger.arrived(3, 1_990); // first arrival inside, the last after the window closed
        ledger.arrived(3, 2_030);
        ledger.closeWindow(2_000);

        List<TickLedger.Tick> ticks = ledger.ticksInWindow();

        assertEquals(List.of(2L, 3L), ticks.stream().map(TickLedger.Tick::number).toList());
        assertEquals(new TickLedger.Tick(3, 1_990, 2_030, 2), ticks.get(1));
    }

    /**
     * A tick's last arrival is the latest one, whatever order the reading threads report in: each
     * stamps its own arrivals, and one may report a later arrival before another reports an earlier
     * one. Taking the last reported instead would cut the fan-out short.
     */
    @Test
    void aTicksLastArrivalIsTheLatestNotTheLastReported() {
        TickLedger ledger = new TickLedger();
        ledger.openWindow(1_000, 1 << 16);
        ledger.arrived(1, 1_030);
        ledger.arrived(1, 1_010);
        ledger.arrived(1, 1_020);
        ledger.closeWindow(2_000);

        assertEquals(List.of(new TickLedger.Tick(1, 1_010, 1_030, 3)), ledger.ticksInWindow());
    }

    /**
     * The window's ticks come in number order, whatever order the map keeps them in: with 16
     * slots, 16 to 18 come before 14 and 15. Everything after counts on that order: the missed
     * ticks between one window tick and the next, and the chart's intervals.
     */
    @Test
    void theWindowsTicksComeInNumberOrderWhateverOrderTheMapKeepsThem() {
        TickLedger ledger = new TickLedger();
        ledger.openWindow(1_000, 1 << 16);
        for (long n = 14; n <= 18; n++) {
            ledger.arrived(n, 1_000 + 10 * n);
        }
        ledger.closeWindow(2_000);

        assertEquals(List.of(14L, 15L, 16L, 17L, 18L), ledger.ticksInWindow().stream().map(TickLedger.Tick::number).toList());
    }

    /**
     * A round holds as many ticks as the fewest arrivals of the clients that had any in it: a
     * client that missed the round altogether (here the last one, after two that got a burst of
     * three) says nothing of how many ticks it held.
     */
    @Test
    void aClientWithNoArrivalInARoundDoesNotCutItsTicksToOne() {
        long[] starts = {0, 100, 400};
        long[] a = {0, 100, 101, 102, 400};
        long[] b = {1, 101, 102, 103, 401};
        long[] c = {2, 402}; // nothing in the burst's round

        long[] first = TickLedger.firstTickOfEachRound(starts, List.of(a, b, c));

        assertArrayEquals(new long[] {0, 1, 4, 5}, first, "rounds of 1, 3 and 1 ticks");
    }
}
