package gameloop.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import gameloop.shared.Game;
import gameloop.shared.GameServer;
import gameloop.shared.Player;
import gameloop.shared.ServerSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The shared {@link Player}'s promise that example 05 relies on: a player is marked gone before
 * the game hears of its leave, so a game that hears of the join later can tell.
 */
class PlayerTest {

    @Test
    void aPlayerIsMarkedGoneBeforeTheGameHearsOfItsLeave() throws Exception {
        Map<String, Boolean> goneWhen = new ConcurrentHashMap<>();
        Game recording = new Game() {
            @Override
            public void playerJoined(Player player) {
                goneWhen.put("joined", player.isGone());
            }

            @Override
            public void playerLeft(Player player) {
                goneWhen.put("left", player.isGone());
            }

            @Override
            public void close() {
            }
        };
        GameServer server = GameServer.start(ServerSettings.forTest("player-test", Duration.ofSeconds(1)), context -> recording);
        try (TestClients clients = new TestClients()) {
            TestClient client = clients.connect(server.webSocketUri());
            await().until(() -> goneWhen.containsKey("joined"));
            client.disconnectAbruptly();
            await().until(() -> goneWhen.containsKey("left"));
        } finally {
            server.close();
        }
        assertEquals(false, goneWhen.get("joined"));
        assertEquals(true, goneWhen.get("left"), "gone already when the game hears of the leave");
    }
}
