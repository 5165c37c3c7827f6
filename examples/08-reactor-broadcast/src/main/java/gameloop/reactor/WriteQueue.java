package gameloop.reactor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * A connection's writes that the kernel has not taken yet, in order, and what they cost in
 * memory: what the connection's bound counts. Reactor thread only, like its connection.
 */
final class WriteQueue {

    /**
     * What one queued write costs in memory besides its bytes: the {@code ByteBuffer} view (the
     * array itself is shared by a broadcast) and its slot in the queue, about 60 bytes. Counted
     * against the limit, so a flood of one-byte lines cannot queue 64 Ki views (4 MB) per client
     * under a 64 KiB limit.
     */
    static final int WRITE_OVERHEAD_BYTES = 64;

    private final ArrayDeque<ByteBuffer> writes = new ArrayDeque<>();
    /** Bytes queued and not yet written. */
    private long bytes;

    boolean isEmpty() {
        return writes.isEmpty();
    }

    void add(ByteBuffer write) {
        writes.add(write);
        bytes += write.remaining();
    }

    /** Writes what the socket takes now, in order; true once nothing is left. */
    boolean writeTo(SocketChannel channel) throws IOException {
        while (!writes.isEmpty()) {
            ByteBuffer head = writes.peek();
            bytes -= channel.write(head);
            if (head.hasRemaining()) {
                return false; // the kernel's buffer is full again
            }
            writes.poll();
        }
        return true;
    }

    void clear() {
        writes.clear();
        bytes = 0;
    }

    /** What the bound counts: the bytes, and {@link #WRITE_OVERHEAD_BYTES} for each write. */
    long held() {
        return bytes + (long) writes.size() * WRITE_OVERHEAD_BYTES;
    }

    /** For the log line of a reader dropped as slow. */
    String describe() {
        return held() + " bytes held (" + bytes + " to send, in " + writes.size() + " writes)";
    }

    long bytes() {
        return bytes;
    }
}
