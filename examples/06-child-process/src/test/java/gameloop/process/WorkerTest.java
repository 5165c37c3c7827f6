package gameloop.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.testkit.ServerLog;
import gameloop.testkit.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The parent's side of the pipes, and the child at the other end, without a game around them. */
@EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "POSIX signals and their exit codes (143, 137), and sh as a stand-in child")
class WorkerTest {

    private static final AtomicInteger TESTS = new AtomicInteger();

    /** Every thread of this test's worker starts with it, so "none left" can be checked. */
    private final String prefix = "worker-test" + TESTS.incrementAndGet() + "-";
    private final List<Long> results = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Worker.Exit> exit = new CompletableFuture<>();
    private Worker worker;

    private Worker launch(Duration reportTakes) throws Exception {
        worker = Worker.launch("test", threads("results"), threads("stderr"), recording(reportTakes));
        worker.startReading();
        return worker;
    }

    /**
     * A stand-in child running the shell {@code script}, read as a worker ({@link #worker}, which
     * {@code stop()} ends after the test). Returns its process, for the test to look at.
     */
    private Process launchStandIn(String script) throws Exception {
        Process process = new ProcessBuilder("sh", "-c", script).start();
        try {
            worker = new Worker(process, threads("results"), threads("stderr"), recording(Duration.ZERO));
        } catch (RuntimeException | Error e) {
            process.destroyForcibly(); // no worker to stop it after the test
            throw e;
        }
        worker.startReading();
        return process;
    }

    /** Records results and the exit; the exit report takes {@code reportTakes}, as a slow log write may. */
    private Worker.Events recording(Duration reportTakes) {
        return new Worker.Events() {
            @Override
            public void resultArrived(Worker from, long number, String line) {
                results.add(number);
            }

            @Override
            public void ended(Worker from, Worker.Exit how) {
                try {
                    Thread.sleep(reportTakes.toMillis()); // a report that takes its time, as a log write may
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exit.complete(how);
            }
        };
    }

    private ThreadFactory threads(String role) {
        return runnable -> new Thread(runnable, prefix + role);
    }

    @AfterEach
    void stop() {
        if (worker != null) {
            worker.stop();
        }
    }

    @Test
    void eachRequestGetsItsResultInOrder() throws Exception {
        Worker w = launch(Duration.ZERO);
        for (long n = 1; n <= 5; n++) {
            w.send(n, Duration.ofMillis(1));
        }
        await().until(() -> results.size() == 5);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), results);
    }

    /** A bug in handling one result (an Error too) must not kill the reader: its worker would never be replaced. */
    @Test
    void aResultWhoseHandlingThrowsAnErrorLeavesTheReaderReading() throws Exception {
        Worker.Events recording = recording(Duration.ZERO);
        worker = Worker.launch("test", threads("results"), threads("stderr"), new Worker.Events() {
            @Override
            public void resultArrived(Worker from, long number, String line) {
                if (number == 1) {
                    throw new AssertionError("a bug in handling result 1, on purpose");
                }
                recording.resultArrived(from, number, line);
            }

            @Override
            public void ended(Worker from, Worker.Exit how) {
                recording.ended(from, how);
            }
        });
        worker.startReading();
        worker.send(1, Duration.ofMillis(1));
        worker.send(2, Duration.ofMillis(1));

        await().until(() -> results.contains(2L));
        worker.stop();
        assertTrue(exit.isDone(), "the worker's end was never reported");
    }

    @Test
    void aWorkerThatCrashesIsReportedWithItsExitCodeAndItsLastWords() throws Exception {
        Worker w = launch(Duration.ZERO);
        w.send(1, Duration.ofMillis(-1)); // the worker refuses negative work by throwing

        Worker.Exit how = exit.get(20, TimeUnit.SECONDS);
        assertEquals(1, how.code(), "an uncaught exception in main: " + how.describe());
        assertTrue(how.lastWords().stream().anyMatch(l -> l.contains("IllegalArgumentException: negative work")),
                "the stack trace is in the report: " + how.lastWords());
        assertTrue(how.lastWords().stream().anyMatch(l -> l.startsWith("    at gameloop.process.HeavyWorker.")),
                "its lines indented with spaces, which the log prints as they are: " + how.lastWords());
        assertTrue(w.hasEnded());
    }

    /** stop() must not return while a reader thread is still busy: nothing of the worker may outlive it. */
    @Test
    void stopReturnsOnlyOnceTheReadersHaveFinishedTheirLastReport() throws Exception {
        Worker w = launch(Duration.ofMillis(300));
        w.send(1, Duration.ofMillis(1));
        await().until(() -> results.size() == 1);

        w.stop();

        assertTrue(exit.isDone(), "stop() returned before the end was reported");
        assertEquals(0, exit.get().code(), "it left by itself at end of file: " + exit.get().describe());
        assertEquals(List.of(), Threads.alive(prefix));
    }

    /** A worker deep in a long step does not read its stdin: after a grace period it gets SIGTERM. */
    @Test
    void aWorkerBusyForLongIsTerminatedAfterTheGracePeriod() throws Exception {
        Worker w = launch(Duration.ZERO);
        w.send(1, Duration.ofSeconds(30));

        long began = System.nanoTime();
        w.stop();
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        assertEquals(143, exit.get(5, TimeUnit.SECONDS).code(), exit.get().describe());
        assertEquals("exit code 143 (SIGTERM, sent by this server)", exit.get().describe());
        assertTrue(took.compareTo(Worker.STOP_GRACE) >= 0, "it was given no grace: " + took);
        assertTrue(took.compareTo(Worker.STOP_GRACE.multipliedBy(3)) < 0, "stopping took " + took);
        assertFalse(ProcessHandle.of(w.pid()).map(ProcessHandle::isAlive).orElse(false));
        assertEquals(List.of(), results, "the step was cut short, so no result");
    }

    /**
     * A stop from an interrupted thread (a timed-out test, an application shutting down its own
     * threads) skips the grace period but still leaves nothing behind, and keeps the interrupt.
     */
    @Test
    void aStopFromAnInterruptedThreadStillLeavesNothingBehind() throws Exception {
        Worker w = launch(Duration.ofMillis(300)); // its reader takes a while to report the end
        w.send(1, Duration.ofSeconds(30)); // busy: it would not leave by itself for a long while

        Thread.currentThread().interrupt();
        w.stop();
        boolean interruptKept = Thread.interrupted(); // also clears it, for the rest of the test

        assertTrue(interruptKept, "the caller's interrupt was lost");
        assertTrue(exit.isDone(), "stop() returned before the end was reported");
        assertFalse(ProcessHandle.of(w.pid()).map(ProcessHandle::isAlive).orElse(false), "the worker outlived stop()");
        assertEquals(List.of(), Threads.alive(prefix), "a reader thread outlived stop()");
        // 137 is SIGKILL: the grace periods were skipped (the polite path would end in 143, SIGTERM).
        assertEquals(137, exit.get().code(), "an interrupted stop waited out the grace period: " + exit.get().describe());
    }

    /** The last resort: a child that ignores SIGTERM too gets SIGKILL, a grace period later. */
    @Test
    void aWorkerThatAlsoIgnoresSigtermIsKilled() throws Exception {
        // sh sets SIGTERM to ignored, and exec keeps that for sleep: a process deaf to all but SIGKILL.
        Process stubborn = launchStandIn("trap '' TERM; exec sleep 60");

        long began = System.nanoTime();
        worker.stop();
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        assertEquals(137, exit.get(5, TimeUnit.SECONDS).code(), "128 + 9: SIGKILL; " + exit.get().describe());
        assertEquals("exit code 137 (SIGKILL, sent by this server)", exit.get().describe(),
                "a kill of our own must not be blamed on the out-of-memory killer");
        assertFalse(stubborn.isAlive());
        assertTrue(took.compareTo(Worker.STOP_GRACE.multipliedBy(2)) >= 0, "SIGKILL before two grace periods: " + took);
        assertEquals(List.of(), Threads.alive(prefix));
    }

    /**
     * A line on stdout that is not a result (a number that does not parse, no "done " at all) is
     * logged and skipped, and the reader reads on: the results before and after it still arrive,
     * and the worker is not taken for dead. "done 7", a result with nothing after its number, is
     * a result.
     */
    @Test
    void linesThatAreNotResultsAreSkippedAndTheReaderReadsOn() throws Exception {
        ServerLog.capture();
        Process process = launchStandIn(
                "printf 'done 7\\ndone seven primes=0\\nhello\\ndone 8 primes=0 below=0\\n'; cat > /dev/null");

        await().untilAsserted(() -> assertEquals(List.of(7L, 8L), results, "the results read"));
        assertFalse(worker.hasEnded(), "a line that is not a result ended the worker");
        assertTrue(process.isAlive(), "the worker was killed");
        List<String> log = ServerLog.ofThreadsNamed(prefix);
        assertTrue(log.contains("Worker " + process.pid() + " wrote something that is not a result: done seven primes=0"), log::toString);
        assertTrue(log.contains("Worker " + process.pid() + " wrote something that is not a result: hello"), log::toString);

        worker.stop();
        assertEquals(0, exit.get(5, TimeUnit.SECONDS).code(), "it left at end of file: " + exit.get().describe());
        assertEquals(List.of("done seven primes=0", "hello"), exit.get().lastWords(), "stray lines are in the report");
    }

    /**
     * The JVM itself writes a thread dump (on SIGQUIT, {@code kill -3}) to stdout by default,
     * where it would be read as ninety lines that are not results. The worker's JVM writes it to
     * stderr, which goes to our log.
     */
    @Test
    void aThreadDumpOfTheWorkerGoesToTheLogNotIntoTheResultPipe() throws Exception {
        ServerLog.capture();
        Worker w = launch(Duration.ZERO);
        w.send(1, Duration.ofMillis(1));
        await().until(() -> results.contains(1L)); // the worker has started: its JVM now handles SIGQUIT

        signal("QUIT", w.pid());
        await().until(() -> ServerLog.ofThreadsNamed(prefix).stream()
                .anyMatch(line -> line.startsWith("worker " + w.pid() + ": Full thread dump ")));
        w.send(2, Duration.ofMillis(1));
        await().until(() -> results.contains(2L));

        List<String> log = ServerLog.ofThreadsNamed(prefix);
        assertTrue(log.stream().noneMatch(line -> line.contains("not a result")), log::toString);
        assertFalse(w.hasEnded());
    }

    /**
     * A JVM that crashes (here of a SIGSEGV sent to it) writes its crash banner to stdout,
     * whatever its flags, and a report file of some hundred lines. The banner is in the report of
     * the worker's death; the file is in the temporary directory, not in the server's working
     * directory (a learner's clone).
     */
    @Test
    void aWorkerWhoseJvmCrashesIsReportedWithTheCrashBannerAndItsFileIsNotLeftHere() throws Exception {
        Worker w = launch(Duration.ZERO);
        w.send(1, Duration.ofMillis(1));
        await().until(() -> results.contains(1L));
        Path errorFile = Path.of(System.getProperty("java.io.tmpdir"), "gameloop-worker-hs_err_pid" + w.pid() + ".log");
        try {
            signal("SEGV", w.pid());

            Worker.Exit how = exit.get(30, TimeUnit.SECONDS);
            assertEquals(134, how.code(), how.describe());
            assertTrue(how.lastWords().contains("# A fatal error has been detected by the Java Runtime Environment:"),
                    "the banner is in the report: " + how.lastWords());
            assertTrue(how.lastWords().contains("# " + errorFile), "the banner names the file: " + how.lastWords());
            assertTrue(Files.exists(errorFile), errorFile + " was not written");
            assertFalse(Files.exists(Path.of("hs_err_pid" + w.pid() + ".log")), "a crash report in the working directory");
        } finally {
            Files.deleteIfExists(errorFile);
        }
    }

    private static void signal(String name, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor());
    }

    /**
     * End of file on stdout is how a worker's end is noticed; one that closes stdout but lives on
     * would leave its reader waiting for an exit that never comes. It is killed instead.
     */
    @Test
    void aWorkerThatClosesItsStdoutButLivesOnIsKilled() throws Exception {
        ServerLog.capture();
        Process closesStdout = launchStandIn("exec >&-; exec sleep 60");

        assertEquals("exit code 137 (SIGKILL, sent by this server)", exit.get(20, TimeUnit.SECONDS).describe());
        assertFalse(closesStdout.isAlive());
        List<String> log = ServerLog.ofThreadsNamed(prefix);
        assertTrue(log.contains("Worker " + closesStdout.pid() + " closed its stdout but it is still running; killing it"), log::toString);
    }

    /**
     * The same end, reached another way: reading the results fails while the worker runs on. It
     * is killed as well, and the log says which happened. A real child whose result pipe reads
     * fail, through a stand-in that hands out a failing stream for its stdout.
     */
    @Test
    void aWorkerWhoseResultsCannotBeReadIsKilledAndTheLogSaysSo() throws Exception {
        ServerLog.capture();
        Process child = new ProcessBuilder("sh", "-c", "exec sleep 60").start();
        Process unreadable = readingStdout(child, () -> {
            throw new IOException("the test's stand-in for a pipe that fails");
        });
        try {
            worker = new Worker(unreadable, threads("results"), threads("stderr"), recording(Duration.ZERO));
            worker.startReading();

            assertEquals("exit code 137 (SIGKILL, sent by this server)", exit.get(20, TimeUnit.SECONDS).describe());
            assertFalse(child.isAlive());
            List<String> log = ServerLog.ofThreadsNamed(prefix);
            assertTrue(log.contains("Worker " + child.pid() + "'s results could not be read but it is still running; killing it"), log::toString);
            assertTrue(log.stream().noneMatch(line -> line.contains("closed its stdout")), log::toString);
        } finally {
            child.destroyForcibly();
        }
    }

    /** What a read of the stand-in's stdout does. */
    private interface Read {
        int read() throws IOException;
    }

    /** {@code child}, whose stdout, as the worker sees it, reads through {@code read}. */
    private static Process readingStdout(Process child, Read read) {
        return new DelegatingProcess(child) {
            @Override
            public InputStream getInputStream() {
                return new InputStream() {
                    @Override
                    public int read() throws IOException {
                        return read.read();
                    }
                };
            }
        };
    }

    /**
     * A reader that dies of an {@link Error} (an {@code OutOfMemoryError}, say) still reports
     * its worker ended, from its {@code finally}: a reader that died without a word would leave
     * the worker unreplaced, and every later period skipped as "still on a request". The Error
     * still ends the thread, uncaught, where the JVM reports it.
     */
    @Test
    void aReaderThatDiesOfAnErrorStillReportsItsWorkerEnded() throws Exception {
        ServerLog.capture();
        Process child = new ProcessBuilder("sh", "-c", "exec sleep 60").start();
        Process unreadable = readingStdout(child, () -> {
            throw new OutOfMemoryError("the test's stand-in for an Error while reading");
        });
        CompletableFuture<Throwable> uncaught = new CompletableFuture<>();
        ThreadFactory reader = runnable -> {
            Thread thread = threads("results").newThread(runnable);
            thread.setUncaughtExceptionHandler((dead, e) -> uncaught.complete(e));
            return thread;
        };
        try {
            worker = new Worker(unreadable, reader, threads("stderr"), recording(Duration.ZERO));
            worker.startReading();

            assertEquals("exit code 137 (SIGKILL, sent by this server)", exit.get(20, TimeUnit.SECONDS).describe());
            assertFalse(child.isAlive());
            assertEquals("the test's stand-in for an Error while reading", uncaught.get(20, TimeUnit.SECONDS).getMessage());
            List<String> log = ServerLog.ofThreadsNamed(prefix);
            assertTrue(log.contains("Worker " + child.pid() + "'s reader failed but it is still running; killing it"), log::toString);
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * Where the system has no SIGTERM (Windows: there {@code destroy()} is as abrupt as
     * {@code destroyForcibly()}), a worker that stays after its stdin closes is killed after the
     * first grace period, and the log does not speak of a SIGTERM it never sent. Played here by a
     * stand-in that says the system has none.
     */
    @Test
    void whereTheSystemHasNoSigtermAWorkerThatStaysIsKilledAfterTheFirstGracePeriod() throws Exception {
        ServerLog.capture();
        Process child = new ProcessBuilder("sh", "-c", "exec sleep 60").start(); // deaf to its stdin closing
        AtomicBoolean destroyed = new AtomicBoolean();
        Process withoutSigterm = new DelegatingProcess(child) {
            @Override
            public boolean supportsNormalTermination() {
                return false;
            }

            @Override
            public void destroy() {
                destroyed.set(true);
                super.destroy();
            }
        };
        try {
            worker = new Worker(withoutSigterm, threads("results"), threads("stderr"), recording(Duration.ZERO));
            worker.startReading();

            worker.stop();

            assertFalse(child.isAlive());
            assertFalse(destroyed.get(), "destroy() called, the SIGTERM this system does not have");
            assertEquals("exit code 137 (SIGKILL, sent by this server)", exit.get(20, TimeUnit.SECONDS).describe());
            List<String> log = ServerLog.ofThreadsNamed(Thread.currentThread().getName());
            assertTrue(log.contains("Worker " + child.pid() + " did not exit within " + Worker.STOP_GRACE.toMillis()
                    + " ms of its stdin closing; this system has no SIGTERM, so it is killed"), log::toString);
        } finally {
            child.destroyForcibly();
        }
    }

    /**
     * A process that outlives SIGKILL (one stuck in the kernel, on a hung disk, say) cannot be
     * waited for for ever: its end is reported after a bounded wait, so that the game replaces
     * it instead of skipping every period. A stand-in {@link Process}, as no real one can be made
     * to ignore SIGKILL: it closes its stdout at once, and neither signal ends it.
     */
    @Test
    void aWorkerStillRunningAfterSigkillIsReportedEndedAllTheSame() throws Exception {
        CountDownLatch exited = new CountDownLatch(1);
        Process unkillable = new Process() {
            @Override
            public OutputStream getOutputStream() {
                return OutputStream.nullOutputStream();
            }

            @Override
            public InputStream getInputStream() {
                return InputStream.nullInputStream(); // end of file at once
            }

            @Override
            public InputStream getErrorStream() {
                return InputStream.nullInputStream();
            }

            @Override
            public int waitFor() throws InterruptedException {
                exited.await();
                return 137;
            }

            @Override
            public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
                return exited.await(timeout, unit);
            }

            @Override
            public int exitValue() {
                if (exited.getCount() > 0) {
                    throw new IllegalThreadStateException("still running");
                }
                return 137;
            }

            @Override
            public void destroy() {
            }

            @Override
            public long pid() {
                return 424242;
            }
        };
        worker = new Worker(unkillable, threads("results"), threads("stderr"), recording(Duration.ZERO));
        try {
            worker.startReading();

            Worker.Exit how = exit.get(30, TimeUnit.SECONDS); // two waits of 5 s: for the exit, then after SIGKILL
            assertEquals(Worker.NO_EXIT_CODE, how.code());
            assertEquals("SIGKILL", how.signalSent());
            assertEquals("no exit code: killed, and not seen to exit", how.describe());
        } finally {
            exited.countDown(); // the stop after the test then finds it gone
        }
    }

    /** A killed worker takes no more requests from that moment, not only once its reader has seen it go. */
    @Test
    void aKilledWorkerHasEndedAtOnce() throws Exception {
        Worker w = launch(Duration.ZERO);
        assertFalse(w.hasEnded());

        w.kill();
        assertTrue(w.hasEnded(), "ended as soon as it is killed");
        assertEquals("exit code 137 (SIGKILL, sent by this server)", exit.get(20, TimeUnit.SECONDS).describe());
    }

    /** The report keeps a worker's last words, not all of them: a chatty child cannot fill our memory. */
    @Test
    void theReportKeepsOnlyTheLast20LinesOfStderr() throws Exception {
        launchStandIn("for i in $(seq 1 100); do echo \"line $i\" >&2; done; exit 3");

        Worker.Exit how = exit.get(20, TimeUnit.SECONDS);
        assertEquals(3, how.code(), how.describe());
        List<String> expected = new ArrayList<>();
        for (int i = 81; i <= 100; i++) {
            expected.add("line " + i);
        }
        assertEquals(expected, how.lastWords());
    }

    /**
     * The other direction: a worker whose results nobody reads any more (its server is gone, but
     * its stdin still open, say held by another process) notices at its next result and leaves.
     */
    @Test
    void aWorkerWhoseResultPipeIsClosedLeavesAtItsNextResult() throws Exception {
        Process child = Worker.startJvm("test");
        try (Writer requests = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.US_ASCII)) {
            child.getInputStream().close(); // nobody reads the results now
            requests.write(HeavyWorker.requestLine(1, 1) + "\n");
            requests.flush(); // and stdin stays open: only the result pipe can tell it to go

            assertTrue(child.waitFor(20, TimeUnit.SECONDS), "the worker is still running");
            assertEquals(0, child.exitValue());
            String stderr = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(stderr.contains("the result pipe is closed, so the server is gone; exiting"), stderr);
        } finally {
            child.destroyForcibly();
        }
    }
}
