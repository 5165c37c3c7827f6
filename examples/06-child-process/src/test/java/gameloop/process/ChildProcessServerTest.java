package gameloop.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code -Dwork.ms}, read with the other settings before anything starts. */
class ChildProcessServerTest {

    private static final Duration PERIOD = Duration.ofSeconds(1);

    @Test
    void withoutWorkMsAStepTakesAFifthOfThePeriod() {
        assertEquals(Duration.ofMillis(200), ChildProcessServer.stepOfWork(null, PERIOD));
        assertEquals(Duration.ofMillis(200), ChildProcessServer.stepOfWork(" ", PERIOD));
    }

    @Test
    void workMsSetsTheStepInMilliseconds() {
        assertEquals(Duration.ofMillis(750), ChildProcessServer.stepOfWork(" 750 ", PERIOD));
        assertEquals(Duration.ZERO, ChildProcessServer.stepOfWork("0", PERIOD));
    }

    @Test
    void aWorkMsThatIsNotAWholeNumberOfMillisecondsIsRefusedByName() {
        for (String bad : new String[] {"-1", "1.5", "fast", "99999999999999999999"}) {
            IllegalArgumentException refused =
                    assertThrows(IllegalArgumentException.class, () -> ChildProcessServer.stepOfWork(bad, PERIOD));
            assertTrue(refused.getMessage().contains("-Dwork.ms") && refused.getMessage().contains("'" + bad + "'"),
                    refused.getMessage());
        }
    }
}
