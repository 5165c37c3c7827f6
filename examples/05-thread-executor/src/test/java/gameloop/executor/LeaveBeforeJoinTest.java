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
import org.junit.jupiter.api.Test;

/**
 * A player's leave can reach the game before its join (a send to it fails in between, on another
 * thread). Its key counter must not outlive it. No real connection can be made to do this on
 * cue, so the game is told of the two in that order by hand.
 */
class LeaveBeforeJoinTest {

    @Test
    void aJoinThatComesAfterItsOwnLeaveLeavesNoKeyCounterBehind() {
        Players players = new Players();
        FakeSessions.attach(players, new Game() { // only to make a player; it hears nothing
            @Override
            public void close() {
            }
        });
        Player player = FakeSessions.join(players, new AtomicInteger());
        FakeSessions.leave(player); // gone, as a failed send would leave it, before the game heard of it
        assertTrue(player.isGone());

        ThreadExecutorGame game = new ThreadExecutorGame(new GameContext(players, Duration.ofSeconds(1), "leave-before-join-test-"));
        try {
            game.playerLeft(player);   // finds no counter yet
            game.playerJoined(player); // makes one, then sees the player is gone
            assertEquals(0, game.playersWithKeyCounters(), "a counter for a player who has left");
        } finally {
            game.close();
        }
    }
}
