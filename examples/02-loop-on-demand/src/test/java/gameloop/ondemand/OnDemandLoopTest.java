package gameloop.ondemand;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.FakeSessions;
import gameloop.shared.Game;
import gameloop.shared.GameContext;
import gameloop.shared.GameServer;
import gameloop.shared.Player;
import gameloop.shared.Players;
import gameloop.shared.Protocol;
import gameloop.shared.ServerSettings;
import gameloop.testkit.Races;
import gameloop.testkit.ServerLog;
import gameloop.testkit.Teardown;
import gameloop.testkit.TestClient;
import gameloop.testkit.TestClients;
import gameloop.testkit.Threads;
import gameloop.testkit.Ticks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What example 02 promises: ticks while someone plays, none otherwise, and exactly one loop. */
class OnDemandLoopTest {

    private static final Duration TICK = Duration.ofMillis(20);
    /** Long enough to see that nothing happens: several periods. */
    private static final Duration QUIET = TICK.multipliedBy(10);
    /**
     * How much longer than the quiet spell its check may take. Generous: a check that passes ends
     * once the spell is over anyway, and on a busy machine the checks themselves can be held up
     * for seconds (a ceiling of three spells once failed a passing run).
     */
    private static final Duration SLACK = Duration.ofSeconds(5);

    private GameServer server;
    private OnDemandGameLoop loop;
    /** Leaves the game has handled: the server counts a player out before it tells the game. */
    private final AtomicInteger leavesHandled = new AtomicInteger();
    private TestClients clients;

    @BeforeEach
    void start() throws Exception {
        clients = new TestClients();
        ServerLog.capture();
        server = GameServer.start(ServerSettings.forTest("02-loop-on-demand", TICK),
                context -> countingLeaves(loop = new OnDemandGameLoop(context)));
    }

    /** The game, as the server sees it, with each leave it has handled counted once handled. */
    private Game countingLeaves(Game game) {
        return new Game() {
            @Override
            public void start() {
                game.start();
            }

            @Override
            public void playerJoined(Player player) {
                game.playerJoined(player);
            }

            @Override
            public void playerLeft(Player player) {
                game.playerLeft(player);
                leavesHandled.incrementAndGet();
            }

            @Override
            public void keyPressed(Player player, int keyCode) {
                game.keyPressed(player, keyCode);
            }

            @Override
            public void close() {
                game.close();
            }
        };
    }

    @AfterEach
    void stop() {
        Teardown.closeAll(clients, server);
    }

    /**
     * Each match ticks at a fixed rate, as in 01: the time a tick takes is part of the period,
     * not added to it.
     */
    @Test
    void aMatchKeepsItsPeriodWhenEveryTickTakesTime() throws Exception {
        Ticks.assertThePeriodHoldsWhenEveryTickTakesTime("02-loop-on-demand",
                tickMessage -> context -> new OnDemandGameLoop(context, tickMessage));
    }

    @Test
    void nobodyConnectedMeansNoLoop() {
        assertEquals(List.of(), Threads.alive(server.threadNamePrefix() + "game-loop"),
                "the loop thread is made for the first match, not before");
        await().during(QUIET).atMost(QUIET.plus(SLACK))
                .until(() -> !loop.isRunning() && loop.matchesStarted() == 0 && loop.ticksQueued() == 0);
    }

    @Test
    void theFirstPlayerStartsTheLoopAndTheLastOneStopsIt() {
        TestClient first = clients.connect(server.webSocketUri());
        await().until(() -> first.lastTickNumber() >= 1);
        assertEquals(1, first.tickNumbers().get(0), "a match's first tick is tick 1 (MatchChurnTest shows it comes at once)");
        // The lines the chapter says to watch the terminal for.
        ServerLog.awaitLine(server, "player \\d+ joined from .*");
        ServerLog.awaitLine(server, "Match 1 started: a player joined an empty server");

        TestClient second = clients.connect(server.webSocketUri());
        await().until(() -> second.ticks().size() >= 2);
        assertEquals(1, loop.matchesStarted(), "the second player joins the running match");
        assertTrue(second.tickNumbers().get(0) > 1, "the second player joined mid-match: " + second.tickNumbers());

        first.close();
        await().until(() -> leavesHandled.get() == 1); // the game has handled the leave, not only the server seen it
        long seen = second.lastTickNumber();
        await().until(() -> second.lastTickNumber() >= seen + 3); // one player left: still ticking
        assertTrue(loop.isRunning());

        second.close();
        await().until(() -> !loop.isRunning());
        ServerLog.awaitLine(server, "Match 1 is over: the last player left");
        // Over: no tick of it waits in the loop's queue, through several periods (a match that
        // was only forgotten, not cancelled, would have its next tick there all along).
        await().during(QUIET).atMost(QUIET.plus(SLACK)).until(() -> !loop.isRunning() && loop.ticksQueued() == 0);

        TestClient third = clients.connect(server.webSocketUri());
        await().until(() -> third.tickNumbers().contains(1L));
        assertEquals(2, loop.matchesStarted());
        ServerLog.awaitLine(server, "Match 2 started: a player joined an empty server");
        // A new match counts from 1 again. (Match 1's last round of sends, if still under way,
        // may have reached the newcomer first; the chapter explains why.)
        Ticks.assertCountsUpFromOne(third.tickNumbers());
    }

    /**
     * The article's race: its flag is set by the loop once it runs, so players arriving together
     * can each start a loop of their own, and then every tick comes twice.
     */
    @Test
    void playersWhoArriveTogetherStartOneLoop() throws Exception {
        int arriving = 40;
        List<TestClient> players = clients.connectAtOnce(server.webSocketUri(), arriving);

        await().until(() -> players.stream().allMatch(p -> p.ticks().size() >= 5));
        assertEquals(1, loop.matchesStarted());
        players.forEach(player -> Ticks.assertConsecutive(player.tickNumbers())); // one loop, not two
    }

    /**
     * The mirror image: the last player leaves just as a new one arrives. A loop that decides
     * "nobody is here, stop" from a stale count stops under the newcomer's feet, and the newcomer
     * never gets a tick. Many rounds, so the two moments really do cross.
     */
    @Test
    void aPlayerArrivingAsTheLastOneLeavesAlwaysGetsTicks() throws Exception {
        Races.newcomerArrivesAsTheLastPlayerLeaves(server.webSocketUri(), loop::isRunning, 150);
    }

    @Test
    void churnEndsWithTheLoopStoppedAndReadyToStartAgain() throws Exception {
        int threads = 6;
        int cycles = 50;
        ExecutorService churn = Executors.newFixedThreadPool(threads, r -> new Thread(r, "test-churn"));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                boolean abrupt = t % 2 == 0;
                done.add(churn.submit(() -> {
                    for (int i = 0; i < cycles; i++) {
                        TestClient client = clients.connect(server.webSocketUri());
                        if (abrupt) {
                            client.disconnectAbruptly();
                        } else {
                            client.close();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            churn.shutdownNow();
            churn.awaitTermination(10, TimeUnit.SECONDS);
        }

        await("everybody gone and no match running").until(() -> server.players().count() == 0 && !loop.isRunning());
        // Every match the churn started is over, once: none left ticking to nobody (two joins
        // that both started one would leave one forgotten, its ticks in the loop's queue for
        // good), and none ended twice (two leaves that both stopped the same one).
        await("no tick of a forgotten match in the loop's queue").during(QUIET).atMost(QUIET.plus(SLACK))
                .until(() -> loop.ticksQueued() == 0);
        long over = ServerLog.of(server).stream().filter(line -> line.matches("Match \\d+ is over: .*")).count();
        assertEquals(loop.matchesStarted(), over, "one 'is over' line for each match started");

        TestClient late = clients.connect(server.webSocketUri());
        await().until(() -> late.ticks().size() >= 3);
        Ticks.assertConsecutive(late.tickNumbers()); // one match ticking, not two
    }

    @Test
    void stoppingMidMatchEndsTheMatchAndLeavesNoThreads() throws Exception {
        List<TestClient> players = clients.connect(server.webSocketUri(), 3);
        await().until(() -> players.stream().allMatch(p -> p.lastTickNumber() >= 1));

        ServerLog.closeOnTheServersOwnThread(server); // so that what close() logs counts as the server's

        assertFalse(loop.isRunning());
        ServerLog.awaitLine(server, "Match 1 is over: the server is stopping");
        Threads.assertNoneLeft(server.threadNamePrefix(), Duration.ofSeconds(5));
    }

    /**
     * close() waits for the loop thread outside its lock, because that thread may need the lock
     * to finish: a player dropped during the last tick (a failed send does that, on the loop
     * thread) leaves through reconcile(). Waiting inside the lock, the two would hold each other
     * up for the whole stop timeout. Here a tick deaf to interrupts drops a player once the stop
     * interrupts it.
     */
    @Test
    void aPlayerDroppedOnTheLoopThreadDuringTheStopDoesNotHoldItUp() throws Exception {
        Players players = new Players();
        AtomicReference<Player> dropped = new AtomicReference<>();
        CountDownLatch inTickTwo = new CountDownLatch(1);
        OnDemandGameLoop game = new OnDemandGameLoop(new GameContext(players, TICK, "drop-during-stop-test-"), n -> {
            if (n == 2) {
                inTickTwo.countDown();
                Threads.waitIgnoringInterrupts(() -> Thread.currentThread().isInterrupted(), Duration.ofSeconds(10));
                FakeSessions.leave(dropped.get()); // as a failed send would: reconcile() on this thread
            }
            return Protocol.tick(n);
        });
        try {
            FakeSessions.attach(players, game);
            FakeSessions.join(players, new AtomicInteger());
            dropped.set(FakeSessions.join(players, new AtomicInteger()));
            assertTrue(inTickTwo.await(10, TimeUnit.SECONDS));

            long began = System.nanoTime();
            game.close();
            Duration took = Duration.ofNanos(System.nanoTime() - began);

            assertTrue(took.compareTo(Game.STOP_TIMEOUT) < 0, "close() took " + took.toMillis() + " ms");
            assertTrue(dropped.get().isGone(), "the player was dropped, on the loop thread");
        } finally {
            game.close();
        }
    }

    /**
     * A player let in just before the server began to stop can reach the game's playerJoined
     * after its close(): that join must not start a match.
     */
    @Test
    void aPlayerWhoJoinsAfterTheGameClosedStartsNoMatch() {
        loop.close(); // as GameServer.close() does, while a join let in just before is still on its way

        TestClient late = clients.connect(server.webSocketUri());
        // Jetty reads a connection's first frame only after its open event (and so the game's
        // playerJoined) has returned: the echo proves the join was handled, not just listed.
        late.send("65");
        await().until(() -> late.hasReceived(Protocol.pressed(65)));

        assertEquals(0, loop.matchesStarted());
        assertFalse(loop.isRunning());
        assertTrue(late.isOpen(), "the join itself went through; only the game is over");
    }
}
