package gameloop.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket client built on a bare socket, for the clients a well-behaved library will not
 * impersonate: one that never reads, one that resets the connection with no close frame, one
 * that sends a foreign Origin, one whose upgrade a test times against another client. It speaks
 * just enough of RFC 6455 for that.
 */
public final class RawWebSocket implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final String responseHead;
    private final int status;
    /** The thread {@link #readAndIgnoreEverything} or {@link #readAndKeepTexts} started, if any; {@link #close()} waits for it. */
    private volatile Thread reader;
    /** The text of every text frame {@link #readAndKeepTexts} has read. */
    private final Set<String> textsReceived = ConcurrentHashMap.newKeySet();
    /** How many text frames {@link #readAndKeepTexts} has read. */
    private final AtomicInteger textFramesReceived = new AtomicInteger();

    private RawWebSocket(Socket socket, String responseHead) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.responseHead = responseHead;
        String[] statusLine = responseHead.split(" ", 3);
        if (statusLine.length < 2) {
            throw new IOException("no HTTP response: '" + responseHead + "'");
        }
        this.status = Integer.parseInt(statusLine[1]);
    }

    /** Opens a connection and sends the upgrade request; see {@link #status()} for the answer. */
    public static RawWebSocket connect(URI webSocketUri, Map<String, String> extraHeaders) throws IOException {
        return connect(webSocketUri, extraHeaders, 0);
    }

    /**
     * @param receiveBuffer if positive, the socket's receive buffer in bytes; a small one makes a
     *                      client that never reads fill up fast, as a stalled phone would
     */
    public static RawWebSocket connect(URI webSocketUri, Map<String, String> extraHeaders, int receiveBuffer)
            throws IOException {
        try (Upgrading upgrading = startUpgrade(webSocketUri, extraHeaders, receiveBuffer)) {
            return upgrading.awaitAnswer(); // an answer that is not HTTP closes the socket; a refusal comes back open
        }
    }

    /**
     * Opens a connection and sends the upgrade request, but does not wait for the answer: for a
     * test that times something else against the server's handling of the upgrade. Read the
     * answer with {@link Upgrading#awaitAnswer()}.
     */
    public static Upgrading startUpgrade(URI webSocketUri) throws IOException {
        return startUpgrade(webSocketUri, Map.of(), 0);
    }

    private static Upgrading startUpgrade(URI webSocketUri, Map<String, String> extraHeaders, int receiveBuffer)
            throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer); // must precede connect to shrink the window
            }
            socket.connect(new InetSocketAddress(webSocketUri.getHost(), webSocketUri.getPort()), 5_000);
            socket.setSoTimeout(10_000);
            sendUpgradeRequest(socket, webSocketUri, extraHeaders);
            return new Upgrading(socket);
        } catch (IOException | RuntimeException e) {
            socket.close(); // a failed request must not leave the socket open
            throw e;
        }
    }

    /**
     * A connection whose upgrade request is sent and whose answer is not read yet. Closing it
     * closes the socket unless {@link #awaitAnswer()} has handed it on.
     */
    public static final class Upgrading implements AutoCloseable {
        private final Socket socket;
        private boolean handedOn;

        private Upgrading(Socket socket) {
            this.socket = socket;
        }

        /** Reads the server's answer to the upgrade; see {@link RawWebSocket#status()}. */
        public RawWebSocket awaitAnswer() throws IOException {
            RawWebSocket answered = new RawWebSocket(socket, readResponseHead(socket.getInputStream()));
            handedOn = true;
            return answered;
        }

        @Override
        public void close() throws IOException {
            if (!handedOn) {
                socket.close();
            }
        }
    }

    private static void sendUpgradeRequest(Socket socket, URI webSocketUri, Map<String, String> extraHeaders)
            throws IOException {
        StringBuilder request = new StringBuilder()
                .append("GET ").append(webSocketUri.getRawPath()).append(" HTTP/1.1\r\n");
        if (!extraHeaders.containsKey("Host")) { // a test may pretend the server was reached by another name
            request.append("Host: ").append(webSocketUri.getHost()).append(':').append(webSocketUri.getPort()).append("\r\n");
        }
        request.append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
        if (!extraHeaders.containsKey("Sec-WebSocket-Version")) { // or a test may speak another version
            request.append("Sec-WebSocket-Version: 13\r\n");
        }
        request.append("Sec-WebSocket-Key: ").append(randomKey()).append("\r\n");
        extraHeaders.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("\r\n");
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** The HTTP status of the upgrade: 101 when accepted. */
    public int status() {
        return status;
    }

    /** A header of the upgrade response (name in any case), or null if the server did not send it. */
    public String responseHeader(String name) {
        for (String line : responseHead.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** Sends one masked text frame (clients must mask, RFC 6455 section 5.3). Short texts only. */
    public void sendText(String text) throws IOException {
        out.write(textFrame(text));
    }

    /** Sends the same text frame {@code count} times in large writes. */
    public void sendTextRepeatedly(String text, int count) throws IOException {
        byte[] frame = textFrame(text);
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            batch.write(frame, 0, frame.length);
            if (batch.size() > 64 * 1024) {
                out.write(batch.toByteArray());
                batch.reset();
            }
        }
        out.write(batch.toByteArray());
        out.flush();
    }

    /** Closes with a TCP reset: no close frame, no FIN. The server learns on its next read or write. */
    public void resetAbruptly() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /**
     * Reads and throws away whatever the server sent, until the server ends the connection
     * (true: end of stream, or a reset because the server closed with our data still unread) or
     * {@code quiet} passes with nothing more arriving (false: the server still holds it open).
     */
    public boolean readsToTheEnd(Duration quiet) throws IOException {
        socket.setSoTimeout(Math.toIntExact(quiet.toMillis()));
        try {
            discardUntilTheEnd();
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /**
     * Reads what the server sends, frame by frame, until its close frame, and returns that
     * frame's status code (1005 if it has none); -1 if the connection ended without one, or if
     * {@code quiet} passed with nothing more arriving.
     */
    public int readsToTheCloseCode(Duration quiet) throws IOException {
        socket.setSoTimeout(Math.toIntExact(quiet.toMillis()));
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        try {
            while (true) {
                FrameHeader frame = FrameHeader.read(in);
                if (frame.opcode() == 0x8) {
                    return frame.size() >= 2 ? in.readUnsignedShort() : 1005;
                }
                in.skipNBytes(frame.size());
            }
        } catch (EOFException | SocketException | SocketTimeoutException noCloseFrame) {
            return -1;
        }
    }

    /**
     * Reads and throws away whatever the server sends, on a thread of its own, until the socket
     * closes: a client that keeps up with the server but answers nothing, not even a close.
     * The thread ends when {@link #close()} closes the socket, if not before, and close() waits for it.
     */
    public void readAndIgnoreEverything() {
        readInTheBackground(this::discardUntilTheEnd);
    }

    /**
     * Reads what the server sends, frame by frame, on a thread of its own, as
     * {@link #readAndIgnoreEverything} does, and keeps the text of every text frame for
     * {@link #hasReceivedText}: a client that keeps up, for a test that must know when the
     * server has answered a given frame. Short frames only, as the server's answers are.
     */
    public void readAndKeepTexts() {
        readInTheBackground(() -> {
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            while (true) {
                FrameHeader frame = FrameHeader.read(in);
                byte[] payload = in.readNBytes(Math.toIntExact(frame.size()));
                if (frame.opcode() == 0x1) {
                    textsReceived.add(new String(payload, StandardCharsets.UTF_8));
                    textFramesReceived.incrementAndGet();
                }
            }
        });
    }

    /** How many text frames {@link #readAndKeepTexts} has read so far, repeats included. */
    public int textFramesReceived() {
        return textFramesReceived.get();
    }

    /** True once {@link #readAndKeepTexts} has read a text frame saying exactly {@code text}. */
    public boolean hasReceivedText(String text) {
        return textsReceived.contains(text);
    }

    /** The start of a frame from the server: its opcode and its payload's size. */
    private record FrameHeader(int opcode, long size) {
        static FrameHeader read(DataInputStream in) throws IOException {
            int opcode = in.readUnsignedByte() & 0x0F;
            int length = in.readUnsignedByte() & 0x7F; // a server's frames are not masked
            long size = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
            return new FrameHeader(opcode, size);
        }
    }

    /** What a reading thread does until the socket closes or the stream ends. */
    private interface ReadLoop {
        void run() throws IOException;
    }

    private void readInTheBackground(ReadLoop loop) {
        Thread started = new Thread(() -> {
            try {
                loop.run();
            } catch (IOException closed) {
                // the socket closed (ours or the server's doing), or the stream ended: nothing more to read
            }
        }, "raw-websocket-reader-" + socket.getLocalPort());
        reader = started;
        started.start();
    }

    /** Reads and throws away everything until the end of the stream; a reset or a timeout throws. */
    private void discardUntilTheEnd() throws IOException {
        byte[] buffer = new byte[8192];
        while (socket.getInputStream().read(buffer) >= 0) {
            // discard
        }
    }

    @Override
    public void close() throws IOException {
        socket.close(); // ends a blocked read at once
        Thread started = reader;
        if (started != null) {
            try {
                started.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static byte[] textFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > 125) {
            throw new IllegalArgumentException("only short frames are supported");
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) 0x81;                      // FIN + text opcode
        frame[1] = (byte) (0x80 | payload.length);   // masked + length
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    private static String randomKey() {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Reads the status line and headers, byte by byte so no frame data is consumed. */
    private static String readResponseHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
