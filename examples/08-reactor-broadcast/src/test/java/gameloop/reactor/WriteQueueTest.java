package gameloop.reactor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The write queue's bound is on memory: a queued write costs more than its bytes. */
class WriteQueueTest {

    /**
     * Each queued write holds a view of its bytes and a slot in the queue, about 60 bytes besides
     * the bytes themselves. Counted by its bytes alone, a 256 KiB bound would let 262,144 one-byte
     * writes queue up (16 MB of views) before the drop; counted with what each holds, about 4000.
     * The server's send buffer is shrunk, so that the kernel takes a few KiB first, not megabytes.
     */
    @Test
    void oneByteWritesAreChargedForWhatEachQueuedWriteHolds() throws Exception {
        int limit = 256 * 1024;
        Reactor reactor = new Reactor("write-queue-test", new RecordingLog(), limit);
        reactor.start();
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                Socket sleeper = new Socket()) {
            sleeper.setReceiveBufferSize(4096); // it never reads
            sleeper.connect(listener.getLocalAddress());
            SocketChannel channel = listener.accept();
            channel.configureBlocking(false);
            channel.socket().setSendBufferSize(4096);
            AtomicInteger writes = new AtomicInteger();
            CompletableFuture<String> lost = new CompletableFuture<>();
            byte[] oneByte = {'\n'};
            reactor.callFromThread(() -> reactor.connectionEstablished(channel, new Protocol() {
                @Override
                protected void connectionMade() {
                    while (transport().isOpen() && writes.get() < 1_000_000) {
                        transport().write(oneByte);
                        writes.incrementAndGet();
                    }
                }

                @Override
                protected void connectionLost(String reason) {
                    lost.complete(reason);
                }
            }, reason -> { }));

            String reason = lost.get(10, TimeUnit.SECONDS);

            assertTrue(reason.startsWith("slow reader: "), reason);
            assertTrue(writes.get() < limit / 8, writes.get() + " one-byte writes before the drop: " + reason);
        } finally {
            reactor.stop();
            assertTrue(reactor.join(Duration.ofSeconds(10)), "the reactor thread ends");
        }
    }
}
