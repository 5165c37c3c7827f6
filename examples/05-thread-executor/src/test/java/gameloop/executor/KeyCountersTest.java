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
 * Each player's key counter lives from its join to its leave, whichever order the game hears of
 * them in. A leave can reach the game before its join (a send to the player fails in between, on
 * another thread); no real connection can be made to do that on cue, so here the game is told
 * of the two by hand.
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

    @Test
    void aJoinThatComesAfterItsOwnLeaveLeavesNoCounterBehind() {
        FakeSessions.leave(player); // gone, as a failed send would leave it, before the game heard of it
        assertTrue(player.isGone());

        game.playerLeft(player);   // finds no counter yet
        game.playerJoined(player); // makes one, then sees the player is gone
        assertEquals(0, game.playersWithKeyCounters(), "a counter for a player who has left");
    }
}
