package gameloop.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.executor.GameState.Step;
import gameloop.shared.FakeSessions;
import gameloop.shared.Player;
import gameloop.shared.Players;
import gameloop.shared.Protocol;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The game state's own guards, which hold whatever the loop around it does. */
class GameStateTest {

    @Test
    void aStepThatDoesNotFollowTheLastTickIsRefusedAndChangesNothing() {
        GameState state = new GameState(new Players(), Protocol::tick, () -> true);
        state.apply(new Step(1));

        IllegalStateException again = assertThrows(IllegalStateException.class, () -> state.apply(new Step(1)));
        assertTrue(again.getMessage().contains("cannot follow tick 1"), again.getMessage());
        assertThrows(IllegalStateException.class, () -> state.apply(new Step(3)), "a skipped number");

        assertEquals(1, state.snapshot().tick(), "a refused step leaves the state as it was");
        assertEquals(2, state.apply(new Step(2)).tick());
    }

    /** A player's second key replaces its first: the state holds each player's latest key only. */
    @Test
    void aPlayersNextKeyReplacesItsLastOne() {
        Players players = new Players();
        FakeSessions.attach(players, () -> { });
        Player player = FakeSessions.join(players, new AtomicInteger());
        GameState state = new GameState(players, Protocol::tick, () -> true);

        state.keyPressed(player, 65);
        state.keyPressed(player, 66);

        assertEquals(1, state.keysHeld());
        assertEquals(Map.of(player.id(), 66), state.snapshot().latestKeys());
    }

    /**
     * The state keeps no list of players: a player who has left is simply not in the next
     * snapshot, whether its key came before its leave or after it (a send to it can fail on
     * another thread just as its key arrives).
     */
    @Test
    void aPlayerWhoHasLeftHasNoKeyInTheNextSnapshot() {
        Players players = new Players();
        FakeSessions.attach(players, () -> { });
        Player leavingAfterItsKey = FakeSessions.join(players, new AtomicInteger());
        Player leavingBeforeItsKey = FakeSessions.join(players, new AtomicInteger());
        Player staying = FakeSessions.join(players, new AtomicInteger());
        GameState state = new GameState(players, Protocol::tick, () -> true);

        state.keyPressed(leavingAfterItsKey, 65);
        FakeSessions.leave(leavingAfterItsKey);
        FakeSessions.leave(leavingBeforeItsKey);
        state.keyPressed(leavingBeforeItsKey, 66);
        state.keyPressed(staying, 67);

        assertEquals(2, state.keysHeld(), "a key pressed after its player left is not even kept");
        assertEquals(Map.of(staying.id(), 67), state.snapshot().latestKeys(), "only the player still here has a key");
    }

    /**
     * Between snapshots (the loop may be blocked for a minute), players who press a key and
     * leave must not pile up: the keys held stay within twice the players connected, plus 16.
     */
    @Test
    void playersWhoPressAKeyAndLeaveDoNotPileUpBetweenSnapshots() {
        Players players = new Players();
        FakeSessions.attach(players, () -> { });
        Player staying = FakeSessions.join(players, new AtomicInteger());
        GameState state = new GameState(players, Protocol::tick, () -> true);
        state.keyPressed(staying, 65);

        int mostKeysHeld = 0;
        for (int i = 0; i < 200; i++) { // a client that reconnects in a loop, pressing a key each time: ten times the bound
            Player passing = FakeSessions.join(players, new AtomicInteger());
            state.keyPressed(passing, 66);
            mostKeysHeld = Math.max(mostKeysHeld, state.keysHeld());
            FakeSessions.leave(passing);
        }

        // Two players connected at each key press (the one staying, the one passing), so the
        // keys held grow to twice that plus 16, and are then thinned out to those two.
        assertEquals(2 * 2 + 16, mostKeysHeld);
        assertEquals(Map.of(staying.id(), 65), state.snapshot().latestKeys());
    }

    @Test
    void itRefusesToBeTouchedOffItsOwnThreadAndSaysWhatToDoInstead() {
        GameState state = new GameState(new Players(), Protocol::tick, () -> false);

        IllegalStateException refused = assertThrows(IllegalStateException.class, state::snapshot);

        assertTrue(refused.getMessage().contains("Hand the call to its owner"), refused.getMessage());
        // Every method, not only the one a reader looks at first.
        Players players = new Players();
        FakeSessions.attach(players, () -> { });
        Player player = FakeSessions.join(players, new AtomicInteger());
        assertThrows(IllegalStateException.class, () -> state.keyPressed(player, 65));
        assertThrows(IllegalStateException.class, state::keysHeld);
        assertThrows(IllegalStateException.class, () -> state.apply(new Step(1)));
    }
}
