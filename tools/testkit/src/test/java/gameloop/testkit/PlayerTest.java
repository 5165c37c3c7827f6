package gameloop.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.FakeSessions;
import gameloop.shared.Game;
import gameloop.shared.GameServer;
import gameloop.shared.Player;
import gameloop.shared.Players;
import gameloop.shared.ServerSettings;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritePendingException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The shared {@link Player}'s promises: the game hears of a player's leave only after its join
 * has returned, and once, and the player is marked gone before; sending never throws, so one
 * player cannot stop a broadcast to the others; and a slow player's cut-off is logged once, with
 * its reason before its leave.
 */
class PlayerTest {

    /** Jetty reports a failed write through the callback: a send that throws is a bug, and costs its player only. */
    @Test
    void aSendThatThrowsDropsThatPlayerOnlyAndTheBroadcastGoesOn() {
        Players players = new Players();
        FakeSessions.attach(players, () -> { });
        AtomicInteger unluckySends = new AtomicInteger();
        AtomicInteger bystanderSends = new AtomicInteger();
        AtomicInteger unluckyDisconnects = new AtomicInteger();
        FakeSessions.joinFailingFirstSend(players, unluckySends, new AssertionError("a bug in a send, on purpose"),
                unluckyDisconnects);
        FakeSessions.join(players, bystanderSends);

        players.broadcast("game loop says: tick 1"); // must not throw into the tick
        players.broadcast("game loop says: tick 2");

        assertEquals(2, bystanderSends.get(), "the other player missed a tick");
        assertEquals(1, unluckySends.get(), "the player whose send threw was sent to again");
        assertEquals(1, players.count());
        assertEquals(1, unluckyDisconnects.get(), "its connection must be closed too, not only forgotten");
    }

    /**
     * A write that fails (the connection reset, say) drops its player at once; the endpoint's own
     * report of the loss, which comes later, finds it gone already, and the game hears of it once.
     */
    @Test
    void aFailedWriteDropsThatPlayerAndTheGameHearsOnce() {
        Players players = new Players();
        AtomicInteger leaves = new AtomicInteger();
        FakeSessions.attach(players, new Game() {
            @Override
            public void playerLeft(Player player) {
                leaves.incrementAndGet();
            }

            @Override
            public void close() {
            }
        });
        AtomicInteger sends = new AtomicInteger();
        Player unlucky = FakeSessions.joinWhoseWritesFail(players, sends, new ClosedChannelException());

        players.broadcast("game loop says: tick 1");
        players.broadcast("game loop says: tick 2");
        FakeSessions.leave(unlucky); // the endpoint's close, arriving after the failed write

        assertTrue(unlucky.isGone());
        assertEquals(0, players.count());
        assertEquals(1, sends.get(), "dropped from the broadcast after its failed write");
        assertEquals(1, leaves.get());
    }

    /**
     * Two sends can find a slow player's queue full at once (a tick on the loop thread, an echo on
     * one of Jetty's): the cut-off is logged once, by the send that makes the player leave, and
     * before the leave. Here the second send is made while the first is still being written, before
     * either failure is reported: both reach the failure handling, the worst moment, made certain.
     */
    @Test
    void aSlowPlayerWhoseQueueTwoSendsFindFullIsReportedOnce() throws Exception {
        ServerLog.capture();
        Players players = new Players();
        FakeSessions.attach(players, () -> { });
        AtomicReference<Player> slow = new AtomicReference<>();
        AtomicInteger sends = new AtomicInteger();
        AtomicBoolean secondSendMade = new AtomicBoolean();
        slow.set(FakeSessions.joinWhoseWritesFailLater(players, sends, new WritePendingException(), () -> {
            if (secondSendMade.compareAndSet(false, true)) {
                slow.get().send("game loop says: tick 2");
            }
        }));
        // Its own thread, named for this test alone, so that only its lines are counted.
        String name = "player-test-" + System.nanoTime() + "-";
        Thread sender = new Thread(() -> slow.get().send("Pressed key code: 65"), name);
        sender.start();
        sender.join(10_000);
        assertFalse(sender.isAlive(), "the send never returned");

        assertEquals(2, sends.get(), "the second send did not reach the session while the first was in flight");
        List<String> lines = ServerLog.ofThreadsNamed(name);
        assertEquals(1, lines.stream().filter(line -> line.contains("is not keeping up")).count(),
                () -> "the cut-off must be reported once: " + lines);
        assertTrue(lines.get(0).contains("is not keeping up"), () -> "the reason must come before the leave: " + lines);
        assertEquals(0, players.count());
    }

    /**
     * A player is listed before the game hears of its join, so a broadcast on another thread can
     * reach it, fail and end it while {@code playerJoined} still runs. The game hears of that
     * leave only once {@code playerJoined} has returned, and once.
     */
    @Test
    void aLeaveWhileTheGameTakesThePlayerInIsToldOnlyOnceTheJoinHasReturned() {
        Players players = new Players();
        TellingGame game = new TellingGame(player -> {
            Thread broadcaster = new Thread(() -> players.broadcast("game loop says: tick 1"), "player-test-broadcaster");
            broadcaster.start();
            joinUninterruptibly(broadcaster);
        }, false);
        FakeSessions.attach(players, game);

        Player unlucky = FakeSessions.joinWhoseWritesFail(players, new AtomicInteger(), new ClosedChannelException());
        FakeSessions.leave(unlucky); // the endpoint's own report of the loss, which comes later

        assertEquals(List.of("joined, player already gone", "left"), game.told);
        assertEquals(0, players.count());
    }

    /** The same when the game's own first send, inside its playerJoined, is what fails. */
    @Test
    void aSendThatFailsInsideTheJoinIsToldAsALeaveAfterIt() {
        Players players = new Players();
        TellingGame game = new TellingGame(player -> player.send("welcome"), false);
        FakeSessions.attach(players, game);

        FakeSessions.joinWhoseWritesFail(players, new AtomicInteger(), new ClosedChannelException());

        assertEquals(List.of("joined, player already gone", "left"), game.told);
    }

    /** A join that throws after its player has left: the game hears of the leave once, after the join. */
    @Test
    void aJoinThatThrowsAfterItsPlayerLeftIsToldTheLeaveOnce() {
        Players players = new Players();
        TellingGame game = new TellingGame(player -> player.send("welcome"), true);
        FakeSessions.attach(players, game);

        FakeSessions.joinWhoseWritesFail(players, new AtomicInteger(), new ClosedChannelException());

        assertEquals(List.of("joined, player already gone", "left"), game.told);
        assertEquals(0, players.count());
    }

    /**
     * The goodbye and a join take turns on {@code Players}' lock. A join under way when everyone
     * is told to go lists its player first, and the goodbye then tells that player too (or, had
     * the goodbye come first, the join would find the server closing and refuse it with 1001).
     * Without the lock the goodbye could look between the two, find nobody, and the newcomer
     * would join a stopped game and never be told to go.
     */
    @Test
    void aJoinUnderWayWhenEveryoneIsToldToGoIsToldToo() throws Exception {
        Players players = new Players();
        FakeSessions.attach(players, () -> { });
        List<Integer> closeCodes = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        Thread joining = FakeSessions.joinHeldWhileListed(players, release, closeCodes);

        Thread goodbye = new Thread(() -> {
            try {
                FakeSessions.sayGoodbye(players, Duration.ofMillis(100)); // the fake player never leaves: it waits this long
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "player-test-goodbye");
        try {
            goodbye.start();
            // Held at the lock while the join holds it; without the lock, it would find nobody and end.
            await().until(() -> goodbye.getState() == Thread.State.BLOCKED || !goodbye.isAlive());
        } finally {
            release.countDown(); // whatever happened above: no thread is left holding the lock
        }
        joinUninterruptibly(joining);
        joinUninterruptibly(goodbye);

        assertEquals(List.of(1001), closeCodes, "the player who joined during the goodbye was not told to go (1001)");
    }

    /** Records what it is told, in order; its playerJoined runs {@code duringJoin} first, and may then throw. */
    private static final class TellingGame implements Game {
        final List<String> told = new CopyOnWriteArrayList<>();
        private final Consumer<Player> duringJoin;
        private final boolean joinThrows;

        TellingGame(Consumer<Player> duringJoin, boolean joinThrows) {
            this.duringJoin = duringJoin;
            this.joinThrows = joinThrows;
        }

        @Override
        public void playerJoined(Player player) {
            duringJoin.accept(player);
            told.add(player.isGone() ? "joined, player already gone" : "joined");
            if (joinThrows) {
                throw new IllegalStateException("a bug in playerJoined, on purpose");
            }
        }

        @Override
        public void playerLeft(Player player) {
            told.add("left");
        }

        @Override
        public void close() {
        }
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aPlayerIsMarkedGoneBeforeTheGameHearsOfItsLeave() throws Exception {
        Map<String, Boolean> goneWhen = new ConcurrentHashMap<>();
        Game recording = new Game() {
            @Override
            public void playerJoined(Player player) {
                goneWhen.put("joined", player.isGone());
            }

            @Override
            public void playerLeft(Player player) {
                goneWhen.put("left", player.isGone());
            }

            @Override
            public void close() {
            }
        };
        GameServer server = GameServer.start(ServerSettings.forTest("player-test", Duration.ofSeconds(1)), context -> recording);
        try (TestClients clients = new TestClients()) {
            TestClient client = clients.connect(server.webSocketUri());
            await().until(() -> goneWhen.containsKey("joined"));
            client.disconnectAbruptly();
            await().until(() -> goneWhen.containsKey("left"));
        } finally {
            server.close();
        }
        assertEquals(false, goneWhen.get("joined"));
        assertEquals(true, goneWhen.get("left"), "gone already when the game hears of the leave");
    }
}
