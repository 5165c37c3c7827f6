package gameloop.reactor;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * A plain blocking client, as nc would be: the tests talk to the server over real sockets. Every
 * read has a timeout, so a missing line fails the test instead of hanging it.
 */
final class LineSocket implements AutoCloseable {

    private static final int READ_TIMEOUT_MILLIS = 10_000;

    private final Socket socket;
    private final BufferedReader reader;
    private final OutputStream out;

    private LineSocket(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        this.reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    static LineSocket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), READ_TIMEOUT_MILLIS);
        return new LineSocket(socket);
    }

    /** A client with a tiny receive buffer: when it stops reading, the server notices sooner. */
    static LineSocket connectWithReceiveBuffer(int port, int bytes) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(bytes); // before connect: it sets the window offered in the handshake
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), READ_TIMEOUT_MILLIS);
        return new LineSocket(socket);
    }

    /** This end's address, as the server sees it: {@code /127.0.0.1:43364}. */
    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** The next line; fails if the connection closes first, throws SocketTimeoutException after 10 s. */
    String readLine() throws IOException {
        String line = reader.readLine();
        assertNotNull(line, "the server closed the connection; a line was expected");
        return line;
    }

    /** True if the server closed the connection (cleanly or with a reset) before sending another line. */
    boolean closedByServer() throws IOException {
        try {
            return reader.readLine() == null;
        } catch (SocketException reset) {
            return true;
        }
    }

    /**
     * Reads whatever is left until the server's close (a clean end or a reset) and says how many
     * characters came: bytes, for ASCII. Throws SocketTimeoutException if no close comes.
     */
    long readToEnd() throws IOException {
        char[] chunk = new char[64 * 1024];
        long count = 0;
        try {
            for (int n; (n = reader.read(chunk)) >= 0; ) {
                count += n;
            }
        } catch (SocketException reset) {
            // a reset ends the stream too
        }
        return count;
    }

    void send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void sendLine(String line) throws IOException {
        send(line + "\n");
    }

    void sendBytes(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Half-closes: sends its end-of-stream (as {@code nc -N} does) and can still read. */
    void finishSending() throws IOException {
        socket.shutdownOutput();
    }

    /** Vanishes without a goodbye: SO_LINGER 0 makes close() send a reset, like a crashed client. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
