package gameloop.shared;

/**
 * The part of a server that each example writes: its game loop, and what it does when players
 * come and go. Everything else (Jetty, the page, the endpoint, limits) is {@link GameServer}'s.
 *
 * <p>Threads: {@link #playerJoined} and {@link #playerLeft} are called on Jetty's threads,
 * possibly on several at once, and concurrently with the game's own loop. An implementation
 * that keeps state across them must guard it; that is what the examples are about.
 */
public interface Game extends AutoCloseable {

    /** Called once, after the server accepts connections. */
    default void start() {
    }

    /** A player connected and is already in {@link Players}. */
    default void playerJoined(Player player) {
    }

    /** A player left (closed, dropped or was disconnected) and is no longer in {@link Players}. */
    default void playerLeft(Player player) {
    }

    /**
     * Stops every thread, task and process the game started, and waits for them to finish.
     * Called once, before the players are told the server is going away. Must not throw.
     */
    @Override
    void close();

    /** Builds an example's game from what the server gives it. */
    @FunctionalInterface
    interface Factory {
        Game create(GameContext context);
    }
}
