package gameloop.shared;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.testkit.RawWebSocket;
import gameloop.testkit.Teardown;
import gameloop.testkit.TestClient;
import gameloop.testkit.TestClients;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.util.thread.strategy.AdaptiveExecutionStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Key presses are read and answered on the selector threads ({@link SelectorReadsConnector}).
 * In the split package, for {@link GameServer#selectors()}.
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
     * alone: one on a machine like this. Jetty starts one selector per two cores, up to one per
     * 16 threads of its pool, so on a machine with many cores a count of threads proves less;
     * the selectors' own counts of how each read was run prove it on any machine.
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
        // A frame that comes with the upgrade is read on the upgrade's thread, which then hands
        // the connection to the selector: one key each first, and only what follows counts.
        for (TestClient player : players) {
            player.send("64");
        }
        await().until(() -> players.stream().allMatch(player -> player.hasReceived(Protocol.pressed(64))));
        keyThreads.clear();
        ReadsRun before = ReadsRun.count(server);

        for (int key = 0; key < 20; key++) {
            for (TestClient player : players) {
                player.send(String.valueOf(65 + key));
            }
        }

        await().until(() -> players.stream().allMatch(player -> player.hasReceived(Protocol.pressed(84))));
        ReadsRun during = ReadsRun.count(server).since(before);
        int selectors = server.selectors().getSelectorCount();
        assertTrue(keyThreads.size() <= selectors, keyThreads.size() + " threads answered key presses, for " + selectors
                + " selectors: " + keyThreads.stream().sorted().collect(Collectors.joining(", ")));
        assertTrue(during.inPlace() > 0, "no read was run in place: " + during);
        assertEquals(0, during.handedOver(), "reads handed to another thread: " + during);
    }

    /**
     * How the selectors' execution strategies ran the tasks they produced, summed over every
     * selector: in place, on the thread that selected ({@code PC}), or otherwise: the task handed
     * to a pool thread ({@code PEC}), the selecting handed to another thread while this one runs
     * the task ({@code EPC}), or a task that may block run in place as if it could not
     * ({@code PIC}). A WebSocket read marked as one that never blocks is always run in place
     * ({@code PC}); one Jetty must take for blocking is not.
     */
    private record ReadsRun(long inPlace, long handedOver) {

        static ReadsRun count(GameServer server) {
            long inPlace = 0;
            long handedOver = 0;
            for (ManagedSelector selector : server.selectors().getBeans(ManagedSelector.class)) {
                AdaptiveExecutionStrategy strategy = selector.getBean(AdaptiveExecutionStrategy.class);
                inPlace += strategy.getPCTasksConsumed();
                handedOver += strategy.getPECTasksExecuted() + strategy.getPICTasksExecuted() + strategy.getEPCTasksConsumed();
            }
            return new ReadsRun(inPlace, handedOver);
        }

        ReadsRun since(ReadsRun before) {
            return new ReadsRun(inPlace - before.inPlace, handedOver - before.handedOver);
        }
    }

    /**
     * A client that keeps sending, and reads every answer (so the cap on queued frames never
     * cuts it off), is read one buffer at a time, each connection in turn: another player's keys
     * are still answered within a second while it floods. Read until its socket is empty, as
     * Jetty reads a WebSocket connection, it held the selector for as long as it sent.
     */
    @Test
    void aClientThatKeepsSendingDoesNotHoldUpTheOthersKeys() throws Exception {
        AtomicInteger flooded = new AtomicInteger();
        server = GameServer.start(ServerSettings.forTest("selector-turns-test", Duration.ofMinutes(1)), context -> new Game() {
            @Override
            public void keyPressed(Player player, int keyCode) {
                if (keyCode == 65) {
                    flooded.incrementAndGet();
                }
                Game.super.keyPressed(player, keyCode);
            }

            @Override
            public void close() {
            }
        });
        try (RawWebSocket flooder = RawWebSocket.connect(server.webSocketUri(), Map.of())) {
            flooder.readAndIgnoreEverything();
            TestClient player = clients.connect(server.webSocketUri());
            await().until(() -> server.players().count() == 2);
            AtomicBoolean flooding = new AtomicBoolean(true);
            Thread flood = new Thread(() -> {
                try {
                    while (flooding.get()) {
                        flooder.sendTextRepeatedly("65", 8192);
                    }
                } catch (IOException cutOff) {
                    // the server closed it: the assertion on the count below says so
                }
            }, "selector-turns-flooder");
            flood.start();
            try {
                // The flood is being read: within a second here; the 30 s are for a machine short of CPU.
                await().atMost(Duration.ofSeconds(30)).until(() -> flooded.get() > 50_000);
                for (int key = 70; key < 75; key++) {
                    player.send(String.valueOf(key));
                    String answer = Protocol.pressed(key);
                    await("another player's key answered while the flood goes on").atMost(Duration.ofSeconds(1))
                            .until(() -> player.hasReceived(answer));
                }
                assertEquals(2, server.players().count(), "the flooder was cut off, so this test proved nothing");
            } finally {
                flooding.set(false);
                flood.join(10_000);
            }
        }
    }
}
