package gameloop.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The benchmark the chapter quotes still runs and measures what it says, on a handful of clients.
 * Its figures are not checked: timings are for a program run on a quiet machine, not for a test.
 */
class BroadcastBenchmarkTest {

    @Test
    void aSmallRunMeasuresEveryRoundOnBothSides() throws Exception {
        BroadcastBenchmark.Result result = BroadcastBenchmark.measure(5, 3);

        assertEquals(5, result.clients());
        for (double millis : new double[] {result.connectMillis(), result.lastMillisP50(), result.lastMillisP90(),
                result.lastMillisMax()}) {
            assertTrue(millis > 0 && Double.isFinite(millis), result.toString());
        }
        // The server's log gives its relay loop in thousandths of a millisecond: four writes may round to 0.
        assertTrue(result.relayMillisP50() >= 0 && Double.isFinite(result.relayMillisP50()), result.toString());
        assertTrue(result.lastMillisP50() <= result.lastMillisP90() && result.lastMillisP90() <= result.lastMillisMax(),
                result.toString());
    }
}
