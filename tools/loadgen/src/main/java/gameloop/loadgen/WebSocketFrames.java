package gameloop.loadgen;

import java.net.ProtocolException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** The few pieces of RFC 6455 that {@link NioConnection} needs, as plain functions. */
final class WebSocketFrames {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** RFC 6455, 1.3: the server proves it read our key by hashing it with this. */
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WebSocketFrames() {
    }

    /** Sixteen random bytes, Base64: the {@code Sec-WebSocket-Key} of one upgrade. */
    static String newHandshakeKey() {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** The HTTP request that asks for the upgrade. No Origin: the examples accept that, as from any non-browser. */
    static ByteBuffer upgradeRequest(URI url, String handshakeKey) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        String host = url.getPort() == -1 ? url.getHost() : url.getHost() + ":" + url.getPort();
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + handshakeKey + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "\r\n";
        return ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Where the response head ends (just past its blank line), or -1 if it has not all arrived. */
    static int endOfHead(ByteBuffer buffer) {
        for (int i = buffer.position(); i + 3 < buffer.limit(); i++) {
            if (buffer.get(i) == '\r' && buffer.get(i + 1) == '\n' && buffer.get(i + 2) == '\r' && buffer.get(i + 3) == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    /**
     * Checks that the response head accepts the upgrade we asked for (RFC 6455, 4.1): status 101,
     * {@code Upgrade: websocket}, {@code Connection: Upgrade}, the accept key made from ours, and
     * no extension or subprotocol, since we asked for none. Says what is wrong otherwise.
     */
    static void checkUpgradeResponse(String head, String handshakeKey) throws ProtocolException {
        String[] lines = head.split("\r\n");
        if (!lines[0].matches("HTTP/1\\.1 101( .*)?")) {
            throw new ProtocolException("the server refused the upgrade: " + lines[0]);
        }
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
        }
        if (!"websocket".equalsIgnoreCase(headers.get("upgrade"))) {
            throw new ProtocolException("the 101 response does not upgrade to websocket: Upgrade: " + headers.get("upgrade"));
        }
        if (!hasToken(headers.get("connection"), "upgrade")) {
            throw new ProtocolException("the 101 response lacks Connection: Upgrade: " + headers.get("connection"));
        }
        String accept = headers.get("sec-websocket-accept");
        if (accept == null) {
            throw new ProtocolException("no Sec-WebSocket-Accept in the server's response");
        }
        if (!accept.equals(acceptFor(handshakeKey))) {
            throw new ProtocolException("wrong Sec-WebSocket-Accept: " + accept);
        }
        for (String unasked : new String[] {"sec-websocket-extensions", "sec-websocket-protocol"}) {
            if (headers.containsKey(unasked)) {
                throw new ProtocolException("the server chose " + unasked + ": " + headers.get(unasked) + ", which we did not offer");
            }
        }
    }

    private static boolean hasToken(String headerValue, String token) {
        if (headerValue == null) {
            return false;
        }
        for (String part : headerValue.split(",")) {
            if (part.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    static String acceptFor(String handshakeKey) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((handshakeKey + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }

    /** A whole frame from client to server: final, and masked, as RFC 6455 requires of a client. */
    static ByteBuffer clientFrame(int opcode, byte[] payload) {
        int length = payload.length;
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("this client sends at most 65535 bytes per frame, not " + length);
        }
        ByteBuffer frame = ByteBuffer.allocate((length < 126 ? 2 : 4) + 4 + length);
        frame.put((byte) (0x80 | opcode));
        if (length < 126) {
            frame.put((byte) (0x80 | length));
        } else {
            frame.put((byte) (0x80 | 126));
            frame.putShort((short) length);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.put(mask);
        for (int i = 0; i < length; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        return frame.flip();
    }

    /** A close frame's payload as people read it: "1001 server shutting down", or "no status code". */
    static String describeClose(byte[] payload) {
        if (payload.length < 2) {
            return "no status code";
        }
        int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        String reason = new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        return reason.isEmpty() ? String.valueOf(code) : code + " " + reason;
    }

    /** A close frame's payload: the status code, then the reason in UTF-8. */
    static byte[] closePayload(int statusCode, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + text.length).putShort((short) statusCode).put(text).array();
    }
}
