package gameloop.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.executor.GameState.Snapshot;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code -Dblock.ms}, read with the other settings before anything starts, and the simulation it picks. */
class ThreadExecutorServerTest {

    @Test
    void withoutBlockMsTheSimulationIsTheArticlesThatBlocksForNothing() {
        assertSame(Simulation.ARTICLE, ThreadExecutorServer.simulation(null));
        assertSame(Simulation.ARTICLE, ThreadExecutorServer.simulation(" "));
    }

    @Test
    void withBlockMsEveryTenthStepBlocksThatLongAndTheOthersDoNot() throws Exception {
        Simulation simulation = ThreadExecutorServer.simulation(" 300 ");

        long began = System.nanoTime();
        assertEquals(new GameState.Step(9), simulation.next(new Snapshot(8, Map.of())));
        Duration quick = Duration.ofNanos(System.nanoTime() - began);
        assertTrue(quick.compareTo(Duration.ofMillis(250)) < 0, "step 9 took " + quick);

        began = System.nanoTime();
        assertEquals(new GameState.Step(10), simulation.next(new Snapshot(9, Map.of())));
        Duration blocked = Duration.ofNanos(System.nanoTime() - began);
        assertTrue(blocked.compareTo(Duration.ofMillis(300)) >= 0, "step 10 took " + blocked);
    }

    @Test
    void aBlockMsThatIsNotAPositiveWholeNumberOfMillisecondsIsRefusedByName() {
        for (String bad : new String[] {"0", "-1", "1.5", "slow", "99999999999999999999"}) {
            IllegalArgumentException refused =
                    assertThrows(IllegalArgumentException.class, () -> ThreadExecutorServer.simulation(bad));
            assertTrue(refused.getMessage().contains("-Dblock.ms") && refused.getMessage().contains("'" + bad + "'"),
                    refused.getMessage());
        }
    }
}
