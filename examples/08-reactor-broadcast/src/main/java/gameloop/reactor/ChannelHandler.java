package gameloop.reactor;

import java.nio.channels.SelectionKey;

/**
 * What sits on a selection key: the reactor looks it up when the selector says the key's channel
 * is ready, and calls it. One per registered channel: a listening socket, a connection attempt,
 * or a connection.
 */
interface ChannelHandler {

    /** The channel is ready for {@code key.readyOps()}. I/O errors are the handler's to handle. */
    void ready(SelectionKey key);

    /** The reactor is stopping: close the channel now and tell whoever needs to know. */
    void closeForShutdown();
}
