package gameloop.ondemand;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.FakeSessions;
import gameloop.shared.GameContext;
import gameloop.shared.GameServer;
import gameloop.shared.Players;
import gameloop.shared.Protocol;
import gameloop.shared.ServerSettings;
import gameloop.testkit.ServerLog;
import gameloop.testkit.TestClient;
import gameloop.testkit.TestClients;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A periodic task that throws is never run again, silently; a match would then stay "running"
 * with no ticks, and every later player would wait for ticks that never come. An {@link Error}
 * is no exception to that, so the tick catches it too.
 */
class FailingTickTest {

    private static String failingFirstTick(long n) {
        if (n == 1) {
            throw new AssertionError("a bug in tick 1, on purpose");
        }
        return Protocol.tick(n);
    }

    @Test
    void anErrorInOneTickDoesNotEndTheMatch() {
        Players players = new Players();
        OnDemandGameLoop loop = new OnDemandGameLoop(new GameContext(players, Duration.ofMillis(10), "failing-tick-test-"),
                FailingTickTest::failingFirstTick);
        try {
            FakeSessions.attach(players, loop);
            AtomicInteger sends = new AtomicInteger();
            FakeSessions.join(players, sends);

            await().until(() -> sends.get() >= 4); // tick 1 threw; ticks 2 to 5 came all the same
            assertTrue(loop.isRunning());
        } finally {
            loop.close();
        }
    }

    /** Not silent either: the failure is in the log, with its stack trace, where chapter 02 says it goes. */
    @Test
    void aFailedTickIsLoggedWithItsStackTrace() throws Exception {
        ServerLog.capture();
        try (GameServer server = GameServer.start(ServerSettings.forTest("02-loop-on-demand", Duration.ofMillis(20)),
                        context -> new OnDemandGameLoop(context, FailingTickTest::failingFirstTick));
                TestClients clients = new TestClients()) { // closed first: clients before their server
            TestClient player = clients.connect(server.webSocketUri());

            await().until(() -> player.lastTickNumber() >= 2);
            ServerLog.awaitLine(server, "Match 1, tick 1 failed; the loop goes on\\R.*AssertionError: a bug in tick 1, on purpose.*");
        }
    }
}
