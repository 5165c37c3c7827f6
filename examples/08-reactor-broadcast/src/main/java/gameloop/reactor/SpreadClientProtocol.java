package gameloop.reactor;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The client's side of one connection (the tutorial's {@code Echo}): prints what arrives, sends what
 * is typed, and, when asked, says hello on a timer.
 *
 * <p>The tutorial scheduled its hello from dataReceived, so every message received added one more
 * timer, and hellos multiplied. Here one timer starts with the connection, re-arms itself, and is
 * cancelled when the connection is lost.
 */
final class SpreadClientProtocol extends LineReceiver {

    /** Generous: the server's lines are short, but a client should not hang up on a chatty one. */
    private static final int MAX_LINE_BYTES = 64 * 1024;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final SpreadClient client;
    private final Reactor reactor;
    private final Log log;
    private final String name;
    private final Duration helloEvery;
    private DelayedCall nextHello;

    SpreadClientProtocol(SpreadClient client, Reactor reactor, Log log, String name, Duration helloEvery) {
        super(MAX_LINE_BYTES);
        this.client = client;
        this.reactor = reactor;
        this.log = log;
        this.name = name;
        this.helloEvery = helloEvery;
    }

    private static String hello(String name, LocalDateTime now) {
        return "hello, I'm " + name + " " + TIME.format(now);
    }

    @Override
    protected void connectionMade() {
        log.info("connectionMade: connected to " + transport().getPeer() + " from " + transport().getHost());
        if (helloEvery != null) {
            nextHello = reactor.callLater(helloEvery, this::sayHello);
        }
        client.startReadingInput();
    }

    @Override
    protected void dataReceived(byte[] data) {
        // Printed per chunk on purpose: watch one chunk carry two lines, or half of one.
        log.info("dataReceived: " + data.length + " bytes");
        super.dataReceived(data);
    }

    @Override
    protected void lineReceived(String line) {
        log.info("  got message: " + line);
    }

    @Override
    protected void lineTooLong(int limit) {
        log.info("the server sent a line longer than " + limit + " bytes: hanging up");
        transport().loseConnection();
    }

    @Override
    protected void connectionLost(String reason) {
        if (nextHello != null) {
            nextHello.cancel();
        }
        log.info("connectionLost: " + reason);
    }

    private void sayHello() {
        if (!transport().isOpen()) {
            return;
        }
        sendLine(hello(name, LocalDateTime.now()));
        nextHello = reactor.callLater(helloEvery, this::sayHello);
    }

    /** A line from stdin, on the reactor thread by way of callFromThread. */
    void sendTyped(String line) {
        if (transport().isOpen()) {
            sendLine(line);
        }
    }

    void inputEnded() {
        if (!transport().isOpen()) {
            return;
        }
        try {
            // Lines received but not yet shown (one is shown per turn) would go with the connection.
            handOutWaitingLines();
        } finally { // the hang-up is what the end of input asks for, whatever a line did
            if (transport().isOpen()) {
                log.info("end of input: hanging up");
                transport().loseConnection();
            }
        }
    }
}
