package gameloop.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.Game;
import gameloop.shared.GameServer;
import gameloop.shared.Protocol;
import gameloop.shared.ServerSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.LongFunction;

/** Assertions about the tick numbers one client received. */
public final class Ticks {

    private Ticks() {
    }

    /** Each number is one more than the one before: no tick missed, repeated or out of order. */
    public static void assertConsecutive(List<Long> numbers) {
        for (int i = 1; i < numbers.size(); i++) {
            assertEquals(numbers.get(i - 1) + 1, numbers.get(i), "ticks not 1 apart (missed, repeated or out of order): " + numbers);
        }
    }

    /**
     * How many intervals a period test measures over, after skipping {@link #SETTLING_TICKS}.
     * Enough that the period fitted through them ({@link #periodMillis}) hardly moves when one
     * tick is read late on a busy machine (a collection, a burst of other tests), or when a stall
     * delays the last few: a tick's pull on the fitted line falls with the square of the count.
     * With 40, a stall of a few hundred ms near the end of the window moved it past 10% now and
     * then when two suites shared the two cores (57.5 ms for 50); 80 take a quarter of that.
     */
    public static final int MEASURED_INTERVALS = 80;
    /** The first ticks after a client joins, left out of period measurements (JIT, connection set-up). */
    public static final int SETTLING_TICKS = 2;

    /** The ticks a period test measures: {@link #MEASURED_INTERVALS} intervals after the settling ones. */
    public static List<TestClient.Received> measuredWindow(List<TestClient.Received> ticks) {
        return ticks.subList(SETTLING_TICKS, SETTLING_TICKS + MEASURED_INTERVALS + 1);
    }

    /** True once a client has received enough ticks for {@link #measuredWindow}. */
    public static boolean enoughForMeasuring(TestClient client) {
        return client.ticks().size() > SETTLING_TICKS + MEASURED_INTERVALS;
    }

    /**
     * The period these ticks kept, in milliseconds: the slope of the straight line fitted through
     * their arrival times (least squares: arrival time against place in the list). Every arrival
     * counts, so one tick read 200 ms late moves it by at most 0.2 ms over 80 intervals; the mean
     * interval, (last - first) / 80, would move by 2.5 ms if that tick were the first or the last.
     * A loop that drifts or bursts moves it all the same: it is the rate the ticks came at.
     */
    public static double periodMillis(List<TestClient.Received> ticks) {
        int count = ticks.size();
        if (count < 2) {
            throw new IllegalArgumentException("need at least two ticks, got " + count);
        }
        long first = ticks.get(0).nanoTime();
        double[] millis = ticks.stream().mapToDouble(tick -> (tick.nanoTime() - first) / 1e6).toArray();
        double meanMillis = Arrays.stream(millis).average().orElseThrow();
        double meanIndex = (count - 1) / 2.0;
        double covariance = 0;
        double variance = 0;
        for (int i = 0; i < count; i++) {
            covariance += (i - meanIndex) * (millis[i] - meanMillis);
            variance += (i - meanIndex) * (i - meanIndex);
        }
        return covariance / variance;
    }

    /**
     * The middle one of these ticks' intervals, in milliseconds: how far apart ticks usually
     * came. Unlike {@link #periodMillis}, a stall does not move it, however long, as long as most
     * intervals are a period; a loop that drifts moves it all the same, as every interval is
     * longer.
     */
    public static double medianIntervalMillis(List<TestClient.Received> ticks) {
        int count = ticks.size();
        if (count < 2) {
            throw new IllegalArgumentException("need at least two ticks, got " + count);
        }
        long[] intervals = new long[count - 1];
        for (int i = 1; i < count; i++) {
            intervals[i - 1] = ticks.get(i).nanoTime() - ticks.get(i - 1).nanoTime();
        }
        Arrays.sort(intervals);
        int middle = intervals.length / 2;
        double median = intervals.length % 2 == 1 ? intervals[middle] : (intervals[middle - 1] + intervals[middle]) / 2.0;
        return median / 1e6;
    }

    /**
     * Tick n's usual message, made only after {@code work} has passed: a stand-in for a game whose
     * every tick costs that long. It is what tells a fixed rate from a loop that waits a period
     * <em>after</em> each tick: with 20 ms of work at a 50 ms period, the first still ticks every
     * 50 ms, the second every 70. (With no work, as in most tests, both tick every 50 ms, and a
     * period test could not tell them apart.) An interrupt cuts the work short, so a stop is not
     * held up.
     */
    public static LongFunction<String> takingTime(Duration work) {
        return n -> {
            long until = System.nanoTime() + work.toNanos();
            for (long left = work.toNanos(); left > 0 && !Thread.currentThread().isInterrupted();
                    left = until - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            return Protocol.tick(n);
        };
    }

    /**
     * The fixed-rate check examples 01 to 04 run (05 has its own, on the median interval: see
     * {@link #assertSteadyTicksBetweenStalls}; 06's loop has no tick message to slow down):
     * starts {@code example}'s game with every tick taking 20 ms of a 50 ms period
     * ({@link #takingTime}), connects a client, and asserts that the ticks still come every 50 ms
     * ({@link #assertSteadyTicks}). A loop that slept a period after each tick would tick every 70.
     *
     * @param game the example's game, built around the tick message it is given
     */
    public static void assertThePeriodHoldsWhenEveryTickTakesTime(
            String example, Function<LongFunction<String>, Game.Factory> game) throws Exception {
        Duration period = Duration.ofMillis(50);
        Game.Factory slowTicks = game.apply(takingTime(Duration.ofMillis(20)));
        try (GameServer server = GameServer.start(ServerSettings.forTest(example, period), slowTicks);
                TestClients clients = new TestClients()) { // closed first: clients before their server
            assertSteadyTicks(period, clients.connect(server.webSocketUri()));
        }
    }

    /**
     * Waits until the client has enough ticks to measure, then asserts they came in order, none
     * missed or repeated, at {@code period} (within 10%).
     */
    public static void assertSteadyTicks(Duration period, TestClient client) {
        awaitEnoughInOrder(client);
        assertPeriod(period, client);
    }

    /**
     * The period check for a loop that does not catch up after a stall (example 05: when a tick
     * goes out more than a period late, the next one is planned a period after it, so missed ticks
     * are not sent in a burst). On a busy machine a stall then delays every later tick, and the
     * fitted period with it (a stall of 300 ms in the middle of the window moves it from 50 to
     * 55.6 ms), although every tick but one came a period after the one before. So this asserts
     * what such a loop promises: the ticks in order, none missed or repeated, and their median
     * interval within 10% of {@code period} over {@link #measuredWindow}. A loop that waits a
     * period after each tick's work still fails it, as every interval is longer.
     */
    public static void assertSteadyTicksBetweenStalls(Duration period, TestClient client) {
        awaitEnoughInOrder(client);
        assertWithinATenth(period, medianIntervalMillis(measuredWindow(client.ticks())), "median interval of");
    }

    /** Asserts that this client's ticks came at {@code period}, within 10%, over {@link #measuredWindow}. */
    public static void assertPeriod(Duration period, TestClient client) {
        assertWithinATenth(period, periodMillis(measuredWindow(client.ticks())), "period fitted through");
    }

    /** Waits until the client has enough ticks to measure, and asserts they came in order. */
    private static void awaitEnoughInOrder(TestClient client) {
        await().until(() -> enoughForMeasuring(client));
        assertConsecutive(client.tickNumbers());
    }

    /** Asserts a measure of {@link #measuredWindow}, in ms, is {@code period} within 10%. */
    private static void assertWithinATenth(Duration period, double measuredMillis, String measure) {
        double expected = period.toNanos() / (double) TimeUnit.MILLISECONDS.toNanos(1);
        assertEquals(expected, measuredMillis, expected * 0.10, measure + " " + (MEASURED_INTERVALS + 1) + " ticks, in ms");
    }

    /**
     * A loop that has just (re)started: the numbers count up from 1. At most one number may come
     * before the 1: the previous loop's last round of sends, if it was still under way when this
     * client joined (a loop that is stopped finishes the round it is in).
     */
    public static void assertCountsUpFromOne(List<Long> numbers) {
        int one = numbers.indexOf(1L);
        assertTrue(one == 0 || one == 1, "no fresh count from 1 at the start: " + numbers);
        assertConsecutive(numbers.subList(one, numbers.size()));
    }
}
