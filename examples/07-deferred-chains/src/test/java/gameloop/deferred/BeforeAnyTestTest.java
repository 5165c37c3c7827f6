package gameloop.deferred;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Alone: an await of another test, ending meanwhile, would reset the JVM's handler to what it was
 * before any await, and this test could no longer tell whether its own await had installed one.
 */
@Isolated
class BeforeAnyTestTest {

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
