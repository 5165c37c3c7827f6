package gameloop.loadgen;

/**
 * What a {@link LoadClient} needs from its connection, whichever WebSocket client carries it
 * ({@link NioTransport} or {@link JettyTransport}).
 */
interface Connection {

    /**
     * Sends one text message. Never blocks and never throws: the key timer calls it for every
     * client in turn, and one broken connection must not stop the others' presses.
     *
     * @param onFailure runs, on some thread, if the message could not be sent
     */
    void sendText(String text, Runnable onFailure);

    /** Starts a polite close (1000); the end is reported through {@link LoadClient#ended(String)}. */
    void close();

    boolean isOpen();
}
