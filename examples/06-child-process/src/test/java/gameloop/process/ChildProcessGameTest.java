package gameloop.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.GameServer;
import gameloop.shared.Protocol;
import gameloop.shared.ServerSettings;
import gameloop.testkit.Echoes;
import gameloop.testkit.ServerLog;
import gameloop.testkit.Teardown;
import gameloop.testkit.TestClient;
import gameloop.testkit.TestClients;
import gameloop.testkit.Threads;
import gameloop.testkit.Ticks;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What example 06 promises: ticks come from a child JVM's results, and the child never outlives us. */
class ChildProcessGameTest {

    private static final Duration TICK = Duration.ofMillis(50);
    /** Short work for most tests: they are about the pipes, not the CPU. */
    private static final Duration LIGHT_WORK = Duration.ofMillis(2);

    private GameServer server;
    private ChildProcessGame game;
    private final TestClients clients = new TestClients();

    private void start(Duration tick, Duration work) throws Exception {
        ServerLog.capture();
        server = GameServer.start(ServerSettings.forTest("06-child-process", tick),
                context -> game = new ChildProcessGame(context, work));
    }

    /**
     * The server, its workers started by {@code launcher} instead of {@link Worker#launch}:
     * stand-in processes, or real workers with a twist.
     */
    private void startWith(ChildProcessGame.Launcher launcher) throws Exception {
        startWith(TICK, launcher);
    }

    private void startWith(Duration tick, ChildProcessGame.Launcher launcher) throws Exception {
        ServerLog.capture();
        server = GameServer.start(ServerSettings.forTest("06-child-process", tick),
                context -> game = new ChildProcessGame(context, LIGHT_WORK, launcher));
    }

    @AfterEach
    void stop() {
        Teardown.closeAll(clients, server);
    }

    /**
     * A worker that dies as soon as it starts is still noticed (it is recorded as ours before its
     * readers start) and replaced, but one period later each time: a child that cannot live must
     * not make the server spin a core starting processes.
     */
    @Test
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "starts a POSIX shell, sh, as a stand-in child")
    void aWorkerThatDiesAtOnceIsReplacedOncePerPeriodNotInATightLoop() throws Exception {
        List<Long> launchBegan = new CopyOnWriteArrayList<>();
        List<Long> launchEnded = new CopyOnWriteArrayList<>();
        startWith((ownerTag, results, errors, events) -> {
            launchBegan.add(System.nanoTime());
            Process dying = new ProcessBuilder("sh", "-c", "echo 'dying at once, on purpose' >&2; exit 3").start();
            try {
                dying.waitFor(); // dead before its readers start: only a worker recorded first is replaced
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            launchEnded.add(System.nanoTime());
            return new Worker(dying, reportingBeforeStartReturns(results), errors, events);
        });

        await().until(() -> launchBegan.size() >= 6);

        // The pause is measured from the end of one launch to the start of the next: how long a
        // launch takes (starting sh on a busy machine can take a while) is not part of it.
        for (int i = 0; i < 5; i++) {
            double pauseMillis = (launchBegan.get(i + 1) - launchEnded.get(i)) / 1e6;
            assertTrue(pauseMillis >= TICK.toMillis() * 0.9,
                    "replacement " + (i + 1) + " came " + pauseMillis + " ms after the launch before it ended, not a period ("
                            + TICK.toMillis() + " ms)");
        }
    }

    /**
     * Result readers whose {@code start()} returns only once the reader has finished: a worker that
     * is already dead has then reported its end before {@code startReading()} returns, every time,
     * which is the order that a worker recorded only after its readers start would get wrong.
     */
    private static ThreadFactory reportingBeforeStartReturns(ThreadFactory results) {
        return task -> {
            Thread named = results.newThread(task); // for the game's name and daemon flag; never started
            Thread reader = new Thread(task, named.getName()) {
                @Override
                public synchronized void start() {
                    super.start();
                    try {
                        join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            reader.setDaemon(named.isDaemon());
            return reader;
        };
    }

    /**
     * A replacement whose reader thread cannot start (the JVM out of native threads, say) would
     * never report its end, since its reader is what reports it: the game must stop that worker
     * and start another, not wait for its first result for good.
     */
    @Test
    void aWorkerWhoseReaderCannotStartIsStoppedAndReplacedAndTicksResume() throws Exception {
        AtomicInteger launches = new AtomicInteger();
        List<Long> pids = new CopyOnWriteArrayList<>();
        startWith((ownerTag, results, errors, events) -> {
            ThreadFactory readers = launches.incrementAndGet() == 2 ? UnstartableThread::new : results;
            Worker launched = Worker.launch(ownerTag, readers, errors, events);
            pids.add(launched.pid());
            return launched;
        });
        TestClient client = clients.connect(server.webSocketUri());
        await().atMost(Duration.ofSeconds(20)).until(() -> client.lastTickNumber() >= 3);

        ProcessHandle.of(game.workerPid()).orElseThrow().destroyForcibly(); // its replacement is the one without a reader
        await().atMost(Duration.ofSeconds(20)).until(() -> game.workersStarted() == 3);
        long before = client.lastTickNumber();
        await().atMost(Duration.ofSeconds(20)).until(() -> client.lastTickNumber() >= before + 3);

        ServerLog.awaitLine(server, "Could not start reading from worker " + pids.get(1)
                + "; stopping it, a new one starts in " + TICK.toMillis() + " ms.*");
        assertFalse(ProcessHandle.of(pids.get(1)).map(ProcessHandle::isAlive).orElse(false), "the worker without a reader lives on");
        assertEquals(pids.get(2), game.workerPid());
    }

    /**
     * A replacement that cannot be launched (no such program, the JVM out of memory) is tried
     * again a period later, an Error too, until one starts; the ticks then resume.
     */
    @Test
    void aReplacementThatCannotBeLaunchedIsTriedAgainUntilOneStarts() throws Exception {
        AtomicInteger launches = new AtomicInteger();
        startWith((ownerTag, results, errors, events) -> {
            switch (launches.incrementAndGet()) {
                case 2 -> throw new IOException("no worker this time (on purpose, in a test)");
                case 3 -> throw new OutOfMemoryError("no worker this time either (on purpose, in a test)");
                default -> {
                    return Worker.launch(ownerTag, results, errors, events);
                }
            }
        });
        TestClient client = clients.connect(server.webSocketUri());
        await().atMost(Duration.ofSeconds(20)).until(() -> client.lastTickNumber() >= 3);

        ProcessHandle.of(game.workerPid()).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(20)).until(() -> game.workersStarted() == 2);
        long before = client.lastTickNumber();
        await().atMost(Duration.ofSeconds(20)).until(() -> client.lastTickNumber() >= before + 3);

        assertEquals(4, launches.get(), "one launch at the start, two that failed, one that worked");
        ServerLog.awaitLine(server, "Could not start a new worker; trying again in " + TICK.toMillis()
                + " ms\\R.*OutOfMemoryError: no worker this time either.*");
    }

    /**
     * Ctrl+C in a terminal reaches the worker too (exit code 130), and so does a SIGTERM sent to
     * the server's whole process group (143, from a signal this server did not send): each gets a
     * calm warning rather than an alarm; but if the server is not stopping, the worker must still
     * be replaced.
     */
    @ParameterizedTest(name = "exit code {0}")
    @CsvSource({"130, SIGINT: .*", "143, SIGTERM: not from this server.*"})
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "starts a POSIX shell, sh, as a stand-in child")
    void aWorkerStoppedByATerminalsSignalWhileTheServerRunsIsReplacedAndTicksResume(int code, String described) throws Exception {
        AtomicInteger launches = new AtomicInteger();
        startWith((ownerTag, results, errors, events) -> {
            if (launches.incrementAndGet() == 1) {
                // A stand-in that leaves as a worker hit by the signal does, once it gets its first
                // request. (A real SIGINT would not always do: a process that a script starts in
                // the background begins with SIGINT ignored, and so do the processes it starts.)
                Process signalled = new ProcessBuilder("sh", "-c", "read request; exit " + code).start();
                return new Worker(signalled, results, errors, events);
            }
            return Worker.launch(ownerTag, results, errors, events);
        });
        TestClient client = clients.connect(server.webSocketUri());

        await().atMost(Duration.ofSeconds(20)).until(() -> game.workersStarted() == 2);
        long before = client.lastTickNumber();
        await().atMost(Duration.ofSeconds(20)).until(() -> client.lastTickNumber() >= before + 3);

        assertEquals(code, game.lastExit().code(), game.lastExit().describe());
        ServerLog.awaitLine(server, "Worker \\d+ stopped with exit code " + code + " \\(" + described + "\\)\\. If the server is stopping too, "
                + "that is all; if not, a new worker starts in " + TICK.toMillis() + " ms\\.");
    }

    /**
     * The chapter's Ctrl+C when the worker hears the signal first: it exits 130, a replacement is
     * planned a period later, and the server's stop, coming within that period, cancels it: no
     * second worker is launched, and the stop does not wait the period out.
     */
    @Test
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "starts a POSIX shell, sh, as a stand-in child")
    void aReplacementPlannedWhenTheStopComesIsCancelled() throws Exception {
        Duration period = Duration.ofSeconds(3);
        AtomicInteger launches = new AtomicInteger();
        startWith(period, (ownerTag, results, errors, events) -> {
            launches.incrementAndGet();
            return new Worker(new ProcessBuilder("sh", "-c", "exit 130").start(), results, errors, events);
        });
        ServerLog.awaitLine(server, "Worker \\d+ stopped with exit code 130 .*a new worker starts in " + period.toMillis() + " ms\\.");

        long began = System.nanoTime();
        ServerLog.closeOnTheServersOwnThread(server);
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        assertTrue(took.compareTo(period) < 0, "the stop waited for the planned replacement: " + took);
        assertEquals(1, launches.get(), "a worker was launched after the stop");
        assertEquals(1, game.workersStarted());
        Threads.assertNoneLeft(server.threadNamePrefix(), Duration.ofSeconds(5));
    }

    /**
     * A request that fails part-way through its write for a reason other than a dying worker
     * (here an Error from the pipe) leaves the pipe in a state nobody knows: that worker is
     * killed and replaced, and the ticks go on. Left counted as in flight, the request would
     * instead have every later period skipped, waiting for a result that never comes.
     */
    @Test
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "expects the exit code of SIGKILL, 137 (on Windows a killed process exits with 1)")
    void aRequestThatFailsToSendWithAnErrorGetsItsWorkerReplaced() throws Exception {
        AtomicInteger launches = new AtomicInteger();
        startWith((ownerTag, results, errors, events) -> {
            Process realWorker = Worker.startJvm(ownerTag);
            Process process = launches.incrementAndGet() == 1 ? new FirstWriteFails(realWorker) : realWorker;
            return new Worker(process, results, errors, events);
        });
        TestClient client = clients.connect(server.webSocketUri());

        await().atMost(Duration.ofSeconds(20)).until(() -> client.lastTickNumber() >= 3);

        assertEquals(2, game.workersStarted());
        assertEquals(137, game.lastExit().code(), game.lastExit().describe());
        ServerLog.awaitLine(server, "Sending request 1 to worker \\d+ failed; killed it\\R.*OutOfMemoryError: .*on purpose.*");
        ServerLog.awaitLine(server, "Worker \\d+ died with exit code 137 \\(SIGKILL, sent by this server\\), and request 1 with it\\..*");
    }

    /**
     * A result still in flight when the server begins to close arrives during the game's close()
     * (a worker finishes its step before it reads the end of its stdin), but becomes no tick: the
     * game is closing, and the server says goodbye to the players right after. The worker here is
     * a stand-in that answers only then.
     */
    @Test
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "starts a POSIX shell, sh, as a stand-in child")
    void aResultThatArrivesAfterTheCloseBeganBecomesNoTick() throws Exception {
        startWith((ownerTag, results, errors, events) -> {
            // Reads request 1, waits for the end of its stdin (the close), and only then answers it.
            Process answersAtTheEnd = new ProcessBuilder("sh", "-c",
                    "read work number rest; cat > /dev/null; echo \"done $number primes=0 below=0\"").start();
            return new Worker(answersAtTheEnd, results, errors, events);
        });
        TestClient client = clients.connect(server.webSocketUri());
        await().until(() -> server.players().count() == 1);
        await().until(() -> game.mostInFlight() >= 1); // request 1 is out

        server.close();

        assertEquals(1, game.resultsReceived(), "the result of request 1 did arrive, during the close");
        assertEquals(0, game.lastExit().code(), game.lastExit().describe());
        assertEquals(1001, client.closed().get(5, TimeUnit.SECONDS).code());
        assertEquals(List.of(), client.tickNumbers(), "a tick went out after the close began");
    }

    /**
     * A replacement whose launch outlasts the 5 s close() waits for the loop thread (a process
     * start can be slow) is launched after close() has returned, and only the launching thread
     * itself can stop it: it sees the closed flag, and stops its own worker.
     */
    @Test
    void aWorkerLaunchedAfterTheCloseGaveUpWaitingIsStoppedByItsLauncher() throws Exception {
        AtomicInteger launches = new AtomicInteger();
        CountDownLatch replacementLaunching = new CountDownLatch(1);
        AtomicBoolean closeReturned = new AtomicBoolean();
        List<Long> pids = new CopyOnWriteArrayList<>();
        startWith((ownerTag, results, errors, events) -> {
            if (launches.incrementAndGet() == 2) {
                replacementLaunching.countDown();
                // A start so slow that close() gives up waiting for it: deaf to close()'s interrupt.
                Threads.waitIgnoringInterrupts(closeReturned::get, Duration.ofSeconds(30));
            }
            Worker launched = Worker.launch(ownerTag, results, errors, events);
            pids.add(launched.pid());
            return launched;
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> game.resultsReceived() >= 1);
        ProcessHandle.of(game.workerPid()).orElseThrow().destroyForcibly();
        assertTrue(replacementLaunching.await(20, TimeUnit.SECONDS), "no replacement was launched");

        server.close(); // gives up on the loop thread after 5 s, since the launch waits for its return
        closeReturned.set(true);

        await("the replacement launched after the close").atMost(Duration.ofSeconds(20)).until(() -> pids.size() == 2);
        long late = pids.get(1);
        await("worker " + late + ", launched after the close, to be stopped").atMost(Duration.ofSeconds(20))
                .until(() -> !ProcessHandle.of(late).map(ProcessHandle::isAlive).orElse(false));
        assertNotEquals(late, game.workerPid(), "the late worker was recorded as the current one");
        Threads.assertNoneLeft(server.threadNamePrefix(), Duration.ofSeconds(10));
    }

    /**
     * Ctrl+C during a start that takes long: the shutdown hook waits for the start only so long,
     * then stops the game, which has no worker yet. The first worker, launched after that, must
     * not outlive the stop: the start stops it itself and returns, and starts no loop.
     */
    @Test
    void aFirstWorkerLaunchedAfterTheGameClosedIsStoppedByTheStart() throws Exception {
        List<Long> pids = new CopyOnWriteArrayList<>();
        startWith((ownerTag, results, errors, events) -> {
            Thread hook = new Thread(game::close, "stands-for-the-shutdown-hook");
            hook.start();
            try {
                hook.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            Worker launched = Worker.launch(ownerTag, results, errors, events);
            pids.add(launched.pid());
            return launched;
        });

        assertEquals(1, pids.size());
        assertFalse(ProcessHandle.of(pids.get(0)).map(ProcessHandle::isAlive).orElse(false), "the worker is alive");
        assertEquals(-1, game.workerPid(), "a worker nobody will stop was recorded");
        server.close();
        Threads.assertNoneLeft(server.threadNamePrefix(), Duration.ofSeconds(5));
    }

    /** A real worker's process whose stdin fails its first write with an Error. */
    private static final class FirstWriteFails extends DelegatingProcess {
        private final OutputStream stdin;

        FirstWriteFails(Process real) {
            super(real);
            this.stdin = new FilterOutputStream(real.getOutputStream()) {
                private boolean failed;

                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    if (!failed) {
                        failed = true;
                        throw new OutOfMemoryError("no buffer for this request (on purpose, in a test)");
                    }
                    out.write(bytes, offset, length);
                }
            };
        }

        @Override
        public OutputStream getOutputStream() {
            return stdin;
        }
    }

    /** A thread that cannot start, as when the JVM can make no more native threads. */
    private static final class UnstartableThread extends Thread {
        UnstartableThread(Runnable task) {
            super(task, "unstartable-reader");
        }

        @Override
        public void start() {
            throw new OutOfMemoryError("unable to create native thread (on purpose, in a test)");
        }
    }

    @Test
    void ticksFlowFromTheWorkersResultsToEveryClientInOrder() throws Exception {
        start(TICK, LIGHT_WORK);
        List<TestClient> three = clients.connect(server.webSocketUri(), 3);

        await().atMost(Duration.ofSeconds(20)).until(() -> three.stream().allMatch(c -> c.tickNumbers().size() >= 10));

        for (TestClient client : three) {
            Ticks.assertConsecutive(client.tickNumbers()); // one result, one tick: none lost, none repeated
        }
        assertEquals(1, game.workersStarted());
        assertTrue(game.resultsReceived() >= 10);
    }

    @Test
    void anEchoReachesOnlyItsSender() throws Exception {
        start(TICK, LIGHT_WORK);
        // Ticks come only once the child JVM is up: give it the time the other tests here give
        // it, before the check's own waits (Awaitility's default 10 s) begin.
        await().atMost(Duration.ofSeconds(20)).until(() -> game.resultsReceived() >= 1);
        Echoes.assertAnEchoReachesOnlyItsSender(clients, server.webSocketUri());
    }

    @Test
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "reads the child's command line, which Java does not report on Windows")
    void theWorkRunsInAChildJvmOfOurs() throws Exception {
        start(TICK, LIGHT_WORK);
        long pid = game.workerPid();

        assertNotEquals(ProcessHandle.current().pid(), pid);
        ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
        assertTrue(ProcessHandle.current().descendants().anyMatch(p -> p.pid() == pid), "not a descendant of ours");
        assertEquals(Optional.of(ProcessHandle.current().pid()), child.parent().map(ProcessHandle::pid));
        String commandLine = child.info().commandLine().orElse("");
        assertTrue(commandLine.contains("gameloop.process.HeavyWorker"), commandLine);
        assertTrue(commandLine.contains("-Dgameloop.owner=" + game.ownerTag()), commandLine);
        // What the chapter shows pgrep printing: the owner tag is the server's pid (the one to
        // kill -9) and its server's thread-name prefix, gs1 under the real main.
        String prefix = server.threadNamePrefix();
        String owner = ProcessHandle.current().pid() + "/" + prefix.substring(0, prefix.length() - 1);
        String errorFile = Path.of(System.getProperty("java.io.tmpdir"), "gameloop-worker-hs_err_pid%p.log").toString();
        assertEquals(List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:+DisplayVMOutputToStderr", "-XX:ErrorFile=" + errorFile,
                        "-Dgameloop.owner=" + owner, "gameloop.process.HeavyWorker"),
                List.of(child.info().arguments().orElseThrow()), commandLine);
    }

    @Test
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "expects the exit code of SIGKILL, 137 (on Windows a killed process exits with 1)")
    void aWorkerThatIsKilledIsReportedAndReplacedAndTicksResume() throws Exception {
        start(TICK, LIGHT_WORK);
        TestClient client = clients.connect(server.webSocketUri());
        await().atMost(Duration.ofSeconds(20)).until(() -> client.lastTickNumber() >= 3);
        long firstPid = game.workerPid();

        ProcessHandle.of(firstPid).orElseThrow().destroyForcibly(); // SIGKILL: no goodbye of any kind
        await().atMost(Duration.ofSeconds(20)).until(() -> game.workersStarted() == 2);
        long before = client.lastTickNumber();
        await().atMost(Duration.ofSeconds(20)).until(() -> client.lastTickNumber() >= before + 3);

        Worker.Exit exit = game.lastExit();
        assertEquals(firstPid, exit.pid());
        assertEquals(137, exit.code(), exit.describe());
        assertTrue(exit.describe().contains("out-of-memory"), "killed by someone else: " + exit.describe());
        assertTrue(exit.lastWords().stream().anyMatch(l -> l.contains("HeavyWorker " + firstPid + " ready")),
                "its stderr is in the report: " + exit.lastWords());
        assertNotEquals(firstPid, game.workerPid());
        assertFalse(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false));
        // What the chapter tells the learner to look for in the log, in this order of events.
        ServerLog.awaitLine(server, "worker " + firstPid + ": HeavyWorker " + firstPid + " ready.*");
        ServerLog.awaitLine(server, "Worker " + firstPid + " died with exit code 137 \\(SIGKILL: .*");
        ServerLog.awaitLine(server, "Worker " + game.workerPid() + " started: a second JVM, 2 ms of work per step, workers started so far: 2 .*");
        List<Long> numbers = client.tickNumbers();
        for (int i = 1; i < numbers.size(); i++) { // the count goes on; at most the lost request is missing
            assertTrue(numbers.get(i) > numbers.get(i - 1), "ticks went backwards: " + numbers);
            assertTrue(numbers.get(i) <= numbers.get(i - 1) + 2, "more than one tick lost: " + numbers);
        }
    }

    /**
     * A step takes 200 ms and a period 20: the loop must not queue a request every period (the
     * pipe would fill up, and each tick would report older and older work). It skips instead.
     */
    @Test
    void aSlowWorkerGetsOneRequestAtATimeAndThePeriodsBetweenAreSkipped() throws Exception {
        Duration work = Duration.ofMillis(200);
        start(Duration.ofMillis(20), work);
        TestClient client = clients.connect(server.webSocketUri());

        await().atMost(Duration.ofSeconds(20)).until(() -> client.ticks().size() >= 5);

        assertEquals(1, game.mostInFlight(), "requests waiting for the worker at once");
        assertTrue(game.periodsSkipped() >= 20, "skipped only " + game.periodsSkipped());
        ServerLog.awaitLine(server, "Period skipped: worker \\d+ is still on request \\d+ \\(\\d+ skipped so far\\)");
        Ticks.assertConsecutive(client.tickNumbers());
        List<TestClient.Received> ticks = client.ticks();
        long spanMillis = (ticks.get(ticks.size() - 1).nanoTime() - ticks.get(0).nanoTime()) / 1_000_000;
        // 50 ms of slack per interval for a tick delivered late on a busy machine. A loop that sent
        // a tick every period, rather than one per result, would send these 20 ms apart, far below
        // the bound. (One that queued a request every period would still get its results 200 ms
        // apart, the worker doing one at a time: the mostInFlight check above catches that.)
        assertTrue(spanMillis >= (ticks.size() - 1) * (work.toMillis() - 50),
                "ticks came faster than the worker can work: " + (ticks.size() - 1) + " intervals in " + spanMillis + " ms");
    }

    /**
     * The chapter's "-Dwork.ms=1500" at a 1 s period: a step longer than one period and shorter
     * than two. A request goes out only when a period begins, so a tick comes every two periods,
     * not as soon as the worker could take the next request (which would be every 1.5).
     */
    @Test
    void aWorkerSlowerThanOnePeriodTicksEveryTwoPeriods() throws Exception {
        Duration period = Duration.ofMillis(100);
        start(period, Duration.ofMillis(150));
        TestClient client = clients.connect(server.webSocketUri());

        await().atMost(Duration.ofSeconds(20)).until(() -> client.ticks().size() >= 23);

        List<TestClient.Received> ticks = client.ticks().subList(2, 23); // past the child JVM's start-up
        long spanMillis = (ticks.get(20).nanoTime() - ticks.get(0).nanoTime()) / 1_000_000;
        // Every two periods: 4000 ms for these twenty intervals; a request sent as each result
        // came back: 3000 ms. The bound in between leaves half a second for a tick read late.
        assertTrue(spanMillis >= 3500, "20 intervals in " + spanMillis + " ms, not about 4000");
        Ticks.assertConsecutive(client.tickNumbers()); // late, never missed
        ServerLog.awaitLine(server, "Period skipped: worker \\d+ is still on request \\d+ \\(\\d+ skipped so far\\)");
    }

    /** Key presses are Jetty's business and the worker's pipes are not: a busy child delays no echo. */
    @Test
    void anEchoDoesNotWaitForABusyWorker() throws Exception {
        start(Duration.ofMillis(20), Duration.ofSeconds(3));
        TestClient client = clients.connect(server.webSocketUri());
        await().until(() -> game.mostInFlight() == 1); // its first request: 3 s of work ahead

        client.send("65");

        await().atMost(Duration.ofSeconds(2)).until(() -> client.hasReceived(Protocol.pressed(65)));
        assertTrue(client.ticks().isEmpty(), "the worker answered first, so it was not busy: " + client.tickNumbers());
    }

    @Test
    void closingEndsTheWorkerThroughItsStdinAndLeavesNoProcessOrThread() throws Exception {
        start(TICK, LIGHT_WORK);
        List<TestClient> players = clients.connect(server.webSocketUri(), 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> players.stream().allMatch(p -> p.lastTickNumber() >= 2));
        long pid = game.workerPid();

        long began = System.nanoTime();
        server.close();
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "stopping took " + took);
        // No waiting here: close() itself must have waited for the worker's reader threads.
        assertEquals(List.of(), Threads.alive(server.threadNamePrefix() + "worker-"));
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker " + pid + " is alive");
        assertEquals(0, game.lastExit().code(), "it left by itself, at end of file: " + game.lastExit().describe());
        ServerLog.awaitLine(server, "worker " + pid + ": HeavyWorker " + pid + ": stdin closed, no more work; exiting");
        ServerLog.awaitLine(server, "Worker " + pid + " exited with exit code 0");
        assertNoWorkerOfThisGameRunning();
        for (TestClient player : players) {
            assertEquals(1001, player.closed().get(5, TimeUnit.SECONDS).code());
        }
        Threads.assertNoneLeft(server.threadNamePrefix(), Duration.ofSeconds(5));
    }

    /**
     * The chapter's Ctrl+C: the worker hears the SIGINT too and exits 130 as the server stops. A
     * stand-in that exits 130 when the stop closes its stdin: the end is reported calmly, with the
     * signal named, before "Stopped.", and no replacement is announced.
     */
    @Test
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "starts a POSIX shell, sh, as a stand-in child")
    void aWorkerThatExits130AsTheServerStopsIsReportedBeforeStopped() throws Exception {
        startWith((ownerTag, results, errors, events) ->
                new Worker(new ProcessBuilder("sh", "-c", "cat > /dev/null; exit 130").start(), results, errors, events));
        long pid = game.workerPid();

        ServerLog.closeOnTheServersOwnThread(server); // so that "Stopped." counts as the server's

        List<String> lines = ServerLog.of(server);
        int exited = lines.indexOf("Worker " + pid + " exited with exit code 130"
                + " (SIGINT: Ctrl+C reaches every process in the terminal's foreground group)");
        assertTrue(exited >= 0 && exited < lines.indexOf("Stopped."), "the log: " + lines);
        assertTrue(lines.stream().noneMatch(line -> line.contains("a new worker starts")), "the log: " + lines);
    }

    @Test
    void closingAfterTheWorkerWasReplacedStillLeavesNothing() throws Exception {
        start(TICK, LIGHT_WORK);
        long firstPid = game.workerPid();
        ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();
        // workersStarted counts a worker a moment before it becomes the current one: wait for that.
        await().atMost(Duration.ofSeconds(20)).until(() -> game.workersStarted() == 2 && game.workerPid() != firstPid);
        long secondPid = game.workerPid();

        server.close();

        // The first worker was killed above and its death seen; what close() must end is the second.
        assertFalse(ProcessHandle.of(secondPid).map(ProcessHandle::isAlive).orElse(false), "worker " + secondPid + " is alive");
        assertNoWorkerOfThisGameRunning();
        Threads.assertNoneLeft(server.threadNamePrefix(), Duration.ofSeconds(5));
    }

    /** No process of ours carries this game's owner tag, the one its workers' command lines have. */
    private void assertNoWorkerOfThisGameRunning() {
        String tag = "-Dgameloop.owner=" + game.ownerTag() + " ";
        assertEquals(List.of(), ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(tag))
                .map(ProcessHandle::pid).toList(), "descendants of this server still running");
    }
}
