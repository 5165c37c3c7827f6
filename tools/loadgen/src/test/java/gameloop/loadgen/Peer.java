package gameloop.loadgen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server's end of one WebSocket connection, on a blocking socket: a hand-written server for
 * tests of the clients, which can send exactly the bytes a test needs and read exactly what the
 * client sent.
 */
final class Peer implements AutoCloseable {
    private final Socket socket;
    final DataInputStream in;
    private final OutputStream out;

    private Peer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(20_000); // a test that waits longer has failed
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    static Peer accept(ServerSocket listener) throws IOException {
        return new Peer(listener.accept());
    }

    String readRequestHead() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        return head.toString();
    }

    /** Reads the upgrade request, checks its first line, and returns its key. */
    String readKey() throws IOException {
        String head = readRequestHead();
        assertTrue(head.startsWith("GET /connect HTTP/1.1\r\n"), head);
        return head.lines().filter(l -> l.startsWith("Sec-WebSocket-Key: ")).findFirst()
                .orElseThrow().substring("Sec-WebSocket-Key: ".length());
    }

    static String upgradeResponse(String key) {
        return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + WebSocketFrames.acceptFor(key) + "\r\n\r\n";
    }

    void acceptUpgrade() throws IOException {
        send(upgradeResponse(readKey()).getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Two writes with a pause between, so the client's first read very likely ends mid-frame. */
    void sendInTwo(byte[] bytes, int firstPart) throws IOException, InterruptedException {
        out.write(bytes, 0, firstPart);
        out.flush();
        TimeUnit.MILLISECONDS.sleep(50); // arranging the split, not asserting anything
        out.write(bytes, firstPart, bytes.length - firstPart);
        out.flush();
    }

    /** One byte per write, with a pause after each, so the client's reads end inside headers and lengths. */
    void sendByteByByte(byte[] bytes) throws IOException, InterruptedException {
        for (byte b : bytes) {
            out.write(b);
            out.flush();
            TimeUnit.MILLISECONDS.sleep(2); // arranging the splits, not asserting anything
        }
    }

    record Frame(int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** The opcodes of the frames that arrive until none has come for {@code quiet}, or the end. */
    List<Integer> framesUntilQuiet(Duration quiet) throws IOException {
        List<Integer> opcodes = new ArrayList<>();
        socket.setSoTimeout((int) quiet.toMillis());
        try {
            while (true) {
                opcodes.add(readFrame().opcode());
            }
        } catch (SocketTimeoutException | EOFException quietOrEnded) {
            return opcodes;
        }
    }

    /** Reads one client frame, which must be masked, and unmasks it. */
    Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        assertTrue((b1 & 0x80) != 0, "a client must mask every frame");
        int length = b1 & 0x7F;
        assertTrue(length != 127, "these tests read frames under 64 KiB only");
        if (length == 126) {
            length = in.readUnsignedShort();
        }
        byte[] mask = in.readNBytes(4);
        byte[] payload = in.readNBytes(length);
        for (int i = 0; i < length; i++) {
            payload[i] ^= mask[i & 3];
        }
        return new Frame(b0 & 0x0F, payload);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
