package gameloop.reactor;

import java.util.Locale;

/**
 * One client of the broadcast server, the tutorial's {@code Spreader}: greets its client with its
 * number, relays each of its lines to everyone else, and hangs up when the client says
 * {@code close}. Runs on the reactor thread only, like every protocol.
 */
final class Spreader extends LineReceiver {

    static final String CLOSE_COMMAND = "close";
    private static final int MAX_LOGGED_CHARS = 60;

    private final SpreadFactory factory;
    private final int id;
    private final Log log;
    private final RelayLog relayLog;

    Spreader(SpreadFactory factory, int id, Log log, RelayLog relayLog, int maxLineBytes) {
        super(maxLineBytes);
        this.factory = factory;
        this.id = id;
        this.log = log;
        this.relayLog = relayLog;
    }

    static String greeting(int id) {
        return "welcome to the spreader, you are client #" + id;
    }

    @Override
    protected void connectionMade() {
        factory.joined(this);
        log.info("connected #" + id + " from " + transport().getPeer() + " (" + factory.onlineCount() + " online)");
        sendLine(greeting(id));
    }

    @Override
    protected void lineReceived(String line) {
        // A decoded line against a String: the tutorial compared the raw bytes of a chunk to "close",
        // which in Python 3 is never equal, and a chunk is not a line anyway.
        if (line.strip().equals(CLOSE_COMMAND)) {
            log.info("#" + id + " asked to close");
            transport().loseConnection();
            return;
        }
        long start = System.nanoTime();
        int receivers = factory.relay(this, lineBytes()); // as it came: the decoded line may differ
        long nanos = System.nanoTime() - start;
        // The reactor's whole cost of one broadcast; watch it grow with the number of clients.
        relayLog.relayed(() -> "#" + id + " says " + quote(line) + ", relayed to " + receivers + " other(s) in "
                + String.format(Locale.ROOT, "%.3f ms", nanos / 1e6));
    }

    @Override
    protected void lineTooLong(int limit) {
        log.info("#" + id + " sent a line longer than " + limit + " bytes: closing");
        super.lineTooLong(limit); // tells the client why, then closes
    }

    @Override
    protected void connectionLost(String reason) {
        factory.left(this);
        int unhandled = unhandledBytes();
        log.info("lost #" + id + ": " + reason + " (" + factory.onlineCount() + " online)"
                + (unhandled > 0 ? "; dropped " + unhandled + " unhandled bytes" : ""));
    }

    void send(byte[] encodedLine) {
        transport().write(encodedLine);
    }

    /** For the log: short, and with control characters made harmless (no escape sequences reach the console). */
    private static String quote(String line) {
        String shown = line.length() <= MAX_LOGGED_CHARS ? line : line.substring(0, MAX_LOGGED_CHARS);
        String quoted = "\"" + Log.printable(shown) + "\"";
        return line.length() <= MAX_LOGGED_CHARS ? quoted : quoted + "... (" + line.length() + " chars)";
    }
}
