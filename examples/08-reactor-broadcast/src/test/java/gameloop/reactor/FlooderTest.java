package gameloop.reactor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * A client that floods the server with short lines is read no faster than its lines are handed
 * out, one a turn ({@code continueNextTurn} stops reading it meanwhile): the rest wait in the
 * kernel's buffers, and TCP makes the flooder wait. Read on regardless, 16 KiB a turn, its lines
 * would pile up in the server's memory as fast as it can send them. Stopped for good, it would
 * hold nothing either, so the test also checks that the flooder's lines go on being handed out.
 */
class FlooderTest extends ServerTestSupport {

    /** Two bytes a line. */
    private static final byte[] LINES = "x\n".repeat(32 * 1024).getBytes(StandardCharsets.US_ASCII);
    /** What the flooder tries to send: more than the kernel's buffers hold on both sides. */
    private static final long FLOOD_BYTES = 64L * 1024 * 1024;
    /**
     * One read of 16 KiB is all the server should hold; the rest of the margin is for relayed
     * lines still on their way to the reader, which counts them.
     */
    private static final long MOST_HELD = 4L * 1024 * 1024;
    /** Eight reads of 16 KiB, two bytes a line. */
    private static final long LINES_IN_EIGHT_READS = 8 * 16 * 1024 / 2;

    @Test
    void aFlooderIsReadNoFasterThanItsLinesAreHandedOut() throws Exception {
        SpreadServer server = startServer();
        LineSocket reader = join(server, 1);
        AtomicLong relayed = new AtomicLong();
        Thread reading = new Thread(() -> {
            try {
                while (reader.readLine() != null) {
                    relayed.incrementAndGet();
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "flooder-test-reader");
        reading.start();
        try (SocketChannel flooder = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()))) {
            flooder.configureBlocking(false);
            ByteBuffer lines = ByteBuffer.wrap(LINES);
            long sent = 0;
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (sent < FLOOD_BYTES && System.nanoTime() - deadline < 0) {
                if (!lines.hasRemaining()) {
                    lines.clear();
                }
                int n = flooder.write(lines);
                if (n == 0) {
                    Thread.sleep(1); // the kernel's buffers are full: TCP at work
                }
                sent += n;
            }
            // Read by the server, less what it has handed out ("x\n" each, relayed to the reader).
            long held = server.bytesRead() - 2 * relayed.get();
            assertTrue(held < MOST_HELD, "the server read " + server.bytesRead() + " bytes and handed out "
                    + relayed.get() + " lines, so it holds about " + held + " bytes of the " + sent + " sent");
            // Held back, not shut out: a server that stopped reading the flooder for good would
            // hold nothing too. Its lines go on being handed out, many reads' worth.
            await("the flooder's lines handed out beyond eight reads' worth").atMost(Duration.ofSeconds(30))
                    .until(() -> relayed.get() > LINES_IN_EIGHT_READS);
        } finally {
            reader.close();
            reading.join(10_000);
        }
    }
}
