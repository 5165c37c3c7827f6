package gameloop.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every client's key presses, at a fixed rate, on one timer thread of their own (so that the
 * CPU samples and the probes, which take a few ms now and then, never hold a press back). A
 * press is timed from when it was due, not from when the timer got round to it: a timer held
 * up on a busy machine must not leave its own delay out of the echo round trips.
 *
 * <p>Started and stopped by one thread, the run's; the presses are the timer thread's alone.
 */
final class KeyTimer {
    /** How long {@link #stopAt} waits for the window's last presses. */
    static final Duration LAST_PRESSES_TIMEOUT = Duration.ofSeconds(5);

    private final ScheduledExecutorService timer;
    private final List<PressesWhenDue> presses = new ArrayList<>();

    KeyTimer(String threadName) {
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> new Thread(runnable, threadName));
    }

    /**
     * Each client presses a key every {@code period}, the clients staggered over the period so
     * that the server sees a steady stream of keys rather than one burst per period.
     *
     * @return when the first client's first press is due (its {@link System#nanoTime()})
     */
    long start(List<LoadClient> clients, Duration period) {
        long nanos = period.toNanos();
        long now = System.nanoTime();
        for (int i = 0; i < clients.size(); i++) {
            long due = now + nanos * i / clients.size();
            PressesWhenDue client = new PressesWhenDue(clients.get(i), due, nanos);
            presses.add(client);
            // Scheduled for the moment its first press is due, from the clock as it is now: the
            // loop itself takes time (milliseconds for thousands of clients), and a delay taken
            // from `now` would schedule each client later than its presses are due.
            timer.scheduleAtFixedRate(client, due - System.nanoTime(), nanos, TimeUnit.NANOSECONDS);
        }
        return now;
    }

    /**
     * Sends every press due before {@code end} (the window's close) that has not gone out yet,
     * then stops the timer. A timer running behind would otherwise be stopped with the presses
     * of the window's last moments unsent and uncounted: the very presses that waited longest.
     * So this waits for a task queued on the timer's own thread, the only one that moves a
     * client's next due time. The timer runs what is overdue in the order it fell due, so the
     * presses due before {@code end} will mostly have gone out by the time that task runs; it
     * sends any still due, so that none is left out whatever the order.
     *
     * @return false if they could not all be sent within {@link #LAST_PRESSES_TIMEOUT}; those
     *         not sent by then are left out
     */
    boolean stopAt(long end) throws InterruptedException {
        Future<?> sent = timer.submit(() -> presses.forEach(client -> client.pressAllDueBefore(end)));
        try {
            sent.get(LAST_PRESSES_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot happen: a press never throws", e.getCause());
        } catch (TimeoutException e) {
            return false;
        } finally {
            stop();
        }
    }

    /**
     * Cancels the presses still scheduled, interrupts one in progress, and waits up to 5 s for
     * the timer's thread to end; false if it did not. Safe to call again.
     */
    boolean stop() throws InterruptedException {
        timer.shutdownNow();
        return timer.awaitTermination(5, TimeUnit.SECONDS);
    }

    /**
     * One client's presses, each passed the time it was due as well as the time it went out:
     * {@link LoadClient#pressKey(long, long)} times the echo from the first.
     */
    static final class PressesWhenDue implements Runnable {
        private final LoadClient client;
        private final long period;
        private long due;

        PressesWhenDue(LoadClient client, long firstDue, long period) {
            this.client = client;
            this.due = firstDue;
            this.period = period;
        }

        @Override
        public void run() {
            client.pressKey(due, System.nanoTime());
            due += period; // a timer that fell behind runs the missed ones at once, each with its own due time
        }

        /** Sends, now, every press due before {@code end} that has not gone out yet; stops if the timer is stopped. */
        void pressAllDueBefore(long end) {
            while (due - end < 0 && !Thread.currentThread().isInterrupted()) {
                run();
            }
        }
    }
}
