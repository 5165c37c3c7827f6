package gameloop.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherSessionListener;

class LoggingSetUpFirstTest {

    /**
     * The race it prevents is too rare to provoke in a test (a few runs in a hundred, measured
     * outside the suite); what can be checked is that JUnit will call it, in every module whose
     * tests have the test kit on their class path.
     */
    @Test
    void junitFindsItBeforeAnyTestRuns() {
        assertTrue(ServiceLoader.load(LauncherSessionListener.class).stream()
                        .anyMatch(listener -> listener.type() == LoggingSetUpFirst.class),
                "META-INF/services does not name " + LoggingSetUpFirst.class.getName());
    }
}
