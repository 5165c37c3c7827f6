package gameloop.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.Game;
import gameloop.shared.GameContext;
import gameloop.shared.GameServer;
import gameloop.shared.Player;
import gameloop.shared.ServerSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Closes that come at awkward moments: while a player is still joining, while the game is
 * stopping, and from a thread that has been interrupted. Each must end with the player gone,
 * the game told, and nothing left.
 */
class ClosingRacesTest {

    /** A game with no loop and no thread: it sends nothing, and has nothing to stop. */
    private static final Game.Factory NOTHING_RUNS = context -> new Game() {
        @Override
        public void close() {
        }
    };

    private final TestClients clients = new TestClients();
    private GameServer server;

    @AfterEach
    void tearDown() {
        Teardown.closeAll(clients, server);
    }

    /**
     * The game stops first, then the players are told goodbye: a game's last word to its players,
     * sent as it stops, reaches them before the 1001.
     */
    @Test
    void theGameStopsBeforeThePlayersAreToldGoodbyeSoItsLastWordReachesThem() throws Exception {
        server = GameServer.start(ServerSettings.forTest("last-word-test", Duration.ofSeconds(1)), context -> new Game() {
            @Override
            public void close() {
                context.players().broadcast("game over");
            }
        });
        TestClient player = clients.connect(server.webSocketUri());
        await().until(() -> server.players().count() == 1);

        server.close();

        assertEquals(StatusCode.SHUTDOWN, player.closed().get(10, TimeUnit.SECONDS).code());
        assertTrue(player.hasReceived("game over"), "received: " + player.messages());
    }

    /**
     * A game may close the server when its last player leaves. During a stop, that leave is told
     * on the stopping thread itself when the goodbye's close frame is written at once (Jetty
     * reports the close right there), so that close() must return, not wait for the very stop
     * it is part of.
     */
    @Test
    void aGameThatClosesTheServerWhenItsLastPlayerLeavesDoesNotHangTheStop() throws Exception {
        EndsWhenEmpty game = startAGameThatEndsTheServerWhenEmpty("ends-when-empty-test");
        TestClient player = clients.connect(server.webSocketUri());
        game.awaitAKeyFrom(player); // the join is complete: the goodbye will reach this player

        String closerName = "ends-when-empty-test-closer";
        Thread closer = new Thread(server::close, closerName);
        closer.setDaemon(true); // should the stop hang, it must not hold the test JVM up
        closer.start();
        closer.join(10_000);

        boolean hung = closer.isAlive();
        if (hung) {
            server = null; // its stop can never end: the teardown would wait for it for ever
        }
        assertFalse(hung, "close() hung: the game's close() from playerLeft waited for the stop it was part of");
        assertEquals(closerName, game.leftOn.get(), "the leave was not told on the stopping thread, so this test proved nothing");
        game.assertItsCloseReturnedAtOnce();
    }

    /**
     * The same game, with a player slow to read at the goodbye: its close frame goes out later,
     * from one of Jetty's threads, and the leave is told there. The stop waits for Jetty's
     * threads to end, so that thread's close() must not wait for the stop either (it held the
     * stop up 5 s, until Jetty gave up on the thread and left it running).
     */
    @Test
    void aGameThatClosesTheServerWhenItsSlowLastPlayerLeavesDoesNotHoldUpTheStop() throws Exception {
        EndsWhenEmpty game = startAGameThatEndsTheServerWhenEmpty("ends-when-slow-leaves-test");
        try (RawWebSocket slow = connectAPlayerAndClogIt(game)) {
            long began = System.nanoTime();
            ServerLog.Closing closing = ServerLog.startClosingOnTheServersOwnThread(server);
            await().pollInterval(Duration.ofMillis(5)).until(closing::isWaitingForThePlayersToLeave); // the goodbye waits for it

            slow.readAndIgnoreEverything(); // its close frame goes out now, from one of Jetty's threads
            finishOrGiveUp(closing);

            Duration took = Duration.ofNanos(System.nanoTime() - began);
            // The player left because its goodbye was written, not because it was cut off.
            assertTrue(ServerLog.goodbyeMillis(server) < 1000);
            assertTheLeaveWasToldOnJettysThread(game);
            game.assertItsCloseReturnedAtOnce();
            assertTrue(took.compareTo(Duration.ofSeconds(4)) < 0, "the stop took " + took);
            Threads.assertNoneLeft(server.threadNamePrefix(), Duration.ofSeconds(5));
        }
    }

    /**
     * The same game, with a player that never reads: the goodbye gives up on it after its
     * second and cuts it off, and Jetty reports that close on one of its own threads while the
     * stop waits for the connection to close. A close() that waited there hung the stop for good.
     */
    @Test
    void aGameThatClosesTheServerWhenItsLastPlayerIsCutOffDoesNotHangTheStop() throws Exception {
        EndsWhenEmpty game = startAGameThatEndsTheServerWhenEmpty("ends-when-cut-off-test");
        try (RawWebSocket silent = connectAPlayerAndClogIt(game)) {
            finishOrGiveUp(ServerLog.startClosingOnTheServersOwnThread(server));

            ServerLog.awaitLine(server, "1 player could not be sent the close frame in time .*");
            assertEquals(0, server.players().count());
            game.assertItsCloseReturnedAtOnce();
            Threads.assertNoneLeft(server.threadNamePrefix(), Duration.ofSeconds(5));
        }
    }

    /**
     * The same game, its last player closing the connection itself: the leave is read on one of
     * Jetty's threads (a selector, where the server reads every frame), and that close() is the
     * first. Stopping Jetty waits for each selector to close its connections on its own thread,
     * so a stop run right there waited for itself for good; it runs on a thread of its own.
     */
    @Test
    void aGameThatClosesTheServerWhenItsLastPlayerClosesTheConnectionStopsIt() throws Exception {
        EndsWhenEmpty game = startAGameThatEndsTheServerWhenEmpty("ends-when-player-closes-test");
        TestClient player = clients.connect(server.webSocketUri());
        game.awaitAKeyFrom(player);

        player.close();

        awaitTheServerStoppedOrGiveUp();
        assertTheLeaveWasToldOnJettysThread(game);
        Threads.assertNoneLeft(server.threadNamePrefix(), Duration.ofSeconds(5));
    }

    /** The same, from a key press: a game that ends the server on a key, on the thread that read it. */
    @Test
    void aGameThatClosesTheServerOnAKeyStopsIt() throws Exception {
        EndsWhenEmpty game = startAGameThatEndsTheServerWhenEmpty("ends-on-a-key-test");
        TestClient player = clients.connect(server.webSocketUri());
        game.awaitAKeyFrom(player);

        player.send(String.valueOf(EndsWhenEmpty.QUIT));

        awaitTheServerStoppedOrGiveUp();
        assertEquals(StatusCode.SHUTDOWN, player.closed().get(10, TimeUnit.SECONDS).code(), "the player was not told goodbye");
        Threads.assertNoneLeft(server.threadNamePrefix(), Duration.ofSeconds(5));
    }

    private void assertTheLeaveWasToldOnJettysThread(EndsWhenEmpty game) {
        String leftOn = game.leftOn.get();
        assertTrue(leftOn != null && leftOn.startsWith(server.threadNamePrefix() + "jetty"),
                "the leave was told on " + leftOn + ", not one of Jetty's threads, so this test proved nothing");
    }

    /** Waits up to 10 s for the server to have stopped; if it hangs, forgets it, whose teardown would wait for ever too. */
    private void awaitTheServerStoppedOrGiveUp() throws Exception {
        GameServer stopping = server;
        Thread waiter = new Thread(() -> {
            try {
                stopping.awaitClosed();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "awaits-the-stop");
        waiter.setDaemon(true); // should the stop hang, it must not hold the test JVM up
        waiter.start();
        waiter.join(10_000);
        if (waiter.isAlive()) {
            server = null;
            throw new AssertionError("the server did not stop within 10 s: the stop waited for the thread it ran on");
        }
    }

    private EndsWhenEmpty startAGameThatEndsTheServerWhenEmpty(String name) throws Exception {
        ServerLog.capture();
        EndsWhenEmpty game = new EndsWhenEmpty();
        server = GameServer.start(ServerSettings.forTest(name, Duration.ofSeconds(1)), game::start);
        game.server = server;
        return game;
    }

    /**
     * A player sent more than its sockets hold: its goodbye must wait. Its 64 KiB receive window
     * keeps what the sockets hold under what is sent, and lets a player that reads drain the rest
     * within the goodbye's second even on a busy machine.
     */
    private RawWebSocket connectAPlayerAndClogIt(EndsWhenEmpty game) throws Exception {
        RawWebSocket player = RawWebSocket.connect(server.webSocketUri(), Map.of(), 65536);
        try {
            player.sendText(String.valueOf(EndsWhenEmpty.CLOG));
            assertTrue(game.clogged.await(10, TimeUnit.SECONDS));
            return player;
        } catch (Exception | Error e) {
            player.close();
            throw e;
        }
    }

    /** Waits for the close; if it hangs, forgets the server, whose teardown would wait for ever too. */
    private void finishOrGiveUp(ServerLog.Closing closing) throws Exception {
        try {
            closing.finish();
        } catch (TimeoutException e) {
            server = null;
            throw new AssertionError("the stop hung: a close() from the game waited for the stop it was part of", e);
        }
    }

    /** Ends the server when its last player leaves; a key code of {@link #CLOG} clogs that player. */
    private static final class EndsWhenEmpty {
        static final int CLOG = 99;
        /** The key that makes the game end the server. */
        static final int QUIT = 81;
        final CountDownLatch clogged = new CountDownLatch(1);
        final CountDownLatch keyed = new CountDownLatch(1);
        final AtomicReference<String> leftOn = new AtomicReference<>();
        /** How long the game's own close() of the server took, when its last player left; -1 before. */
        final AtomicLong closeNanos = new AtomicLong(-1);
        volatile GameServer server;

        Game start(GameContext context) {
            return new Game() {
                @Override
                public void keyPressed(Player player, int keyCode) {
                    if (keyCode == CLOG) {
                        // 6 MB as 100 frames: more than the sockets hold, so the goodbye queues behind them.
                        for (int i = 0; i < 100; i++) {
                            player.send("x".repeat(60_000));
                        }
                        clogged.countDown();
                    } else if (keyCode == QUIT) {
                        server.close(); // the game ends the server, on the thread that read the key
                    }
                    keyed.countDown();
                }

                @Override
                public void playerLeft(Player player) {
                    if (context.players().count() == 0) {
                        leftOn.set(Thread.currentThread().getName());
                        long began = System.nanoTime();
                        server.close(); // nobody left: the game ends the server
                        closeNanos.set(System.nanoTime() - began);
                    }
                }

                @Override
                public void close() {
                }
            };
        }

        /**
         * The game's close() returned at once, not after the stop it is part of: a close that
         * waited would hang for good, or until Jetty gave up on its thread 5 s later.
         */
        void assertItsCloseReturnedAtOnce() {
            await().until(() -> closeNanos.get() >= 0); // told of the leave, and back from close()
            Duration took = Duration.ofNanos(closeNanos.get());
            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "the game's close() took " + took);
        }

        /** A key is read only once the join is complete, so the endpoint knows its player. */
        void awaitAKeyFrom(TestClient player) throws InterruptedException {
            player.send("65");
            assertTrue(keyed.await(10, TimeUnit.SECONDS));
        }
    }

    /** A game may turn a player away from {@code playerJoined}, before the join has returned. */
    @Test
    void aPlayerTheGameClosesWhileJoiningLeavesAndTheGameHearsIt() throws Exception {
        AtomicInteger leaves = new AtomicInteger();
        server = GameServer.start(ServerSettings.forTest("closed-in-join-test", Duration.ofSeconds(1)), context -> new Game() {
            @Override
            public void playerJoined(Player player) {
                player.close(StatusCode.TRY_AGAIN_LATER, "no room");
            }

            @Override
            public void playerLeft(Player player) {
                leaves.incrementAndGet();
            }

            @Override
            public void close() {
            }
        });

        TestClient turnedAway = clients.connect(server.webSocketUri());

        assertEquals(StatusCode.TRY_AGAIN_LATER, turnedAway.closed().get(10, TimeUnit.SECONDS).code());
        await().until(() -> server.players().count() == 0);
        await().until(() -> leaves.get() == 1);
    }

    /** The server's goodbye reaches a player whose join is still running in the game. */
    @Test
    void aShutdownDuringAJoinWaitsForThatPlayerToLeaveNotForItsTimeout() throws Exception {
        CountDownLatch joining = new CountDownLatch(1);
        CountDownLatch finishJoin = new CountDownLatch(1);
        CountDownLatch left = new CountDownLatch(1);
        ServerLog.capture();
        server = GameServer.start(ServerSettings.forTest("closed-while-joining-test", Duration.ofSeconds(1)), context -> new Game() {
            @Override
            public void playerJoined(Player player) {
                joining.countDown();
                try {
                    finishJoin.await(10, TimeUnit.SECONDS); // a slow join, held open by the test
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void playerLeft(Player player) {
                left.countDown();
            }

            @Override
            public void close() {
            }
        });
        CompletableFuture<TestClient> connecting = CompletableFuture.supplyAsync(() -> clients.connect(server.webSocketUri()));
        assertTrue(joining.await(10, TimeUnit.SECONDS));

        ServerLog.Closing closing = ServerLog.startClosingOnTheServersOwnThread(server);
        // Once the closer waits for the players to leave, it has sent the joining player its 1001.
        // (Polled often: the goodbye is timed from its start, so from before this release.)
        await().pollInterval(Duration.ofMillis(1)).until(closing::isWaitingForThePlayersToLeave);
        finishJoin.countDown();

        assertTrue(left.await(10, TimeUnit.SECONDS), "the game never heard the player leave");
        closing.finish();
        assertFalse(closing.thread().isAlive(), "close() is stuck");
        // The goodbye waits up to 1 s for players who do not leave; this one left as its join ended.
        long took = ServerLog.goodbyeMillis(server);
        assertTrue(took < 900, "the shutdown waited out its timeout: " + took + " ms");
        assertEquals(0, server.players().count());
        assertEquals(StatusCode.SHUTDOWN, connecting.get(10, TimeUnit.SECONDS).closed().get(10, TimeUnit.SECONDS).code());
    }

    /**
     * A game that is stopping (its loop thread being awaited, a worker process ending) is never
     * asked to take in a player: a newcomer is turned away from the moment the stop begins.
     */
    @Test
    void aPlayerWhoArrivesWhileTheGameIsStoppingIsRefusedAndTheGameNeverHearsOfIt() throws Exception {
        SlowToStop game = new SlowToStop();
        server = GameServer.start(ServerSettings.forTest("join-while-stopping-test", Duration.ofSeconds(1)), context -> game);
        Thread closer = closeOnAThreadOfItsOwn("join-while-stopping-test-closer", game);
        try {
            TestClient newcomer = clients.connect(server.webSocketUri());

            TestClient.Closed refused = newcomer.closed().get(10, TimeUnit.SECONDS);
            assertEquals(StatusCode.SHUTDOWN, refused.code());
            assertEquals("server shutting down", refused.reason());
            assertEquals(0, game.joins.get(), "a game that was stopping was asked to take in a player");
        } finally {
            game.finish.countDown();
            closer.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertFalse(closer.isAlive(), "close() is stuck");
    }

    /**
     * Players who reconnect as fast as they can while the server stops, as a page's players might
     * all press Connect again: each arrival is answered with 1001, or not taken at all (refused,
     * or closed before its handshake is answered). None may get its 101 and then a bare close:
     * what Jetty's stop does to a newcomer turned away at that very moment, whose 1001 is still
     * on its way, unless the stop lets the handshakes under way finish first.
     */
    @Test
    void playersArrivingThroughoutTheStopEachGetA1001OrNoConnectionAtAll() throws Exception {
        server = GameServer.start(ServerSettings.forTest("arrivals-test", Duration.ofSeconds(1)), NOTHING_RUNS); // only the stop ends a connection
        URI uri = server.webSocketUri(); // read once: a stopped server has no address to give
        int clientThreads = 16;
        AtomicInteger goodbyes = new AtomicInteger();
        List<Integer> otherEnds = new CopyOnWriteArrayList<>(); // what a 101 led to, if not a 1001
        CountDownLatch allIn = new CountDownLatch(clientThreads);
        AtomicBoolean stopped = new AtomicBoolean();
        ExecutorService arrivals = Executors.newFixedThreadPool(clientThreads, runnable -> new Thread(runnable, "arrivals-test-client"));
        List<CompletableFuture<Void>> clientsDone = new ArrayList<>();
        try {
            for (int i = 0; i < clientThreads; i++) {
                clientsDone.add(CompletableFuture.runAsync(() -> {
                    boolean first = true;
                    while (true) {
                        try (RawWebSocket ws = RawWebSocket.connect(uri, Map.of())) {
                            if (first) {
                                allIn.countDown(); // answered or not: the stop begins once every thread has been through once
                                first = false;
                            }
                            if (ws.status() != 101) {
                                continue; // turned away before the handshake: not a player
                            }
                            int end = ws.readsToTheCloseCode(Duration.ofSeconds(10)); // the game sends nothing: only the stop ends it
                            if (end == StatusCode.SHUTDOWN) {
                                goodbyes.incrementAndGet();
                            } else {
                                otherEnds.add(end);
                            }
                        } catch (IOException notTaken) { // refused, or closed before an answer
                            if (stopped.get()) {
                                return;
                            }
                        }
                    }
                }, arrivals));
            }
            assertTrue(allIn.await(10, TimeUnit.SECONDS));
            await().until(() -> server.players().count() == clientThreads);

            server.close();
            stopped.set(true);

            // A client that failed otherwise than by a refused connection fails the test here.
            CompletableFuture.allOf(clientsDone.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertEquals(List.of(), otherEnds, "101 and then no 1001 (-1: no close frame)");
            assertTrue(goodbyes.get() > clientThreads, "only " + goodbyes + " arrivals had a 1001: none arrived during the stop");
        } finally {
            arrivals.shutdownNow();
        }
    }

    /**
     * A page leaves connections open that are not players: the one it fetched itself and
     * {@code /info} on, kept alive for the next request, and perhaps one with a request half
     * sent. Jetty's stop waits for its connections to finish, so these must be closed at once
     * for it, or every Ctrl+C after using the page would wait out the whole grace and warn.
     */
    @Test
    void connectionsLeftOpenByAPageDoNotHoldUpTheStop() throws Exception {
        server = GameServer.start(ServerSettings.forTest("open-page-test", Duration.ofSeconds(1)), NOTHING_RUNS);
        ServerLog.capture();
        TestClient player = clients.connect(server.webSocketUri());
        try (Socket keptAlive = new Socket(InetAddress.getLoopbackAddress(), server.port());
             Socket halfSent = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            keptAlive.getOutputStream().write(("GET /info HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            keptAlive.setSoTimeout(10_000);
            assertTrue(keptAlive.getInputStream().read() >= 0, "no answer to GET /info");
            halfSent.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            await().until(() -> server.players().count() == 1);

            long began = System.nanoTime();
            ServerLog.closeOnTheServersOwnThread(server);
            Duration took = Duration.ofNanos(System.nanoTime() - began);

            assertEquals(StatusCode.SHUTDOWN, player.closed().get(10, TimeUnit.SECONDS).code());
            List<String> log = ServerLog.of(server);
            assertTrue(log.stream().noneMatch(line -> line.contains("still busy") || line.contains("Stopping Jetty failed")), log::toString);
            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "stopping took " + took);
        }
    }

    /**
     * Ctrl+C while a test, or the application, is closing it too: every caller waits for the stop,
     * an interrupted one too (and keeps its interrupt), and so does {@code awaitClosed()}.
     */
    @Test
    void aSecondCloseAndAwaitClosedWaitForTheFirstToFinish() throws Exception {
        SlowToStop game = new SlowToStop();
        server = GameServer.start(ServerSettings.forTest("second-close-test", Duration.ofSeconds(1)), context -> game);
        Thread first = closeOnAThreadOfItsOwn("second-close-test-first", game);
        AtomicBoolean interruptKept = new AtomicBoolean();
        Thread interrupted = new Thread(() -> {
            Thread.currentThread().interrupt();
            server.close();
            interruptKept.set(Thread.currentThread().isInterrupted());
        }, "second-close-test-interrupted");
        AtomicBoolean interruptMade = new AtomicBoolean(true);
        int port = server.port();
        // What of Jetty was left as a waiter returned: nothing may be, since the first close()
        // lets its waiters go only once Jetty has stopped (its pool joined, its port closed).
        AtomicReference<List<String>> jettyLeftAfterSecondClose = new AtomicReference<>();
        AtomicBoolean listeningAfterSecondClose = new AtomicBoolean(true);
        AtomicBoolean listeningAfterAwaitClosed = new AtomicBoolean(true);
        Thread second = new Thread(() -> {
            server.close();
            jettyLeftAfterSecondClose.set(jettyPoolThreads());
            interruptMade.set(Thread.currentThread().isInterrupted());
            listeningAfterSecondClose.set(takesAConnection(port));
        }, "second-close-test-second");
        Thread awaiting = new Thread(() -> {
            try {
                server.awaitClosed();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            listeningAfterAwaitClosed.set(takesAConnection(port));
        }, "second-close-test-awaiting");
        List<Thread> waiters = List.of(interrupted, second, awaiting);
        waiters.forEach(Thread::start);

        await().until(() -> waiters.stream().allMatch(t -> t.getState() == Thread.State.WAITING || !t.isAlive()));
        for (Thread waiter : waiters) {
            assertTrue(waiter.isAlive(), waiter.getName() + " returned while the first close() was still stopping the server");
        }
        game.finish.countDown();
        first.join(TimeUnit.SECONDS.toMillis(10));
        for (Thread waiter : waiters) {
            waiter.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(waiter.isAlive(), waiter.getName() + " still waits after the stop");
        }
        assertTrue(interruptKept.get(), "a second close() swallowed its caller's interrupt");
        assertFalse(interruptMade.get(), "a second close() left its caller interrupted though nobody interrupted it");
        assertEquals(List.of(), jettyLeftAfterSecondClose.get(), "a second close() returned before Jetty's pool had stopped");
        assertFalse(listeningAfterSecondClose.get(), "a second close() returned before Jetty had stopped");
        assertFalse(listeningAfterAwaitClosed.get(), "awaitClosed() returned before Jetty had stopped");
        await().untilAsserted(() -> assertEquals(List.of(), Threads.alive(server.threadNamePrefix())));
    }

    /** A game whose start fails: the server that was already listening is stopped, and nothing is left. */
    @Test
    void aGameThatFailsToStartLeavesNothingRunning() {
        AtomicReference<String> threadNamePrefix = new AtomicReference<>();
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> GameServer.start(ServerSettings.forTest("failed-start-test", Duration.ofSeconds(1)), context -> {
                    threadNamePrefix.set(context.threadNamePrefix());
                    return new Game() {
                        @Override
                        public void start() {
                            throw new IllegalStateException("a bug in start, on purpose");
                        }

                        @Override
                        public void close() {
                        }
                    };
                }));

        assertEquals("a bug in start, on purpose", failure.getMessage());
        await().untilAsserted(() -> assertEquals(List.of(), Threads.alive(threadNamePrefix.get())));
    }

    /** A test that timed out, an application stopping its threads: close() is called interrupted. */
    @Test
    void closingFromAnInterruptedThreadStillSaysGoodbyeStopsEverythingAndKeepsTheInterrupt() throws Exception {
        ServerLog.capture();
        AtomicBoolean gameClosedInterrupted = new AtomicBoolean(true);
        server = GameServer.start(ServerSettings.forTest("interrupted-close-test", Duration.ofMillis(20)), context -> new Game() {
            @Override
            public void close() {
                gameClosedInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        TestClient player = clients.connect(server.webSocketUri());
        await().until(() -> server.players().count() == 1);

        AtomicBoolean interruptKept = new AtomicBoolean();
        Thread closer = new Thread(() -> {
            Thread.currentThread().interrupt();
            server.close();
            interruptKept.set(Thread.currentThread().isInterrupted());
        }, "interrupted-close-test-closer");
        closer.start();
        closer.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(closer.isAlive(), "close() is stuck");

        TestClient.Closed goodbye = player.closed().get(10, TimeUnit.SECONDS);
        assertEquals(StatusCode.SHUTDOWN, goodbye.code());
        assertEquals("server shutting down", goodbye.reason());
        assertTrue(interruptKept.get(), "close() swallowed its caller's interrupt");
        assertFalse(gameClosedInterrupted.get(), "the game's close() ran with the caller's interrupt set, which cuts its waits short");
        // Jetty's stop was not cut short by the caller's interrupt: it would have logged "Interrupted
        // while Jetty was stopping". (The game's wait is checked above; a goodbye cut short logs nothing.)
        List<String> closerLines = ServerLog.ofThreadsNamed("interrupted-close-test-closer");
        assertTrue(closerLines.contains("Stopped."), "the log of the closer: " + closerLines);
        assertEquals(List.of(), closerLines.stream().filter(line -> line.startsWith("Interrupted")).toList(),
                "Jetty's stop was cut short by the caller's interrupt");
        await().untilAsserted(() -> assertEquals(List.of(), Threads.alive(server.threadNamePrefix())));
    }

    /**
     * A game that ends itself from its own loop ("match over, shutting down"): close() there
     * cannot wait for the game's threads to end, one of them being its caller. It returns at once,
     * and the server still stops in full: the player told, nothing left, no error. Said again from
     * that thread while the stop waits for it, close() returns at once too.
     */
    @Test
    void aGameThatEndsItselfFromItsLoopStopsTheServerWithoutWaitingForItself() throws Exception {
        ServerLog.capture();
        CountDownLatch serverKnown = new CountDownLatch(1);
        AtomicReference<GameServer> self = new AtomicReference<>();
        CompletableFuture<Duration> closeCall = new CompletableFuture<>();
        CompletableFuture<Duration> closeAgainCall = new CompletableFuture<>();
        server = GameServer.start(ServerSettings.forTest("self-ending-test", Duration.ofSeconds(1)), context -> new Game() {
            private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(context.threads("game-loop"));

            @Override
            public void start() {
                loop.execute(() -> {
                    try {
                        serverKnown.await(); // until the test has a player connected
                        long began = System.nanoTime();
                        self.get().close(); // on the loop thread: the game ends itself
                        closeCall.complete(Duration.ofNanos(System.nanoTime() - began));
                        // Until the stop, stopping the game, interrupts this thread (bounded, so that
                        // should the stop never come, this thread still ends).
                        new CountDownLatch(1).await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        // The stop is under way and waits for this thread: saying it again must not wait for the stop.
                        long began = System.nanoTime();
                        self.get().close();
                        closeAgainCall.complete(Duration.ofNanos(System.nanoTime() - began));
                    } catch (RuntimeException e) {
                        closeCall.completeExceptionally(e);
                    }
                });
            }

            @Override
            public void close() {
                Game.stopAndAwait(loop);
            }
        });
        self.set(server);
        TestClient player = clients.connect(server.webSocketUri());
        await().until(() -> server.players().count() == 1);

        serverKnown.countDown();

        Duration took = closeCall.get(10, TimeUnit.SECONDS);
        assertTrue(took.compareTo(Game.STOP_TIMEOUT) < 0, "close() on the loop thread waited " + took.toMillis() + " ms");
        try {
            assertEquals(StatusCode.SHUTDOWN, player.closed().get(10, TimeUnit.SECONDS).code());
        } catch (TimeoutException e) {
            server = null; // its close() was called and started nothing: the teardown's would wait for ever
            throw new AssertionError("the game's close() from its own loop did not stop the server", e);
        }
        Duration tookAgain = closeAgainCall.get(10, TimeUnit.SECONDS);
        assertTrue(tookAgain.compareTo(Game.STOP_TIMEOUT) < 0, "the second close() waited " + tookAgain.toMillis() + " ms");
        server.awaitClosed();
        await().untilAsserted(() -> assertEquals(List.of(), Threads.alive(server.threadNamePrefix())));
        assertEquals(List.of(), ServerLog.of(server).stream().filter(line -> line.contains("did not stop")).toList());
        assertEquals(1, ServerLog.of(server).stream().filter("Stopped."::equals).count(), "one stop, not one per close()");
    }

    /** Starts closing the server on a new thread, and returns once the game's close() has begun. */
    private Thread closeOnAThreadOfItsOwn(String name, SlowToStop game) throws InterruptedException {
        Thread closer = new Thread(server::close, name);
        closer.start();
        assertTrue(game.closing.await(10, TimeUnit.SECONDS), "the game's close() never began");
        return closer;
    }

    /** A game whose {@code close()} says it has begun, then waits until the test lets it finish. */
    private static final class SlowToStop implements Game {
        final CountDownLatch closing = new CountDownLatch(1);
        final CountDownLatch finish = new CountDownLatch(1);
        final AtomicInteger joins = new AtomicInteger();

        @Override
        public void playerJoined(Player player) {
            joins.incrementAndGet();
        }

        @Override
        public void close() {
            closing.countDown();
            try {
                finish.await(10, TimeUnit.SECONDS); // a slow stop, held by the test
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Jetty's pool threads of this test's server (not its scheduler, which Jetty does not wait for). */
    private List<String> jettyPoolThreads() {
        return Threads.alive(server.threadNamePrefix() + "jetty-").stream().filter(name -> !name.contains("scheduler")).toList();
    }

    /** Whether something still listens on this loopback port. */
    private static boolean takesAConnection(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
