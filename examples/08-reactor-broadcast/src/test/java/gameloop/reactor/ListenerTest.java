package gameloop.reactor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Accepting without blocking, and without letting a burst of newcomers take a whole turn. */
class ListenerTest {

    /**
     * 300 connections wait in the backlog while the reactor thread is held; once it is free, they
     * are accepted at most 128 a turn, so the sockets already connected get their turn between.
     */
    @Test
    void aBurstOfConnectionsIsAcceptedAtMost128ATurn() throws Exception {
        RecordingLog log = new RecordingLog();
        Reactor reactor = new Reactor("listener-burst-test", log);
        reactor.start();
        List<Socket> burst = new ArrayList<>();
        CountDownLatch release = null;
        try {
            List<Long> turnOfEachAccept = new CopyOnWriteArrayList<>();
            InetSocketAddress address = reactor.listenTCP(new InetSocketAddress("127.0.0.1", 0), peer -> new Protocol() {
                @Override
                protected void connectionMade() {
                    turnOfEachAccept.add(reactor.turns());
                }
            });
            release = ReactorHold.holdTheThread(reactor);
            for (int i = 0; i < 300; i++) {
                burst.add(new Socket(address.getAddress(), address.getPort())); // complete, in the backlog
            }

            release.countDown();

            await().atMost(Duration.ofSeconds(10)).until(() -> turnOfEachAccept.size() == 300);
            Map<Long, Long> acceptsPerTurn = turnOfEachAccept.stream()
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertEquals(128L, acceptsPerTurn.values().stream().mapToLong(Long::longValue).max().orElseThrow(),
                    acceptsPerTurn.toString());
            assertEquals(List.of(), log.errors());
        } finally {
            if (release != null) {
                release.countDown();
            }
            for (Socket socket : burst) {
                socket.close();
            }
            reactor.stop();
            assertTrue(reactor.join(Duration.ofSeconds(10)));
        }
    }
}
