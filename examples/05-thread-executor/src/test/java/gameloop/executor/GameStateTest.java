package gameloop.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.executor.GameState.Step;
import gameloop.shared.Players;
import gameloop.shared.Protocol;
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

    @Test
    void itRefusesToBeTouchedOffItsOwnThreadAndSaysWhatToDoInstead() {
        GameState state = new GameState(new Players(), Protocol::tick, () -> false);

        IllegalStateException refused = assertThrows(IllegalStateException.class, state::snapshot);

        assertTrue(refused.getMessage().contains("Hand the call to its owner"), refused.getMessage());
    }
}
