package gameloop.testkit;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Stress tests for races every loop-on-demand example must survive, with real clients. */
public final class Races {

    private Races() {
    }

    /**
     * The last player drops just as a new one connects, {@code rounds} times over. A loop that
     * decides "nobody is here, stop" from a stale player count stops under the newcomer's feet,
     * and the newcomer never gets a tick; so each round waits for the newcomer's next two ticks.
     * What it proves is the behaviour: with the loop as written, the newcomer always gets ticks.
     * It provokes the bug it guards against only some of the time: a reset reaches the server
     * well before a newcomer's upgrade is done, so the two decisions overlap only now and then
     * (chapter 02 gives the rates measured without its lock). Chapter 02's second exercise
     * widens the window with pauses, and then it is caught in every run measured.
     */
    public static void newcomerArrivesAsTheLastPlayerLeaves(
            TestClients clients, URI webSocketUri, BooleanSupplier loopRunning, int rounds) throws Exception {
        ExecutorService arrivals = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-arrival"));
        try {
            TestClient leaving = clients.connect(webSocketUri);
            for (int round = 0; round < rounds; round++) {
                await().until(loopRunning::getAsBoolean);
                Future<TestClient> arriving = arrivals.submit(() -> clients.connect(webSocketUri));
                leaving.disconnectAbruptly();
                TestClient newcomer = arriving.get(10, TimeUnit.SECONDS);
                int before = newcomer.ticks().size();
                await().atMost(Duration.ofSeconds(5)).until(() -> newcomer.ticks().size() >= before + 2);
                leaving = newcomer;
            }
        } finally {
            arrivals.shutdownNow();
            arrivals.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
