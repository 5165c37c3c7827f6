package gameloop.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gameloop.shared.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * The period a test measures is the rate the ticks came at, and one tick read late hardly moves it;
 * the median interval is how far apart they usually came, which a stall does not move.
 */
class TicksTest {

    private static final long MS = 1_000_000;

    /** 81 ticks, the window a period test measures, tick i arriving at {@code arrival(i)} ns. */
    private static List<TestClient.Received> ticks(IntToLongFunction arrival) {
        List<TestClient.Received> ticks = new ArrayList<>();
        for (int i = 0; i <= Ticks.MEASURED_INTERVALS; i++) {
            ticks.add(new TestClient.Received(Protocol.tick(i + 1), 123_456_789_000L + arrival.applyAsLong(i)));
        }
        return ticks;
    }

    @Test
    void evenTicksGiveTheirSpacing() {
        assertEquals(50, Ticks.periodMillis(ticks(i -> i * 50 * MS)), 1e-9);
        assertEquals(70, Ticks.periodMillis(ticks(i -> i * 70 * MS)), 1e-9); // a loop that sleeps after 20 ms of work
    }

    @Test
    void oneTickReadLateMovesItByLessThanAMillisecondWhereverItIs() {
        for (int late : new int[] {0, 20, Ticks.MEASURED_INTERVALS}) {
            double period = Ticks.periodMillis(ticks(i -> i * 50 * MS + (i == late ? 200 * MS : 0)));
            assertEquals(50, period, 0.2, "tick " + late + " read 200 ms late");
        }
    }

    /** A stall that delays the last five ticks by 300 ms (a busy machine) moves it by under 5%. */
    @Test
    void aStallNearTheEndOfTheWindowMovesItLittle() {
        int stalledFrom = Ticks.MEASURED_INTERVALS - 4;
        double period = Ticks.periodMillis(ticks(i -> i * 50 * MS + (i >= stalledFrom ? 300 * MS : 0)));
        assertEquals(50, period, 2.5);
    }

    /**
     * A stall of 300 ms in the middle, after which the loop keeps its period from where it is
     * (05's rule), moves the fitted period past 10%; the median interval does not move at all.
     */
    @Test
    void aStallThatShiftsTheTimetableMovesTheFittedPeriodButNotTheMedianInterval() {
        List<TestClient.Received> shifted = ticks(i -> i * 50 * MS + (i >= Ticks.MEASURED_INTERVALS / 2 ? 300 * MS : 0));
        assertEquals(55.6, Ticks.periodMillis(shifted), 0.1);
        assertEquals(50, Ticks.medianIntervalMillis(shifted), 1e-9);
    }

    @Test
    void theMedianIntervalOfEvenTicksIsTheirSpacing() {
        assertEquals(50, Ticks.medianIntervalMillis(ticks(i -> i * 50 * MS)), 1e-9);
        assertEquals(70, Ticks.medianIntervalMillis(ticks(i -> i * 70 * MS)), 1e-9); // a loop that sleeps after 20 ms of work
        assertEquals(55, Ticks.medianIntervalMillis(ticks(i -> i * 50 * MS + i / 2 * 10 * MS)), 1e-9); // 50 and 60 in turn
    }

    @Test
    void aBurstComesOutNearZero() {
        assertEquals(0.01, Ticks.periodMillis(ticks(i -> i * MS / 100)), 1e-9); // 10 µs apart
    }
}
