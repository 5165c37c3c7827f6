package gameloop.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherSessionListener;

class LoggingSetUpFirstTest {

    /**
     * The race it prevents is too rare to provoke in a test (a few runs in a hundred, measured
     * outside the suite). What can be checked is that JUnit finds it, in every module whose tests
     * have the test kit on their class path, and that it ran, with SLF4J set up, before this test.
     */
    @Test
    void junitFindsItAndRunsItBeforeAnyTest() {
        assertTrue(ServiceLoader.load(LauncherSessionListener.class).stream()
                        .anyMatch(listener -> listener.type() == LoggingSetUpFirst.class),
                "META-INF/services does not name " + LoggingSetUpFirst.class.getName());
        assertTrue(LoggingSetUpFirst.done(), "it did not run, or SLF4J was not set up when it had");
    }
}
