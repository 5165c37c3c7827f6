package gameloop.process;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One child JVM running {@link HeavyWorker}, and the two threads that read its pipes. It owns
 * the process: it starts it, hears of its death, and stops it.
 *
 * <ul>
 *   <li><b>stdin</b> carries requests, written by the game loop's thread ({@link #send}). With at
 *       most one request in flight the pipe never holds more than one short line, so a write
 *       never blocks.</li>
 *   <li><b>stdout</b> carries results. A thread of its own blocks on it ({@code gsN-worker-results-K})
 *       and hands each result to the game. Blocking reads belong on a thread that does nothing
 *       else: never the game loop's, never Jetty's. End of file means the worker is gone.</li>
 *   <li><b>stderr</b> is read by another thread ({@code gsN-worker-stderr-K}) and copied to our
 *       log; the last lines are kept for the report if the worker dies. A pipe nobody reads fills
 *       up (64 KiB on Linux) and then blocks the child in the middle of a write. And never
 *       {@code inheritIO()}: the child would then write into whatever our stdout is, which under
 *       a test runner is the runner's own channel.</li>
 * </ul>
 */
final class Worker {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    /**
     * How long {@link #stop} waits after each polite step before the next: after end of file, then
     * after SIGTERM. SIGKILL comes next, and after it {@code stop} waits up to {@link #SOON}.
     */
    static final Duration STOP_GRACE = Duration.ofSeconds(1);
    /**
     * How long to wait for what should follow soon: a process's exit once its stdout has closed
     * or it was killed, a reader thread's end once its process has. A child still running 5 s
     * after closing its stdout is killed; one still there 5 s after SIGKILL is logged, reported
     * ended (so that it is replaced) and left, and so is a reader that has not ended (only a
     * machine in trouble gets there: a process stuck in the kernel, on a hung disk, say).
     */
    private static final Duration SOON = Duration.ofSeconds(5);
    /** How many of the child's last lines the report of its end shows. */
    private static final int LAST_WORDS_KEPT = 20;
    /** The code of an {@link Exit} whose process was not seen to exit. */
    static final int NO_EXIT_CODE = -1;

    /**
     * How a worker ended: its exit code, what it last said (on stderr, or on stdout where a
     * result should have been: the JVM's crash banner, say), and the last signal this server sent
     * it ("SIGTERM", "SIGKILL", or null), so a death we caused is not blamed on anyone else.
     */
    record Exit(long pid, int code, List<String> lastWords, String signalSent) {
        /** 137 reads better as "killed by SIGKILL": the JVM reports death by signal n as 128 + n. */
        String describe() {
            return switch (code) {
                case 0 -> "exit code 0";
                case 130 -> "exit code 130 (SIGINT: Ctrl+C reaches every process in the terminal's foreground group)";
                case 134 -> "exit code 134 (SIGABRT: the JVM itself aborted)";
                case 137 -> "SIGKILL".equals(signalSent) ? "exit code 137 (SIGKILL, sent by this server)"
                        : "exit code 137 (SIGKILL: killed, possibly by the kernel's out-of-memory killer)";
                case 143 -> signalSent != null ? "exit code 143 (SIGTERM, sent by this server)"
                        : "exit code 143 (SIGTERM: not from this server; a stop sent to its whole process group reaches the worker too)";
                case NO_EXIT_CODE -> "no exit code: killed, and not seen to exit";
                // On Windows a process this server ended exits with 1, like many a crash: say which.
                default -> signalSent != null ? "exit code " + code + " (ended by this server)" : "exit code " + code;
            };
        }

        /**
         * Ended by a signal sent to its whole process group, not by this server: SIGINT (130),
         * or a SIGTERM (143) this server did not send.
         */
        boolean stoppedWithItsProcessGroup() {
            return code == 130 || (code == 143 && signalSent == null);
        }
    }

    /** What the worker's reader thread tells its owner. Called on that thread. */
    interface Events {
        void resultArrived(Worker worker, long number, String line);

        /**
         * Called once, after stdout reached end of file (or a read of it failed) and the process
         * has exited, or was killed and not seen to exit ({@link Worker#NO_EXIT_CODE}: this server
         * gave up waiting for it).
         */
        void ended(Worker worker, Exit exit);
    }

    private final Process process;
    /** The last signal we sent: written by whoever stops the worker, read by the reader thread that reports the end. */
    private volatile String signalSent;
    private final Writer requests;
    /** Kept for the report of the worker's end; both reader threads add to it. */
    private final Deque<String> lastWords = new ArrayDeque<>();
    private final Thread resultReader;
    private final Thread stderrReader;
    private volatile boolean ended;
    /** Set once this server has sent SIGKILL: the worker is going, whatever its reader has seen yet. */
    private volatile boolean killed;

    /**
     * Package-private for the tests, which wrap stand-in processes (shell scripts, a process
     * without SIGTERM, one that cannot be killed); otherwise use {@link #launch}.
     */
    Worker(Process process, ThreadFactory resultThreads, ThreadFactory stderrThreads, Events events) {
        this.process = process;
        this.requests = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII));
        this.resultReader = resultThreads.newThread(() -> readResults(events));
        this.stderrReader = stderrThreads.newThread(this::readStderr);
    }

    /**
     * Starts a child JVM. Its pipes are read only once {@link #startReading} is called.
     *
     * @param ownerTag a tag put on the child's command line ({@code -Dgameloop.owner=...}), so a
     *              person with {@code ps} or a test can tell whose worker it is
     */
    static Worker launch(String ownerTag, ThreadFactory resultThreads, ThreadFactory stderrThreads, Events events)
            throws IOException {
        return new Worker(startJvm(ownerTag), resultThreads, stderrThreads, events);
    }

    /** The child JVM alone, running {@link HeavyWorker}, its three pipes unread. */
    static Process startJvm(String ownerTag) throws IOException {
        List<String> command = List.of(
                javaCommand(),
                // A worker that needs little memory should not reserve a share of the machine's,
                // and one GC thread keeps it to the one core it computes on.
                "-Xmx64m", "-XX:+UseSerialGC",
                // The JVM writes a thread dump (on SIGQUIT, kill -3) to stdout, where each of its
                // lines would be read, and refused, as a result: on stderr it reaches our log as
                // the child's other words do. (Its logging's warnings stay on stdout; a line that
                // is not a result is logged and kept for the report of the worker's end.)
                "-XX:+DisplayVMOutputToStderr",
                // A crash writes a report file into the working directory by default, which for
                // a learner is this repository: the temporary directory takes it instead. The
                // JVM's crash banner still goes to stdout, and names the file. (A core dump is
                // left to the system's settings: most make none, or keep it elsewhere. Turned
                // off here, it would also turn the crash's exit code 134 into a plain 1.)
                "-XX:ErrorFile=" + Path.of(System.getProperty("java.io.tmpdir"), "gameloop-worker-hs_err_pid%p.log"),
                "-Dgameloop.owner=" + ownerTag,
                HeavyWorker.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command); // three pipes: the default, on purpose
        // The classpath goes in the environment, not after -cp: the command line stays short
        // enough to read in `ps`, and the main class's name stays in the part of it that
        // ProcessHandle.Info reports (on Linux the JDK cuts a command line off at 4 KiB).
        builder.environment().put("CLASSPATH", classpath());
        return builder.start();
    }

    /**
     * Starts the two reader threads. Not part of {@link #launch}, so that the owner can first
     * record this worker as its current one: a child that dies at once is then reported as the
     * current worker, and replaced, rather than mistaken for an old one and ignored.
     */
    void startReading() {
        stderrReader.start();
        resultReader.start();
    }

    /** The {@code java} of the JVM we run in, so the child runs on the same JDK. */
    static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The classpath this module's classes were loaded from. Under {@code mvn exec:java} they come
     * from a {@link URLClassLoader} of the plugin's, and {@code java.class.path} is only Maven's
     * launcher; under a test runner, an IDE or plain {@code java -cp}, {@code java.class.path} is
     * the real one.
     */
    static String classpath() {
        if (HeavyWorker.class.getClassLoader() instanceof URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException e) {
                    throw new IllegalStateException("Not a file on the classpath: " + url, e);
                }
            }
            return String.join(File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    long pid() {
        return process.pid();
    }

    /**
     * True once it can take no more requests: its stdout has ended (or failed), or this server
     * has killed it. Killed counts at once, though the reader notices the end a moment later: a
     * period in that moment is then skipped quietly, as its replacement is on the way, not logged
     * as "still on request N".
     */
    boolean hasEnded() {
        return ended || killed;
    }

    /**
     * Writes one request. Only the game loop's thread calls it. {@link #stop}, which closes the
     * same pipe, runs on that thread or once it has stopped, or after {@code close()} gave up
     * waiting for it; {@code synchronized} keeps the two apart even then.
     *
     * @throws IOException if the worker has died (a broken pipe, or "Stream closed" once Java has
     *     seen it exit); its reader will report it
     */
    synchronized void send(long number, Duration work) throws IOException {
        requests.write(HeavyWorker.requestLine(number, work.toMillis()));
        requests.write('\n');
        requests.flush(); // unflushed, the request would wait in our buffer, not in the worker
    }

    /** The end of the result pipe: each result goes to the game; end of file (or a failed read) means it is gone. */
    private void readResults(Events events) {
        String howReadingEnded = "'s reader failed"; // an Error out of the loop below
        try {
            howReadingEnded = readEachResult(events);
        } finally {
            // Also after an Error: a reader that died without saying so would leave its worker
            // unreplaced, and every later period skipped as "still on a request".
            ended = true;
            events.ended(this, awaitExit(howReadingEnded));
        }
    }

    /** Reads until the pipe ends or fails; returns which, as the rest of a log line after the pid. */
    private String readEachResult(Events events) {
        try (BufferedReader results = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = results.readLine()) != null) {
                OptionalLong number = HeavyWorker.resultNumber(line);
                if (number.isEmpty()) {
                    LOG.warn("Worker {} wrote something that is not a result: {}", pid(), line);
                    remember(line);
                    continue;
                }
                try {
                    events.resultArrived(this, number.getAsLong(), line);
                } catch (RuntimeException | Error e) {
                    // A bug in handling one result must not leave the worker's pipe unread.
                    LOG.error("Handling result {} of worker {} failed; reading on", number.getAsLong(), pid(), e);
                }
            }
        } catch (IOException e) {
            LOG.warn("Reading worker {}'s results failed: {}", pid(), e.toString());
            return "'s results could not be read";
        }
        return " closed its stdout";
    }

    private void readStderr() {
        try (BufferedReader errors = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = errors.readLine()) != null) {
                // Jetty's logger prints a control character as '?', so a stack trace's indented
                // lines would read "?at ...": tabs become spaces first.
                line = line.replace("\t", "    ");
                LOG.info("worker {}: {}", pid(), line);
                remember(line);
            }
        } catch (IOException e) {
            LOG.warn("Reading worker {}'s stderr failed: {}", pid(), e.toString());
        }
    }

    private void remember(String line) {
        synchronized (lastWords) {
            if (lastWords.size() == LAST_WORDS_KEPT) {
                lastWords.removeFirst();
            }
            lastWords.addLast(line);
        }
    }

    /**
     * Once stdout has ended (or failed): the exit code, and stderr read to its end. Every wait is bounded:
     * the end must be reported, or the worker is never replaced and the game skips every period.
     */
    private Exit awaitExit(String howReadingEnded) {
        int code = NO_EXIT_CODE;
        try {
            if (!process.waitFor(SOON.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Worker {}{} but it is still running; killing it", pid(), howReadingEnded);
                kill();
            }
            if (process.waitFor(SOON.toMillis(), TimeUnit.MILLISECONDS)) {
                code = process.exitValue();
                stderrReader.join(SOON.toMillis()); // so the report has its last words
            } else {
                LOG.error("Worker {} still runs {} s after SIGKILL; reporting it ended, so that it is replaced",
                        pid(), SOON.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // nobody interrupts this thread; keep the flag if one does
            kill();
        }
        synchronized (lastWords) {
            return new Exit(pid(), code, List.copyOf(lastWords), signalSent);
        }
    }

    /**
     * Stops the worker and waits for it and its threads. First the polite way: close its stdin, and
     * it exits by itself once it finishes the step it is on. A worker stuck in a long computation
     * gets SIGTERM after {@link #STOP_GRACE}, and one that ignores that, SIGKILL. Safe to call on a
     * worker that has already died, and on one whose readers were never started.
     *
     * <p>An interrupted caller cuts the grace short (SIGKILL at once) but still waits for the
     * process and its threads, so nothing of the worker outlives this call (short of a machine in
     * trouble: see {@link #SOON}); the interrupt is restored afterwards.
     */
    void stop() {
        closeRequests();
        boolean interrupted = false;
        try {
            endPolitely();
        } catch (InterruptedException e) {
            interrupted = true;
        }
        while (true) {
            try {
                if (interrupted) {
                    kill();
                }
                if (!process.waitFor(SOON.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.error("Worker {} still runs {} s after SIGKILL; giving up on it", pid(), SOON.toSeconds());
                }
                awaitThreads();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for the worker to exit on end of file; then SIGTERM, then SIGKILL, a grace period apart.
     * Where the system has no SIGTERM (Windows, where {@code destroy()} ends a process as abruptly
     * as {@code destroyForcibly()}), the kill comes straight after the first wait.
     */
    private void endPolitely() throws InterruptedException {
        if (process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            return;
        }
        if (!hasSigterm()) {
            LOG.warn("Worker {} did not exit within {} ms of its stdin closing; this system has no SIGTERM, so it is killed",
                    pid(), STOP_GRACE.toMillis());
            kill();
            return;
        }
        LOG.warn("Worker {} did not exit within {} ms of its stdin closing; sending SIGTERM",
                pid(), STOP_GRACE.toMillis());
        terminate();
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("Worker {} ignored SIGTERM; sending SIGKILL", pid());
            kill();
        }
    }

    /**
     * Whether {@link #terminate} is a request the worker can honour. Every {@code Process} the JDK
     * starts answers; a stand-in that does not is taken to have one, as on Linux and macOS.
     */
    private boolean hasSigterm() {
        try {
            return process.supportsNormalTermination();
        } catch (UnsupportedOperationException e) {
            return true;
        }
    }

    /** SIGTERM: a request to stop, which a JVM honours by running its shutdown hooks. */
    private void terminate() {
        signalSent = "SIGTERM";
        process.destroy();
    }

    /** SIGKILL: no request, no hooks; the kernel ends the process. Returns at once; its reader reports the end. */
    void kill() {
        signalSent = "SIGKILL";
        process.destroyForcibly();
        killed = true; // only once the signal is sent: a kill that failed leaves it in service, and logged as busy
    }

    /** Waits for the two reader threads; they end soon after the process does. */
    void awaitThreads() throws InterruptedException {
        for (Thread reader : new Thread[] {resultReader, stderrReader}) {
            reader.join(SOON.toMillis());
            if (reader.isAlive()) {
                LOG.error("Thread {} did not end within {} s (worker {} {})", reader.getName(), SOON.toSeconds(), pid(),
                        process.isAlive() ? "still running" : "exited");
            }
        }
    }

    private synchronized void closeRequests() {
        try {
            requests.close();
        } catch (IOException e) {
            // A worker that already died: the flush inside close() meets a broken pipe (or a
            // closed stream, once Java has seen the exit). Nothing to stop.
            LOG.debug("Closing worker {}'s stdin: {}", pid(), e.toString());
        }
    }
}
