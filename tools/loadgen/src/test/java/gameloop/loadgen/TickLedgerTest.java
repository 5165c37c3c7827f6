package gameloop.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The interval figures, down to the few microseconds a fixed-rate loop is off by. */
class TickLedgerTest {

    @Test
    void aPerfectPeriodPrintsAsNoErrorAtAll() {
        TickLedger ledger = new TickLedger();
        for (int i = 0; i < 1000; i++) {
            ledger.interval(Duration.ofMillis(100).toNanos());
        }

        Results.Summary error = Results.Summary.ofMicros(ledger.intervalsMicros()).minus(100);

        // A histogram bucket rounds up; it must round by less than the 0.01 ms the report prints.
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
}
