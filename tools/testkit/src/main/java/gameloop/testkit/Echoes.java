package gameloop.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;

/** Checks about key-press echoes that every example's game must pass. */
public final class Echoes {

    private Echoes() {
    }

    /**
     * Connects two clients; once both get ticks, the first presses a key. It must get the echo,
     * and the other must not, even after two more ticks have reached it (time enough for a leaked
     * echo to arrive).
     */
    public static void assertAnEchoReachesOnlyItsSender(TestClients clients, URI webSocketUri) {
        TestClient sender = clients.connect(webSocketUri);
        TestClient other = clients.connect(webSocketUri);
        // A client's connection is open a moment before the server lists its player; a tick
        // reaches only listed players. Pressed before that, an echo leaked to everyone would miss
        // the other, and the leak would pass unseen.
        await().until(() -> !sender.ticks().isEmpty() && !other.ticks().isEmpty());

        sender.send("65");

        await().until(() -> sender.hasReceived("Pressed key code: 65"));
        long seen = other.lastTickNumber();
        await().until(() -> other.lastTickNumber() >= seen + 2);
        assertTrue(other.messages().stream().noneMatch(m -> m.startsWith("Pressed")),
                "the other client got someone else's echo: " + other.messages());
    }
}
