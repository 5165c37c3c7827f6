package gameloop.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Alone: an await of another test, ending meanwhile, would reset the JVM's handler to what it was
 * before any await, and this test could no longer tell whether its own await had installed one.
 */
@Isolated
class BeforeAnyTestTest {

    /**
     * The races it prevents are too rare to provoke in a test (the logging one: a few runs in a
     * hundred, measured outside the suite). What can be checked, in this module, is that
     * META-INF/services names it (the file ships in the test kit's jar, so every module whose
     * tests use the kit gets it) and that it ran before this test.
     */
    @Test
    void junitFindsItAndRunsItBeforeAnyTest() {
        assertTrue(ServiceLoader.load(LauncherSessionListener.class).stream()
                        .anyMatch(listener -> listener.type() == BeforeAnyTest.class),
                "META-INF/services does not name " + BeforeAnyTest.class.getName());
        assertTrue(BeforeAnyTest.loggingSetUp(), "it did not run, or SLF4J was not set up when it had");
    }

    @Test
    void anAwaitLeavesTheJvmsUncaughtExceptionHandlerAlone() {
        AtomicReference<Thread.UncaughtExceptionHandler> whileWaiting = new AtomicReference<>();
        await().pollDelay(Duration.ZERO).until(() -> {
            whileWaiting.set(Thread.getDefaultUncaughtExceptionHandler());
            return true;
        });
        Thread.UncaughtExceptionHandler handler = whileWaiting.get();
        assertTrue(handler == null || !handler.getClass().getName().startsWith("org.awaitility."),
                "an await made itself the JVM's handler for uncaught exceptions: " + handler);
    }
}
