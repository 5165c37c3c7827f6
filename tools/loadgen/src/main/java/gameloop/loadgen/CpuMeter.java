package gameloop.loadgen;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * How busy the load generator's own JVM, and the whole machine, were while we measured.
 *
 * <p>A load generator that runs out of CPU measures itself: messages wait in its socket buffers
 * before it reads them, and every latency it reports grows by that wait. So it watches its own
 * CPU, and when it (or the machine it shares with the server) was saturated, the report says
 * its figures are a lower bound of what the server can do.
 *
 * <p>Only the key timer thread calls {@link #sample}; {@link #finish} runs after that thread has
 * terminated, which makes its writes visible.
 */
final class CpuMeter {

    /** From this share of the CPU on, over the window or in any one second of it, the measurement may be measuring us. */
    static final double SATURATED_PERCENT = 90;
    /** A shorter window has too few clock ticks of CPU time to say anything: its figures are NaN. */
    static final long MIN_WINDOW_NANOS = 1_000_000_000L;

    /** One second of CPU use, as a percentage of all cores. */
    record Sample(double seconds, double loadgenPercent, double machinePercent) {
    }

    /**
     * The averages over the window; NaN where the JVM cannot tell, or the window was too short.
     * peakThreads: the most threads the load generator had at once, however many connections.
     */
    record Figures(int cores, double loadgenPercent, double machinePercent, int peakThreads, List<Sample> samples) {

        /**
         * Saturated on average, or in any one second: an average hides bursts, and a second in
         * which messages waited for us is enough to stretch the tail of every latency.
         */
        boolean saturated() {
            return loadgenPercent >= SATURATED_PERCENT || machinePercent >= SATURATED_PERCENT
                    || saturatedSeconds() > 0;
        }

        /** How many of the one-second samples reached {@link #SATURATED_PERCENT}. */
        long saturatedSeconds() {
            return samples.stream()
                    .filter(s -> s.loadgenPercent() >= SATURATED_PERCENT || s.machinePercent() >= SATURATED_PERCENT)
                    .count();
        }
    }

    /** Where the figures come from: the JVM's operating-system bean, or made-up readings in a test. */
    interface Readings {
        /** CPU time this process has used, in nanoseconds. */
        long processCpuNanos();

        /** The machine's CPU use since the previous call, 0 to 1; negative if unknown. */
        double machineLoad();
    }

    private static Readings fromTheJvm() {
        var bean = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new Readings() {
            @Override
            public long processCpuNanos() {
                return bean.getProcessCpuTime();
            }

            @Override
            public double machineLoad() {
                return bean.getCpuLoad();
            }
        };
    }

    private final Readings readings;
    private final int cores;
    private final List<Sample> samples = new ArrayList<>();
    private final String threadNamePrefix;
    private int peakThreads;
    private long startWall;
    private long startCpu;
    private long lastWall;
    private long lastCpu;
    private double machineBusySeconds;
    private double machineSeconds;

    /** @param threadNamePrefix the prefix every thread of this load generator's name starts with */
    CpuMeter(String threadNamePrefix) {
        this(threadNamePrefix, fromTheJvm(), Runtime.getRuntime().availableProcessors());
    }

    CpuMeter(String threadNamePrefix, Readings readings, int cores) {
        this.threadNamePrefix = threadNamePrefix;
        this.readings = readings;
        this.cores = cores;
    }

    void start(long now) {
        startWall = lastWall = now;
        startCpu = lastCpu = readings.processCpuNanos();
        readings.machineLoad(); // the machine's figure is "since the previous call": start the clock
    }

    void sample(long now) {
        long cpu = readings.processCpuNanos();
        double machine = readings.machineLoad(); // 0..1 since the previous call, negative if unknown
        double span = (now - lastWall) / 1e9;
        if (machine >= 0) {
            machineBusySeconds += machine * span;
            machineSeconds += span;
        }
        peakThreads = Math.max(peakThreads, ourThreads());
        samples.add(new Sample((now - startWall) / 1e9, percent(cpu - lastCpu, now - lastWall),
                machine < 0 ? Double.NaN : machine * 100));
        lastWall = now;
        lastCpu = cpu;
    }

    Figures finish(long now) {
        if (now - lastWall >= 500_000_000L) {
            sample(now); // the last part-second; a sliver would only add noise (and false alarms)
        }
        boolean tooShort = now - startWall < MIN_WINDOW_NANOS;
        double loadgen = tooShort ? Double.NaN : percent(readings.processCpuNanos() - startCpu, now - startWall);
        double machine = !tooShort && machineSeconds > 0 ? 100 * machineBusySeconds / machineSeconds : Double.NaN;
        return new Figures(cores, loadgen, machine, Math.max(peakThreads, ourThreads()), List.copyOf(samples));
    }

    /** Live threads named with our prefix: Jetty's pool and scheduler, and the key timer. */
    private int ourThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(threadNamePrefix))
                .count();
    }

    private double percent(long cpuNanos, long wallNanos) {
        return wallNanos <= 0 ? 0 : 100.0 * cpuNanos / wallNanos / cores;
    }
}
