package gameloop.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** One reactor thread, a thousand connections: each greeted, and one line reaches the 999 others. */
class ThousandClientsTest extends ServerTestSupport {

    private static final int CLIENTS = 1000;

    @Test
    void oneThreadGreetsAThousandClientsAndRelaysToAllOfThem() throws IOException {
        SpreadServer server = startServer();

        List<LineSocket> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(connect(server)); // all connected before anyone reads: they are all open at once
        }
        Set<String> greetings = new HashSet<>();
        for (LineSocket client : clients) {
            greetings.add(client.readLine());
        }
        Set<String> expected = new HashSet<>();
        for (int id = 1; id <= CLIENTS; id++) {
            expected.add(Spreader.greeting(id));
        }
        assertEquals(expected, greetings);

        clients.get(0).sendLine("one line for everyone");
        for (LineSocket other : clients.subList(1, CLIENTS)) {
            assertEquals("one line for everyone", other.readLine());
        }

        log.awaitMessage(m -> m.contains("relayed to " + (CLIENTS - 1) + " other(s)"));
        Set<String> serverThreads = new HashSet<>();
        log.connectionEntries().forEach(entry -> serverThreads.add(entry.thread()));
        assertEquals(Set.of(server.reactorThreadName()), serverThreads, "every connection was served by the one thread");
    }
}
