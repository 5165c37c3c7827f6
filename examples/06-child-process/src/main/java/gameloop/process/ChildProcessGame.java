package gameloop.process;

import gameloop.shared.Game;
import gameloop.shared.GameContext;
import gameloop.shared.Players;
import gameloop.shared.Protocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The game of example 06: every period the loop asks a child JVM for one step of heavy work, and
 * each result the child sends back becomes a tick for every player. The article's
 * {@code multiprocessing.Process} and {@code Queue}, done so that the child cannot be forgotten.
 *
 * <ul>
 *   <li><b>Two pipes, two threads.</b> The loop thread ({@code gsN-game-loop-1}) writes requests
 *       at a fixed rate; a reader thread per worker ({@code gsN-worker-results-K}) blocks on the
 *       results and broadcasts {@code game loop says: tick N} when result N arrives. Neither is a
 *       Jetty thread, so a slow child never delays an echo.</li>
 *   <li><b>At most one request in flight.</b> If the worker is still busy when a period starts,
 *       that period is skipped and logged. Requests never pile up in the pipe, and a tick never
 *       reports work that was asked for long ago. Tick numbers count requests, so players see
 *       consecutive numbers arriving less often.</li>
 *   <li><b>A worker that dies is noticed and replaced.</b> Its reader sees end of file, reports
 *       the exit code and its last words, and a new worker starts one period later (a pause,
 *       so a worker that dies at once is started again at most once a period: at a period of tens
 *       of milliseconds that still keeps a core busy starting JVMs, and a real server would back
 *       off). The request it held is lost, which players see as one missing tick number.</li>
 *   <li><b>The worker never outlives us.</b> {@link #close()} stops the loop, then the worker
 *       ({@link Worker#stop}: end of file, then SIGTERM, then SIGKILL), and waits for its threads.
 *       If this JVM is killed outright, the kernel closes the worker's stdin and it exits by itself.</li>
 * </ul>
 */
final class ChildProcessGame implements Game {

    private static final Logger LOG = LoggerFactory.getLogger(ChildProcessGame.class);

    /** How a worker is started. The server starts a JVM running {@link HeavyWorker}; tests start other processes. */
    @FunctionalInterface
    interface Launcher {
        Worker launch(String ownerTag, ThreadFactory resultThreads, ThreadFactory stderrThreads, Worker.Events events)
                throws IOException;
    }

    private final Players players;
    private final Duration period;
    /** How long each step of work takes in the worker. */
    private final Duration work;
    private final Launcher launcher;
    /** One thread: it sends the requests, and starts replacement workers. */
    private final ScheduledExecutorService loopThread;
    /** Kept, not re-created, so replacements' threads are numbered on: worker-results-2, -3... */
    private final ThreadFactory resultThreads;
    private final ThreadFactory stderrThreads;
    /** Put on each worker's command line, so {@code ps} (and a test) can tell whose it is. */
    private final String ownerTag;
    private final Worker.Events events = new Worker.Events() {
        @Override
        public void resultArrived(Worker from, long number, String line) {
            ChildProcessGame.this.resultArrived(from, number, line);
        }

        @Override
        public void ended(Worker from, Worker.Exit exit) {
            workerEnded(from, exit);
        }
    };

    private final Object lock = new Object();
    /**
     * The current worker, alive or just dead and awaiting its replacement; null before the first
     * and after one whose reader could not start. Guarded by {@link #lock}, like every field below.
     */
    private Worker worker;
    /**
     * Set by {@link #close()}. Checked under the lock before each request and before a new worker
     * is kept: once set, no tick begins a request, and a worker launched meanwhile is stopped.
     */
    private boolean closed;
    /** Also the number of the last request, and so of the tick its result becomes. */
    private long requestsSent;
    private long resultsReceived;
    private int inFlight;
    private int mostInFlight;
    private long periodsSkipped;
    private int workersStarted;
    private Worker.Exit lastExit;

    ChildProcessGame(GameContext context, Duration work) {
        this(context, work, Worker::launch);
    }

    ChildProcessGame(GameContext context, Duration work, Launcher launcher) {
        this.players = context.players();
        this.period = context.tickPeriod();
        this.work = work;
        this.launcher = launcher;
        this.loopThread = Executors.newSingleThreadScheduledExecutor(context.threads("game-loop"));
        this.resultThreads = context.threads("worker-results");
        this.stderrThreads = context.threads("worker-stderr");
        String prefix = context.threadNamePrefix();
        this.ownerTag = ProcessHandle.current().pid() + "/" + prefix.substring(0, prefix.length() - 1);
    }

    /**
     * Starts the first worker (a failure here fails the server's start), then the loop. A close()
     * may come first: the shutdown hook waits for a start only so long, and then stops what it
     * finds. A worker it could not find is stopped here, as {@link #adopt} does for a replacement.
     */
    @Override
    public void start() {
        Worker first;
        try {
            first = launchWorker();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the worker JVM", e);
        }
        if (!recordUnlessClosed(first)) {
            first.stop();
            return;
        }
        first.startReading(); // only now: its death must find it recorded as ours
        long nanos = period.toNanos();
        try {
            loopThread.scheduleAtFixedRate(this::tick, nanos, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // close() came after the worker was recorded: it stopped the loop, then that worker.
            synchronized (lock) {
                if (!closed) {
                    throw e;
                }
            }
        }
    }

    /** Makes {@code started} the current worker, unless close() has begun: then it is nobody's. */
    private boolean recordUnlessClosed(Worker started) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            worker = started;
            return true;
        }
    }

    private Worker launchWorker() throws IOException {
        Worker started = launcher.launch(ownerTag, resultThreads, stderrThreads, events);
        int number;
        synchronized (lock) {
            number = ++workersStarted;
        }
        // Named by its pid, as in every other line about it: the one pgrep and top show.
        LOG.info("Worker {} started: a second JVM, {} ms of work per step, workers started so far: {} (see it with `pgrep -af 'gameloop\\.process\\.HeavyWorker'`)",
                started.pid(), work.toMillis(), number);
        return started;
    }

    /**
     * One period, on the loop thread: send the next request, unless the worker is still busy with
     * the last one or is being replaced. It must not throw: a periodic task that throws is never
     * run again.
     */
    private void tick() {
        Worker current;
        long number;
        synchronized (lock) {
            current = worker;
            if (closed || current == null) {
                return;
            }
            if (current.hasEnded()) {
                periodsSkipped++; // its replacement is on the way
                return;
            }
            if (inFlight > 0) {
                periodsSkipped++;
                LOG.info("Period skipped: worker {} is still on request {} ({} skipped so far)",
                        current.pid(), requestsSent, periodsSkipped);
                return;
            }
            number = ++requestsSent;
            inFlight++;
            mostInFlight = Math.max(mostInFlight, inFlight);
        }
        try {
            current.send(number, work); // outside the lock: I/O, even a write that cannot block
        } catch (IOException e) {
            // A broken pipe: the child has closed its stdin, almost always because it is dying, and
            // then its reader reports its end and it is replaced. One that closed its stdin and
            // lives on would keep this request in flight, every period logged as skipped, until it
            // ends: a worker that hangs, which chapter 06's third exercise gives a watchdog.
            LOG.warn("Could not send request {} to worker {}: {}. It is probably dying; its reader will report it.",
                    number, current.pid(), e.toString());
        } catch (Throwable e) { // an Error too: a periodic task that throws is never run again
            // Not a broken pipe but a failure of ours: we cannot tell how much of the request
            // reached the writer's buffers or the pipe. What did may go out with the next request,
            // and then results no longer match our count. So this worker is killed, and its reader
            // reports its end as for any death: it is replaced. Killed, not stopped: stop() would
            // flush those buffers, hand the child half a line, and hold this thread for seconds.
            // The kill comes first: if the log call failed too (out of memory), the worker is
            // still dealt with.
            current.kill();
            LOG.error("Sending request {} to worker {} failed; killed it", number, current.pid(), e);
        }
    }

    /** On the worker's reader thread: result N is tick N. */
    private void resultArrived(Worker from, long number, String line) {
        synchronized (lock) {
            if (from != worker) {
                LOG.warn("A result from worker {}, which is no longer ours: {}", from.pid(), line);
                return;
            }
            inFlight--;
            resultsReceived++;
            if (closed) {
                return; // a result of a request still in flight when close() began: no tick for it
            }
        }
        LOG.debug("Worker {}: {}", from.pid(), line);
        players.broadcast(Protocol.tick(number)); // never blocks: a slow player cannot stall the pipe
    }

    /** On the worker's reader thread, once its stdout is at end of file and it has exited (or was given up on). */
    private void workerEnded(Worker from, Worker.Exit exit) {
        synchronized (lock) {
            lastExit = exit;
            if (from != worker) {
                return;
            }
            boolean lostOne = inFlight > 0;
            inFlight = 0;
            if (closed) {
                LOG.info("Worker {} exited with {}", exit.pid(), exit.describe());
                return;
            }
            if (exit.stoppedWithItsProcessGroup()) {
                // Ctrl+C in a terminal signals the whole foreground process group, and a SIGTERM
                // can go to the whole group too (a service manager's stop, `kill -- -<pgid>`):
                // the worker may hear it a moment before our shutdown hook sets `closed`. Not
                // worth an alarm; and if the server is not stopping, the worker is replaced.
                LOG.warn("Worker {} stopped with {}. If the server is stopping too, that is all; "
                        + "if not, a new worker starts in {} ms.", exit.pid(), exit.describe(), period.toMillis());
                scheduleReplacement(from);
                return;
            }
            // On one line: the log escapes line breaks anyway. (Each line was also logged as it came.)
            String lastWords = exit.lastWords().isEmpty() ? " (none)" : " " + String.join(" | ", exit.lastWords());
            LOG.error("Worker {} died with {}{}. A new worker starts in {} ms. Its last words:{}",
                    exit.pid(), exit.describe(), lostOne ? ", and request " + requestsSent + " with it" : "",
                    period.toMillis(), lastWords);
            scheduleReplacement(from);
        }
    }

    /** Must hold {@link #lock}, with {@code closed} false. */
    private void scheduleReplacement(Worker dead) {
        // close() sets `closed` under this lock before it stops the loop: so the loop is still
        // running, and takes this. (If close() comes next, its shutdownNow() drops it.)
        loopThread.schedule(() -> replaceWorker(dead), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** {@link #scheduleReplacement}, from a thread that does not hold the lock: none once closed. */
    private void scheduleReplacementUnlessClosed(Worker dead) {
        synchronized (lock) {
            if (!closed) {
                scheduleReplacement(dead);
            }
        }
    }

    /** On the loop thread, one period after a worker died: launches the next, or tries again later. */
    private void replaceWorker(Worker dead) {
        try {
            dead.awaitThreads(); // its reader is just returning from workerEnded(); nothing of it may linger
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() is stopping the loop: no replacement
            return;
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
        }
        Worker next;
        try {
            next = launchWorker();
        } catch (IOException | RuntimeException | Error e) { // an Error too: nobody reads what this task throws
            LOG.error("Could not start a new worker; trying again in {} ms", period.toMillis(), e);
            scheduleReplacementUnlessClosed(dead);
            return;
        }
        adopt(next);
    }

    /** On the loop thread: makes a worker just launched the current one, and starts reading from it. */
    private void adopt(Worker next) {
        if (!recordUnlessClosed(next)) {
            // close() waits for this thread before it reads the worker, but only for so long (a
            // process start can be slow): stop the newcomer here rather than hope it is seen.
            next.stop();
            return;
        }
        try {
            next.startReading(); // only now: a child that dies at once is then seen as ours, and replaced
        } catch (RuntimeException | Error e) { // no thread for its reader: out of native threads, say
            readerCouldNotStart(next, e);
        }
    }

    /**
     * The worker's result reader is the one that reports its end. Without it nobody would, and the
     * game would wait on this worker's first result for good: so it is stopped and replaced here.
     * Until then no tick may send to it (a request that never comes back would block every later
     * period), so it stops being the current worker at once.
     */
    private void readerCouldNotStart(Worker next, Throwable failure) {
        LOG.error("Could not start reading from worker {}; stopping it, a new one starts in {} ms",
                next.pid(), period.toMillis(), failure);
        synchronized (lock) {
            worker = null;
        }
        next.stop();
        scheduleReplacementUnlessClosed(next);
    }

    /**
     * Stops the loop, then the worker, and waits for every thread. In that order: once the loop has
     * ended, nothing can send a request or start a worker, so the worker read here is the last one.
     */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        Game.stopAndAwait(loopThread);
        Worker last;
        synchronized (lock) {
            last = worker;
        }
        if (last != null) {
            last.stop();
        }
    }

    // For tests, and for curious readers.

    /**
     * The pid of the current worker; -1 while there is none (before the first, or while one whose
     * reader could not start is being replaced).
     */
    long workerPid() {
        synchronized (lock) {
            return worker == null ? -1 : worker.pid();
        }
    }

    /** The tag on this game's workers' command lines ({@code -Dgameloop.owner=...}). */
    String ownerTag() {
        return ownerTag;
    }

    int workersStarted() {
        synchronized (lock) {
            return workersStarted;
        }
    }

    long resultsReceived() {
        synchronized (lock) {
            return resultsReceived;
        }
    }

    long periodsSkipped() {
        synchronized (lock) {
            return periodsSkipped;
        }
    }

    /** The most requests that were ever waiting for the worker at once. */
    int mostInFlight() {
        synchronized (lock) {
            return mostInFlight;
        }
    }

    /** How the last worker to end ended, or null if none has. */
    Worker.Exit lastExit() {
        synchronized (lock) {
            return lastExit;
        }
    }
}
