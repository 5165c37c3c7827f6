package gameloop.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * What reaches the loop itself ends it, visibly. The guards around callbacks catch
 * RuntimeExceptions only, so an Error thrown inside a protocol callback gets past them to the
 * loop, as a bug in the reactor's own code or a broken selector would: the way to provoke such a
 * failure from outside, with no hook in the reactor.
 */
class ReactorFailureTest extends ServerTestSupport {

    /** What a broken logging backend might throw; an Error, like a StackOverflowError in a protocol. */
    private static final class LogBroke extends Error {
        LogBroke() {
            super("the log broke");
        }
    }

    @Test
    void anErrorThatReachesTheLoopIsLoggedClosesEverySocketAndMainRethrowsIt() throws Exception {
        LogBroke bug = new LogBroke();
        Log breaksOnCrash = new Log() {
            @Override
            public void info(String message) {
                if (message.startsWith("#1 says \"crash\"")) { // logged by Spreader.lineReceived, on the reactor thread
                    throw bug;
                }
                log.info(message);
            }

            @Override
            public void error(String message, Throwable cause) {
                log.error(message, cause);
            }
        };
        expectErrors(); // one, provoked on purpose: the test checks the error log itself
        SpreadServer server = startServer(SpreadServer.Settings.defaults(), breaksOnCrash);
        ExecutorService mainThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "reactor-failure-test-main"));
        try {
            Future<?> main = mainThread.submit(() -> {
                SpreadServer.waitForTheEnd(server); // what SpreadServer.main does once the server is up
                return null;
            });
            LineSocket a = join(server, 1);
            LineSocket b = join(server, 2);
            LineSocket c = join(server, 3);

            a.sendLine("crash");

            ExecutionException ended = assertThrows(ExecutionException.class, () -> main.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, ended.getCause(), "main rethrows the failure");
            assertSame(bug, ended.getCause().getCause());
            assertSame(bug, server.failure().orElseThrow(), "failure() returns the exception");
            assertFalse(server.isRunning());

            assertEquals(List.of("reactor failed, stopping it: " + bug), log.errors(), "logged once, by the reactor");

            // Every socket is closed: each client sees its end, each protocol heard so, and the port is free.
            assertEquals("crash", b.readLine()); // relayed before the log line that threw
            assertEquals("crash", c.readLine());
            assertTrue(a.closedByServer());
            assertTrue(b.closedByServer());
            assertTrue(c.closedByServer());
            assertEquals(3, log.messages().stream().filter(m -> m.matches("lost #\\d: reactor stopped.*")).count(),
                    log.messages().toString());
            assertNothingListensOn(server.port());
        } finally {
            mainThread.shutdownNow();
            assertTrue(mainThread.awaitTermination(10, TimeUnit.SECONDS));
        }
    }
}
