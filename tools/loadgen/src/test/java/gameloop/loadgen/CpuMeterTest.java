package gameloop.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CPU figures and the saturated rule, on made-up readings of a two-core machine; one test
 * reads the JVM's own.
 */
class CpuMeterTest {

    private static final long SECOND = 1_000_000_000L;
    /**
     * The System.nanoTime at which the window opens in these tests: any value, not 0, just as a
     * process's CPU time is not 0 once it has run its warm-up. Every figure must count from where
     * the clock and the CPU time stood when the window opened.
     */
    private static final long OPENED = 5_000 * SECOND;

    /** Readings the test sets before each call. */
    private static final class Made implements CpuMeter.Readings {
        long cpuNanos;
        double load;
        Map<Long, Long> threads = Map.of();

        @Override
        public long processCpuNanos() {
            return cpuNanos;
        }

        @Override
        public double machineLoad() {
            return load;
        }

        @Override
        public Map<Long, Long> threadCpuNanos(String prefix) {
            return threads;
        }
    }

    private final Made readings = new Made();
    private final CpuMeter meter = new CpuMeter("cpu-meter-test-no-such-thread-", readings, 2);

    @Test
    void aSecondAtNinetyPercentOfAllCoresIsSaturatedThoughTheAverageIsNot() {
        meter.start(0);
        readings.cpuNanos = 18 * SECOND / 10; // 1.8 s of CPU in 1 s on 2 cores: 90%
        readings.load = 0.5;
        meter.sample(SECOND);
        readings.cpuNanos += SECOND / 5; // 0.2 s: 10%
        readings.load = 0.3;
        meter.sample(2 * SECOND);

        CpuMeter.Figures f = meter.finish(2 * SECOND);

        assertEquals(90.0, f.samples().get(0).loadgenPercent(), 1e-9);
        assertEquals(50.0, f.samples().get(0).machinePercent(), 1e-9);
        assertEquals(10.0, f.samples().get(1).loadgenPercent(), 1e-9);
        assertEquals(50.0, f.loadgenPercent(), 1e-9, "2 s of CPU in 2 s on 2 cores");
        assertEquals(40.0, f.machinePercent(), 1e-9, "the mean of 50% and 30%, one second each");
        assertEquals(1, f.saturatedSeconds());
        assertTrue(f.saturated(), "one saturated second is enough");
    }

    @Test
    void justUnderNinetyPercentIsNotSaturated() {
        meter.start(0);
        readings.cpuNanos = 178 * SECOND / 100; // 89%
        readings.load = 0.89;
        meter.sample(SECOND);

        CpuMeter.Figures f = meter.finish(SECOND);

        assertEquals(89.0, f.loadgenPercent(), 1e-9);
        assertEquals(0, f.saturatedSeconds());
        assertFalse(f.saturated());
    }

    /**
     * Each of the three shares saturates a second on its own from exactly 90% on: the process's
     * and the machine's of all cores, a thread's of one core. 89.9% does not. The others stay
     * low, and the one-second sample is all the window there is, so the second is the one to
     * look at: the window's averages are checked apart (see the next test).
     */
    @ParameterizedTest(name = "{0} at {1}%: saturated {2}")
    @CsvSource({
        "loadgen, 89.9, false", "loadgen, 90, true",
        "machine, 89.9, false", "machine, 90, true",
        "thread, 89.9, false", "thread, 90, true"})
    void aSecondIsSaturatedFromNinetyPercentOfAnyShareOnItsOwn(String share, double percent, boolean saturated) {
        readings.threads = Map.of(1L, 0L);
        meter.start(0);
        readings.cpuNanos = share.equals("loadgen") ? Math.round(percent / 100 * 2 * SECOND) : SECOND / 10;
        readings.load = share.equals("machine") ? percent / 100 : 0.1;
        readings.threads = Map.of(1L, share.equals("thread") ? Math.round(percent / 100 * SECOND) : SECOND / 10);
        meter.sample(SECOND);

        CpuMeter.Sample second = meter.finish(SECOND).samples().get(0);

        double measured = switch (share) {
            case "loadgen" -> second.loadgenPercent();
            case "machine" -> second.machinePercent();
            default -> second.busiestThreadPercent();
        };
        assertEquals(percent, measured, 1e-9, "the share as the sample reads it");
        assertEquals(saturated, second.saturated(), () -> share + " at " + measured + "%");
    }

    /**
     * The window's own average counts too: 90% of two cores over 1.25 s is saturated though its
     * one whole second was at 89% and the busier quarter second after it, too short to be a sample
     * of its own, was in no second. 89.9% on average is not.
     */
    @ParameterizedTest(name = "{0}% on average: saturated {1}")
    @CsvSource({"89.9, false", "90, true"})
    void theWindowsAverageIsSaturatedFromNinetyPercentThoughNoSecondWas(double percent, boolean saturated) {
        long window = 5 * SECOND / 4;
        meter.start(0);
        readings.cpuNanos = 178 * SECOND / 100; // 89% of two cores
        readings.load = 0.1;
        meter.sample(SECOND);
        readings.cpuNanos = Math.round(percent / 100 * 2 * window); // the quarter second after it at over 90%

        CpuMeter.Figures f = meter.finish(window);

        assertEquals(1, f.samples().size(), "a quarter second is not a sample");
        assertEquals(0, f.saturatedSeconds());
        assertEquals(percent, f.loadgenPercent(), 1e-9);
        assertEquals(saturated, f.saturated(), () -> "the window at " + f.loadgenPercent() + "%");
    }

    @Test
    void theWholeMachineAtNinetyPercentIsSaturatedToo() {
        meter.start(0);
        readings.cpuNanos = SECOND / 5;
        readings.load = 0.9;
        meter.sample(SECOND);

        assertTrue(meter.finish(SECOND).saturated());
    }

    @Test
    void oneThreadBusyForAWholeCoreIsSaturatedThoughItIsHalfOfTwo() {
        readings.threads = Map.of(1L, 0L, 2L, 0L);
        meter.start(0);
        readings.cpuNanos = SECOND; // 50% of two cores: far from 90%
        readings.load = 0.6;
        readings.threads = Map.of(1L, 95 * SECOND / 100, 2L, 5 * SECOND / 100, 3L, 0L); // a reader pegged; 3 just started

        CpuMeter.Figures f = meter.finish(SECOND);

        assertEquals(50.0, f.loadgenPercent(), 1e-9);
        assertEquals(95.0, f.busiestThreadPercent(), 1e-9);
        assertEquals(1, f.saturatedSeconds());
        assertTrue(f.saturated());
        assertEquals(3, f.peakThreads());
    }

    @Test
    void aThreadCountsTheCpuItUsedSinceThePreviousSampleNotSinceItStarted() {
        readings.threads = Map.of(1L, 30 * SECOND); // a reader that ran through the warm-up
        meter.start(0);
        readings.threads = Map.of(1L, 30 * SECOND + 4 * SECOND / 10);
        meter.sample(SECOND);
        readings.threads = Map.of(1L, 30 * SECOND + 9 * SECOND / 10);
        meter.sample(2 * SECOND);

        CpuMeter.Figures f = meter.finish(2 * SECOND);

        assertEquals(40.0, f.samples().get(0).busiestThreadPercent(), 1e-9);
        assertEquals(50.0, f.samples().get(1).busiestThreadPercent(), 1e-9);
        assertFalse(f.saturated());
    }

    @Test
    void aThreadStartedSinceThePreviousSampleCountsFromZero() {
        readings.threads = Map.of(1L, 30 * SECOND);
        meter.start(0);
        readings.threads = Map.of(1L, 30 * SECOND + SECOND / 10, 2L, 95 * SECOND / 100); // 2 started and ran flat out

        CpuMeter.Figures f = meter.finish(SECOND);

        assertEquals(95.0, f.busiestThreadPercent(), 1e-9);
        assertTrue(f.saturated());
    }

    /**
     * The JVM's own readings: only the threads named with the prefix, each with its CPU time, and
     * the process's CPU time, over a real window just over a second long (a shorter one has no
     * figure). Were the process's read as 0, no run would be marked a lower bound for want of CPU.
     */
    @Test
    void readsTheCpuTimeOfItsOwnThreadsAndOfTheProcessFromTheJvm() throws InterruptedException {
        CpuMeter live = new CpuMeter("cpu-meter-live-test-");
        AtomicBoolean stop = new AtomicBoolean();
        Thread spinner = new Thread(() -> {
            while (!stop.get()) {
                Thread.onSpinWait();
            }
        }, "cpu-meter-live-test-spinner");
        spinner.start();
        try {
            long start = System.nanoTime();
            live.start(start);
            Thread.sleep(1_100); // the window the spinner spins through, not a wait for a result
            live.sample(System.nanoTime());
        } finally {
            stop.set(true);
            spinner.join();
        }

        CpuMeter.Figures f = live.finish(System.nanoTime());

        assertEquals(1, f.peakThreads(), "the spinner, and no other thread of the JVM");
        assertTrue(f.busiestThreadPercent() > 0, () -> "the spinner's share: " + f.busiestThreadPercent());
        assertTrue(f.loadgenPercent() > 0, () -> "the process's share: " + f.loadgenPercent());
    }

    /**
     * The machine's average weighs each sample by how long it lasted: the last part-second counts
     * for half as much as a whole one. 20% for 1 s and 80% for 0.5 s is 40%, not the 50% of
     * two samples taken as equals.
     */
    @Test
    void theMachinesAverageWeighsEachSampleByItsLength() {
        meter.start(0);
        readings.load = 0.2;
        meter.sample(SECOND);
        readings.load = 0.8;

        CpuMeter.Figures f = meter.finish(3 * SECOND / 2); // half a second: long enough to be sampled

        assertEquals(2, f.samples().size());
        assertEquals(40.0, f.machinePercent(), 1e-9, "(0.2 x 1 s + 0.8 x 0.5 s) / 1.5 s");
    }

    /**
     * The loadgen CPU share (and the samples) count from the window's start, not from zero; the
     * last part-second is not a sample under half a second, but its threads count for the peak.
     */
    @Test
    void theFiguresCountFromWhereTheClockAndTheCpuTimeStoodWhenTheWindowOpened() {
        readings.cpuNanos = 40 * SECOND; // the warm-up's CPU time, not the window's
        readings.load = 0.5;
        meter.start(OPENED);
        readings.cpuNanos += 18 * SECOND / 10;
        readings.threads = Map.of(1L, 0L);
        meter.sample(OPENED + SECOND);
        readings.cpuNanos += 2 * SECOND / 10;
        readings.threads = Map.of(1L, 0L, 2L, 0L, 3L, 0L); // two started in the sliver

        CpuMeter.Figures f = meter.finish(OPENED + 12 * SECOND / 10); // a 0.2 s sliver: not a sample of its own

        assertEquals(1, f.samples().size(), "a sliver under half a second would only add noise");
        assertEquals(1.0, f.samples().get(0).seconds(), 1e-9);
        assertEquals(90.0, f.samples().get(0).loadgenPercent(), 1e-9);
        assertEquals(100.0 * 2 / 1.2 / 2, f.loadgenPercent(), 1e-9, "2 s of CPU in 1.2 s on 2 cores");
        assertEquals(50.0, f.machinePercent(), 1e-9);
        assertEquals(3, f.peakThreads(), "the threads at the end count, sliver or not");
    }

    /**
     * The machine's figure is its use since the previous call, as the JVM gives it, so the meter
     * makes a call as the window opens: its first second must not take in the warm-up before
     * it, with the machine flat out, nor anything since the meter was made. Readings that model
     * "since the previous call", unlike the ones above, which give whatever the test set.
     */
    @Test
    void theMachinesFirstSecondCountsFromTheWindowsStartNotFromTheWarmUp() {
        MachineSinceThePreviousCall machine = new MachineSinceThePreviousCall();
        CpuMeter meter = new CpuMeter("cpu-meter-test-no-such-thread-", machine, 2); // made before the warm-up, as a run makes it
        machine.run(30 * SECOND, 1.0); // the warm-up
        meter.start(OPENED);
        machine.run(SECOND, 0.3);
        meter.sample(OPENED + SECOND);
        machine.run(SECOND, 0.5);

        CpuMeter.Figures f = meter.finish(OPENED + 2 * SECOND);

        assertEquals(30.0, f.samples().get(0).machinePercent(), 1e-9, "the window's first second, and nothing before it");
        assertEquals(50.0, f.samples().get(1).machinePercent(), 1e-9);
        assertEquals(40.0, f.machinePercent(), 1e-9);
        assertFalse(f.saturated(), "the warm-up's busy machine is not the window's");
    }

    /**
     * A machine whose busy time and clock the test moves on; each call of {@link #machineLoad}
     * gives its use since the previous one (since it was made, for the first), as
     * {@code OperatingSystemMXBean.getCpuLoad} does.
     */
    private static final class MachineSinceThePreviousCall implements CpuMeter.Readings {
        private long wallNanos;
        private double busyNanos;
        private long wallAtPreviousCall;
        private double busyAtPreviousCall;

        /** The machine runs for {@code nanos}, busy for {@code load} of it. */
        void run(long nanos, double load) {
            wallNanos += nanos;
            busyNanos += load * nanos;
        }

        @Override
        public double machineLoad() {
            double load = wallNanos == wallAtPreviousCall ? 0 : (busyNanos - busyAtPreviousCall) / (wallNanos - wallAtPreviousCall);
            wallAtPreviousCall = wallNanos;
            busyAtPreviousCall = busyNanos;
            return load;
        }

        @Override
        public long processCpuNanos() {
            return 0;
        }

        @Override
        public Map<Long, Long> threadCpuNanos(String prefix) {
            return Map.of();
        }
    }

    /** A window under a second has no CPU figures (NaN), wherever the clock stood. */
    @Test
    void aWindowUnderASecondHasNoCpuFigures() {
        readings.cpuNanos = 40 * SECOND;
        readings.load = 0.5;
        meter.start(OPENED);
        readings.cpuNanos += SECOND / 2;

        CpuMeter.Figures f = meter.finish(OPENED + 6 * SECOND / 10);

        assertTrue(Double.isNaN(f.loadgenPercent()), () -> "loadgen " + f.loadgenPercent());
        assertTrue(Double.isNaN(f.machinePercent()), () -> "machine " + f.machinePercent());
    }
}
