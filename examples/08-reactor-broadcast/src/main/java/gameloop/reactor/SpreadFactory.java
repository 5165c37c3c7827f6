package gameloop.reactor;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Builds one {@link Spreader} per connection and keeps what they all share: who is online, and
 * how many connections were ever made. That count numbers each connection, once and for good,
 * which gives the log a stable id per client (the tutorial logged a {@code connect_id} it never set).
 *
 * <p>The tutorial kept its client list in a module global; here the factory owns it. No lock guards
 * it because only the reactor thread ever touches it: that is the reactor's bargain.
 */
final class SpreadFactory implements ServerFactory {

    private final Log log;
    private final int maxLineBytes;
    private final RelayLog relayLog;
    private final Set<Spreader> online = new LinkedHashSet<>(); // in joining order; removing one is cheap
    private int connectionsMade;

    SpreadFactory(Log log, int maxLineBytes, RelayLog relayLog) {
        this.log = log;
        this.maxLineBytes = maxLineBytes;
        this.relayLog = relayLog;
    }

    @Override
    public Protocol buildProtocol(InetSocketAddress peer) {
        connectionsMade++;
        return new Spreader(this, connectionsMade, log, relayLog, maxLineBytes);
    }

    void joined(Spreader spreader) {
        online.add(spreader);
    }

    /** Removes this one client; the tutorial called {@code clients.remove()} with no argument, which fails. */
    void left(Spreader spreader) {
        online.remove(spreader);
    }

    int onlineCount() {
        return online.size();
    }

    /**
     * Sends {@code line}, as it came, and a "\n" to every client but {@code sender}, and says how
     * many. Safe to loop over {@code online} while writing: a write that drops a slow reader only
     * schedules the close, so no one leaves the set until this loop is over.
     */
    int relay(Spreader sender, byte[] line) {
        byte[] bytes = Arrays.copyOf(line, line.length + 1); // one array, shared by every write
        bytes[line.length] = '\n';
        int receivers = 0;
        for (Spreader client : online) {
            if (client != sender) {
                client.send(bytes);
                receivers++;
            }
        }
        return receivers;
    }
}
