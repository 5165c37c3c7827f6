package gameloop.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The upgrade response's head, as the NIO client reads it: in pieces, as TCP delivers it. */
class WebSocketFramesTest {

    /** {@code endOfHead} on a head still arriving says "not yet" instead of reading past the bytes. */
    @Test
    void aHeadThatHasNotAllArrivedHasNoEndYet() {
        String head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";
        byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);

        for (int arrived = 0; arrived < bytes.length; arrived++) {
            assertEquals(-1, WebSocketFrames.endOfHead(ByteBuffer.wrap(bytes, 0, arrived)), "after " + arrived + " bytes");
        }
        assertEquals(bytes.length, WebSocketFrames.endOfHead(ByteBuffer.wrap(bytes)));
    }
}
