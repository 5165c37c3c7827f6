package gameloop.shared;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.testkit.Teardown;
import gameloop.testkit.TestClient;
import gameloop.testkit.TestClients;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Key presses are read and answered on the selector threads ({@link SelectorReadsConnector}).
 * In the split package, for {@link GameServer#selectorCount}.
 */
class SelectorReadsTest {

    private final TestClients clients = new TestClients();
    private final Set<String> keyThreads = ConcurrentHashMap.newKeySet();
    private GameServer server;

    @AfterEach
    void tearDown() {
        Teardown.closeAll(clients, server);
    }

    /**
     * Jetty's own way hands each read to whichever pool thread is free, so 400 key presses from
     * 20 players sent at once are answered on many threads (18 to 20 of them here, on two
     * cores). Read where the selector finds them, they are answered on the selector threads
     * alone: one per two cores, so one on a machine like this.
     */
    @Test
    void keyPressesAreAnsweredOnTheSelectorThreadsAlone() throws Exception {
        server = GameServer.start(ServerSettings.forTest("selector-reads-test", Duration.ofMinutes(1)), context -> new Game() {
            @Override
            public void keyPressed(Player player, int keyCode) {
                keyThreads.add(Thread.currentThread().getName());
                Game.super.keyPressed(player, keyCode);
            }

            @Override
            public void close() {
            }
        });
        List<TestClient> players = clients.connect(server.webSocketUri(), 20);
        await().until(() -> server.players().count() == 20);

        for (int key = 0; key < 20; key++) {
            for (TestClient player : players) {
                player.send(String.valueOf(65 + key));
            }
        }

        await().until(() -> players.stream().allMatch(player -> player.hasReceived(Protocol.pressed(84))));
        assertTrue(keyThreads.size() <= server.selectorCount(),
                keyThreads.size() + " threads answered key presses, for " + server.selectorCount() + " selectors: "
                        + keyThreads.stream().sorted().collect(Collectors.joining(", ")));
    }
}
