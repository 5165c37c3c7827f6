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

    /**
     * A send to a joining player can fail on another thread, and then its leave can reach the
     * owner before its join does. The late join must not make it present again, for good.
     */
    @Test
    void aJoinThatComesAfterItsOwnLeaveDoesNotBringThePlayerBack() {
        Players players = new Players();
        FakeSessions.attach(players, () -> { });
        Player overtaken = FakeSessions.join(players, new AtomicInteger());
        Player staying = FakeSessions.join(players, new AtomicInteger());
        GameState state = new GameState(players, Protocol::tick, () -> true);
        state.playerJoined(staying);

        state.playerLeft(overtaken); // its leave got here first,
        state.playerJoined(overtaken); // then its join
        state.keyPressed(overtaken, 65);
        state.keyPressed(staying, 66);

        assertEquals(Map.of(staying.id(), 66), state.snapshot().latestKeys(), "only the player still here has a key");
    }

    @Test
    void itRefusesToBeTouchedOffItsOwnThreadAndSaysWhatToDoInstead() {
        GameState state = new GameState(new Players(), Protocol::tick, () -> false);

        IllegalStateException refused = assertThrows(IllegalStateException.class, state::snapshot);

        assertTrue(refused.getMessage().contains("Hand the call to its owner"), refused.getMessage());
    }
}
