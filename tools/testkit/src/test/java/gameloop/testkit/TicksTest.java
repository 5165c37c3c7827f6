package gameloop.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gameloop.shared.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

/** The period a test measures is the rate the ticks came at, and one tick read late hardly moves it. */
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

    @Test
    void aBurstComesOutNearZero() {
        assertEquals(0.01, Ticks.periodMillis(ticks(i -> i * MS / 100)), 1e-9); // 10 µs apart
    }
}
