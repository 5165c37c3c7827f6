package gameloop.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.FakeSessions;
import gameloop.shared.Game;
import gameloop.shared.GameContext;
import gameloop.shared.Player;
import gameloop.shared.Players;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each player's key counter lives from its join to its leave, and the bounds on keys waiting for
 * the owner hold. The game is told of joins and leaves by hand, with players that need no Jetty.
 */
class KeyCountersTest {

    private final Players players = new Players();
    private ThreadExecutorGame game;
    private Player player;

    @BeforeEach
    void makeAPlayer() {
        FakeSessions.attach(players, new Game() { // only to make a player; it hears nothing
            @Override
            public void close() {
            }
        });
        player = FakeSessions.join(players, new AtomicInteger());
        game = new ThreadExecutorGame(new GameContext(players, Duration.ofSeconds(1), "key-counters-test-"));
    }

    @AfterEach
    void stop() {
        game.close();
    }

    @Test
    void aPlayerWhoLeavesTakesItsCounterWithIt() {
        game.playerJoined(player);
        assertEquals(1, game.playersWithKeyCounters());

        FakeSessions.leave(player);
        game.playerLeft(player);
        assertEquals(0, game.playersWithKeyCounters(), "a counter for a player who has left");
    }

    /**
     * Each connection is a new player with a fresh count, so the bound per player alone would let
     * a client that reconnects in a loop, pressing keys each time, queue without end while the
     * owner is stuck. Here nothing is ever taken, as with a stuck owner: the keys waiting stop at
     * the bound for all players, a refused key is answered, and a key taken makes room again.
     */
    @Test
    void aClientThatReconnectsInALoopCannotQueuePastTheBoundForAll() {
        KeyCounters counters = new KeyCounters(100);
        int admitted = 0;
        AtomicInteger lastSends = new AtomicInteger();
        KeysOnTheirWay oneAdmitted = null;
        Player reconnected = null;
        for (int connection = 0; connection < 50; connection++) {
            lastSends = new AtomicInteger();
            reconnected = FakeSessions.join(players, lastSends);
            counters.joined(reconnected);
            for (int key = 0; key < KeysOnTheirWay.MAX_WAITING; key++) {
                KeysOnTheirWay keys = counters.admit(reconnected, 65);
                if (keys != null) {
                    admitted++;
                    oneAdmitted = keys;
                }
            }
            if (connection < 49) {
                FakeSessions.leave(reconnected);
                counters.left(reconnected);
            }
        }

        assertEquals(100, admitted, "keys let through for 50 connections of 64 keys each");
        assertEquals(100, counters.waitingInAll());
        assertTrue(lastSends.get() >= 1, "a key refused past the bound for all is answered");
        oneAdmitted.taken(); // the owner takes one
        assertTrue(counters.admit(reconnected, 66) != null, "a key taken makes room for one more");
    }

    /**
     * The bound for all players is the one the chapter names, 10,000 keys, in the counters the
     * game makes ({@code new KeyCounters()}): 200 connections of 64 keys each, none taken, as with
     * a stuck owner, get exactly that many through.
     */
    @Test
    void theGamesBoundForAllIsTenThousandKeys() {
        KeyCounters counters = new KeyCounters();
        int admitted = 0;
        for (int connection = 0; connection < 200; connection++) {
            Player reconnected = FakeSessions.join(players, new AtomicInteger());
            counters.joined(reconnected);
            for (int key = 0; key < KeysOnTheirWay.MAX_WAITING; key++) {
                if (counters.admit(reconnected, 65) != null) {
                    admitted++;
                }
            }
        }

        assertEquals(10_000, admitted, "keys let through by 200 connections of 64 keys each");
        assertEquals(10_000, counters.waitingInAll());
    }

    /**
     * While the bound for all players is reached, a player with no key of its own waiting is
     * answered once for the keys it loses, not once per key (thousands of answers would get it cut
     * off as a slow reader); once one of its keys is let through again, a later spell is news.
     */
    @Test
    void keysRefusedPastTheBoundForAllAreAnsweredOncePerSpell() {
        KeyCounters counters = new KeyCounters(1);
        counters.joined(player);
        KeysOnTheirWay waiting = counters.admit(player, 65); // the owner is stuck: it fills the bound for all
        assertTrue(waiting != null);
        AtomicInteger answers = new AtomicInteger();
        Player flooding = FakeSessions.join(players, answers);
        counters.joined(flooding);

        for (int key = 0; key < 1000; key++) {
            assertEquals(null, counters.admit(flooding, 66));
        }
        assertEquals(1, answers.get(), "answers to 1000 keys dropped in one busy spell");

        waiting.taken(); // the owner catches up: room again
        KeysOnTheirWay letThrough = counters.admit(flooding, 67);
        assertTrue(letThrough != null, "a key let through once there is room");
        assertEquals(null, counters.admit(flooding, 68)); // the bound for all is reached again: a new spell
        assertEquals(2, answers.get(), "the first key dropped in a new spell is answered");
        letThrough.taken();
    }
}
