package gameloop.reactor;

/**
 * Whatever feeds a transport its writes, and can be told to wait: Twisted's IPushProducer. The
 * transport calls its methods on the reactor thread: pause when its write queue passes half its
 * limit, resume once the queue has drained, and stop when the connection has ended. A producer
 * that honours them is never dropped as a slow reader of its own making, and never left waiting
 * for a resume that cannot come.
 */
public interface Producer {

    /** Stop writing to the transport for now. */
    void pauseProducing();

    /** The transport has caught up: write again. */
    void resumeProducing();

    /** The connection has ended, paused or not: nothing more will be taken. Called once. */
    void stopProducing();
}
