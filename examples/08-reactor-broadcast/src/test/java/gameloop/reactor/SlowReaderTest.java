package gameloop.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * A client that never reads fills the kernel's buffers, then its write queue on the server. Past
 * the bound it is dropped, and the clients that do read never notice.
 */
class SlowReaderTest extends ServerTestSupport {

    private static final int LINE_BYTES = 1000;
    /**
     * 20 MB: several times what the kernel's buffers and the queue bound hold together (Linux's
     * send buffer grows to 4 MB at most by default), so the test stops sending long before; and
     * few enough that a server with no bound fails this test in seconds, not minutes.
     */
    private static final int MAX_LINES = 20_000;

    @Test
    void aReaderThatNeverReadsIsDroppedAndTheOthersKeepReceiving() throws Exception {
        // Not the default limit, so that the log's "limit" shows the setting is the one used.
        SpreadServer server = startServer(SpreadServer.Settings.defaults().withMaxQueuedBytes(32 * 1024));
        LineSocket sender = join(server, 1);
        LineSocket sleeper = track(LineSocket.connectWithReceiveBuffer(server.port(), 4096));
        assertEquals(Spreader.greeting(2), sleeper.readLine()); // and from now on it reads nothing
        // The reader joins after the sleeper, so the relay loop still has the reader to go when it
        // drops the sleeper: the drop must not close the sleeper in the middle of that loop.
        LineSocket reader = join(server, 3);

        String filler = "x".repeat(LINE_BYTES);
        // The reader must not become a slow reader itself: on a busy machine its thread can fall
        // behind a sender that writes as fast as it can, and past the bound the server rightly
        // drops it too (its last line then ends half-way). So the sender stays at most 16 lines,
        // half the bound, ahead of what the reader has read; the sleeper still gets every line.
        Semaphore ahead = new Semaphore(16);
        ExecutorService sending = Executors.newSingleThreadExecutor(r -> new Thread(r, "slow-reader-test-sender"));
        try {
            // The sender writes until the server drops the sleeper, then says one more thing.
            Future<Integer> sent = sending.submit(() -> {
                int lines = 0;
                while (!log.contains("lost #2") && lines < MAX_LINES) {
                    if (!ahead.tryAcquire(10, TimeUnit.SECONDS)) {
                        throw new AssertionError("the reader read nothing for 10 s");
                    }
                    sender.sendLine(filler);
                    lines++;
                }
                sender.sendLine("after the drop");
                return lines;
            });

            int received = 0;
            String line;
            while (!(line = reader.readLine()).equals("after the drop")) {
                assertEquals(filler, line);
                received++;
                ahead.release();
            }

            assertEquals(sent.get(10, TimeUnit.SECONDS), received, "the reading client got every line");
            String lost = log.awaitMessageStartingWith("lost #2:");
            assertTrue(lost.startsWith("lost #2: slow reader:"), lost);
            assertQueuedPastTheLimit(lost, "lost #2: slow reader: ", 32 * 1024, " (2 online)");
            assertTrue(received < MAX_LINES, "dropped after " + received + " lines");
        } finally {
            sending.shutdownNow();
            assertTrue(sending.awaitTermination(10, TimeUnit.SECONDS));
        }
        assertTrue(drainsToClose(sleeper), "the dropped client sees its connection end");
        assertTrue(log.messages().stream().noneMatch(m -> m.startsWith("lost #1") || m.startsWith("lost #3")));
    }

    /** The chapter's figure: with the default settings, a reader is dropped past 64 KiB of queue. */
    @Test
    void byDefaultTheLimitIs64KiB() throws Exception {
        SpreadServer server = startServer(); // the defaults, as SpreadServer.main uses them
        LineSocket sender = join(server, 1);
        LineSocket sleeper = track(LineSocket.connectWithReceiveBuffer(server.port(), 4096));
        assertEquals(Spreader.greeting(2), sleeper.readLine()); // and from now on it reads nothing

        String filler = "x".repeat(LINE_BYTES);
        int lines = 0;
        while (!log.contains("lost #2") && lines < MAX_LINES) { // the server never writes to the sender: no deadlock
            sender.sendLine(filler);
            lines++;
        }

        String lost = log.awaitMessageStartingWith("lost #2:");
        assertQueuedPastTheLimit(lost, "lost #2: slow reader: ", 65536, " (1 online)");
        assertTrue(drainsToClose(sleeper), "the dropped client sees its connection end");
    }

    /**
     * {@code lost} is "prefix H bytes held (B to send, in W writes), limit L suffix", with L =
     * {@code limit}, H past it, and H = B + W × the overhead of one queued write.
     */
    private static void assertQueuedPastTheLimit(String lost, String prefix, int limit, String suffix) {
        Matcher m = Pattern.compile(Pattern.quote(prefix) + "(\\d+) bytes held \\((\\d+) to send, in (\\d+) writes\\), limit (\\d+)"
                + Pattern.quote(suffix)).matcher(lost);
        assertTrue(m.matches(), lost);
        assertEquals(limit, Integer.parseInt(m.group(4)), lost);
        long held = Long.parseLong(m.group(1));
        assertTrue(held > limit, lost);
        assertEquals(Long.parseLong(m.group(2)) + Long.parseLong(m.group(3)) * WriteQueue.WRITE_OVERHEAD_BYTES, held, lost);
    }

    /** The dropped client reads what the kernel still held for it, then the end. */
    private static boolean drainsToClose(LineSocket socket) throws IOException {
        for (int i = 0; i < MAX_LINES; i++) {
            try {
                socket.readLine();
            } catch (AssertionError | java.net.SocketException end) {
                return true;
            }
        }
        return false;
    }
}
