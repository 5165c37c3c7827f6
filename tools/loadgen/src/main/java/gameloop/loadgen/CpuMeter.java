package gameloop.loadgen;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How busy the load generator's own JVM, and the whole machine, were while we measured.
 *
 * <p>A load generator that runs out of CPU measures itself: messages wait in its socket buffers
 * before it reads them, and every latency it reports grows by that wait. So it watches its own
 * CPU, and when it (or the machine it shares with the server) was saturated, the report says
 * its figures are a lower bound of what the server can do. It watches each of its own threads
 * too: one reading thread busy for a whole core is as saturated as the machine, though on two
 * cores it is only half of the process's share.
 *
 * <p>The meter's timer thread calls {@link #sample} once a second. {@link #start} runs before that
 * timer is scheduled, and {@link #finish}, which may take one last sample itself, after the timer's
 * thread has terminated, which makes its writes visible.
 */
final class CpuMeter {

    /** From this share of the CPU on, over the window or in any one second of it, the measurement may be measuring us. */
    static final double SATURATED_PERCENT = 90;
    /** A shorter window has too few clock ticks of CPU time to say anything: its figures are NaN. */
    static final long MIN_WINDOW_NANOS = 1_000_000_000L;

    /**
     * One second of CPU use: the load generator's and the machine's as a percentage of all
     * cores, and the load generator's busiest thread as a percentage of one core.
     */
    record Sample(double seconds, double loadgenPercent, double machinePercent, double busiestThreadPercent) {

        boolean saturated() {
            return loadgenPercent >= SATURATED_PERCENT || machinePercent >= SATURATED_PERCENT
                    || busiestThreadPercent >= SATURATED_PERCENT;
        }
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

        /** How many of the one-second samples reached {@link #SATURATED_PERCENT}, of all cores or of one for a thread. */
        long saturatedSeconds() {
            return samples.stream().filter(Sample::saturated).count();
        }

        /** The most any one thread of the load generator used in one second, as a share of one core; NaN if unknown. */
        double busiestThreadPercent() {
            return samples.stream().mapToDouble(Sample::busiestThreadPercent).filter(p -> !Double.isNaN(p))
                    .max().orElse(Double.NaN);
        }
    }

    /** Where the figures come from: the JVM's operating-system bean, or made-up readings in a test. */
    interface Readings {
        /** CPU time this process has used, in nanoseconds. */
        long processCpuNanos();

        /** The machine's CPU use since the previous call, 0 to 1; negative if unknown. */
        double machineLoad();

        /** CPU time, in nanoseconds, of each live thread whose name starts with {@code prefix}, by thread id. */
        Map<Long, Long> threadCpuNanos(String prefix);
    }

    private static Readings fromTheJvm() {
        var bean = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return new Readings() {
            @Override
            public long processCpuNanos() {
                return bean.getProcessCpuTime();
            }

            @Override
            public double machineLoad() {
                return bean.getCpuLoad();
            }

            @Override
            public Map<Long, Long> threadCpuNanos(String prefix) {
                boolean measured = threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
                Map<Long, Long> cpu = new HashMap<>();
                // Names from ThreadInfo without stack traces, and each thread's CPU time by its id:
                // neither stops the JVM's threads. Thread.getAllStackTraces() did, at a safepoint,
                // for 0.1 to 7 ms each second, the reading threads included.
                for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                    if (info == null || !info.getThreadName().startsWith(prefix)) {
                        continue; // ended since the ids were taken, or not one of ours
                    }
                    long nanos = measured ? threads.getThreadCpuTime(info.getThreadId()) : -1;
                    if (!measured || nanos >= 0) { // -1 while measured: it ended meanwhile
                        cpu.put(info.getThreadId(), nanos);
                    }
                }
                return cpu;
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
    private Map<Long, Long> lastThreadCpu = Map.of();
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
        lastThreadCpu = readings.threadCpuNanos(threadNamePrefix);
    }

    void sample(long now) {
        long cpu = readings.processCpuNanos();
        double machine = readings.machineLoad(); // 0..1 since the previous call, negative if unknown
        double span = (now - lastWall) / 1e9;
        if (machine >= 0) {
            machineBusySeconds += machine * span;
            machineSeconds += span;
        }
        Map<Long, Long> threadCpu = readings.threadCpuNanos(threadNamePrefix);
        peakThreads = Math.max(peakThreads, threadCpu.size());
        samples.add(new Sample((now - startWall) / 1e9, percent(cpu - lastCpu, now - lastWall),
                machine < 0 ? Double.NaN : machine * 100, busiestThreadPercent(threadCpu, now - lastWall)));
        lastWall = now;
        lastCpu = cpu;
        lastThreadCpu = threadCpu;
    }

    Figures finish(long now) {
        if (now - lastWall >= 500_000_000L) {
            sample(now); // the last part-second; a sliver would only add noise (and false alarms)
        }
        boolean tooShort = now - startWall < MIN_WINDOW_NANOS;
        double loadgen = tooShort ? Double.NaN : percent(readings.processCpuNanos() - startCpu, now - startWall);
        double machine = !tooShort && machineSeconds > 0 ? 100 * machineBusySeconds / machineSeconds : Double.NaN;
        int threads = readings.threadCpuNanos(threadNamePrefix).size(); // ours: the readers or Jetty's pool, and the key timer
        return new Figures(cores, loadgen, machine, Math.max(peakThreads, threads), List.copyOf(samples));
    }

    /** The most CPU one of our threads used since the previous sample, as a share of one core; NaN if the JVM cannot tell. */
    private double busiestThreadPercent(Map<Long, Long> threadCpu, long wallNanos) {
        long busiest = -1;
        for (Map.Entry<Long, Long> t : threadCpu.entrySet()) {
            if (t.getValue() >= 0) { // a thread started since the previous sample counts from 0
                busiest = Math.max(busiest, t.getValue() - Math.max(0, lastThreadCpu.getOrDefault(t.getKey(), 0L)));
            }
        }
        return busiest < 0 || wallNanos <= 0 ? Double.NaN : 100.0 * busiest / wallNanos;
    }

    private double percent(long cpuNanos, long wallNanos) {
        return wallNanos <= 0 ? 0 : 100.0 * cpuNanos / wallNanos / cores;
    }
}
