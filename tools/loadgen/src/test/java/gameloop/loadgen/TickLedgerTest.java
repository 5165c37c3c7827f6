package gameloop.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
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
}
