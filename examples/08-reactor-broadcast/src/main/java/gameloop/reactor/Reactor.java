package gameloop.reactor;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One thread waits on one {@link Selector} for whichever socket is ready, and runs that socket's
 * callbacks, then waits again: the reactor pattern, which Twisted is built on. On Linux the
 * Selector is epoll, as Twisted's reactor is there.
 *
 * <p>Because every callback runs on this one thread, protocols and factories share plain fields
 * with no locks, and no callback ever runs at the same time as another. The price: a callback
 * that blocks or computes for long stalls every connection. Nothing here may block except
 * {@code select()}.
 *
 * <p>Another thread talks to the reactor in one way only: {@link #callFromThread}, a task queue
 * plus {@code selector.wakeup()}. The other methods any thread may call are built on it or on
 * the same wake-up: {@link #listenTCP} and {@link #connectTCP} (their registration is handed to
 * the reactor thread), {@link #stop} (a flag and a wake-up), {@link #join}, and the read-only
 * accessors of its status. Everything else (transports, {@link #callLater}) is for the reactor
 * thread only.
 */
public final class Reactor {

    /** What one connection may have waiting to be sent before it counts as a reader that left us. */
    public static final int DEFAULT_MAX_QUEUED_BYTES = 64 * 1024;

    /** Pending connections the kernel holds for us; Java's default of 50 drops a burst of 1000. */
    private static final int ACCEPT_BACKLOG = 4096;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * The longest a timer waits: half of Long.MAX_VALUE in nanoseconds (146 years), so that any two
     * due times compare by their difference.
     */
    private static final Duration MAX_DELAY = Duration.ofNanos(Long.MAX_VALUE >> 1);

    private final Selector selector;
    private final Thread thread;
    private final Log log;
    private final int maxQueuedBytes;

    // The task queue, which other threads add to: guarded by tasksLock. A plain lock, because
    // "add unless stopped" must be one step: a task accepted here is sure to run (see shutDown).
    private final Object tasksLock = new Object();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean acceptingTasks = true;

    // Read by any thread, so volatile (or atomic); only stopRequested is written by others too.
    private volatile boolean stopRequested;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile long bytesRead; // written by the reactor thread only
    private volatile long turns; // the same

    // Reactor thread only.
    /** Set by {@link #shutDown} before it closes every channel. */
    private boolean closingEverything;
    private final DelayedCalls delayedCalls = new DelayedCalls(this::checkThread);
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(16 * 1024); // one thread, so one buffer for all reads

    public Reactor(String threadName, Log log) throws IOException {
        this(threadName, log, DEFAULT_MAX_QUEUED_BYTES);
    }

    public Reactor(String threadName, Log log, int maxQueuedBytes) throws IOException {
        this.log = log;
        this.maxQueuedBytes = maxQueuedBytes;
        this.selector = Selector.open();
        // Not a daemon: the reactor owns sockets, and the JVM must not drop them mid-write.
        this.thread = new Thread(this::run, threadName);
        this.thread.setUncaughtExceptionHandler((t, e) -> log.error("reactor thread " + t.getName() + " died", e));
    }

    public void start() {
        thread.start();
    }

    public String threadName() {
        return thread.getName();
    }

    public boolean isReactorThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs {@code task} on the reactor thread, soon; Twisted's callFromThread. The only way for
     * another thread (stdin, a shutdown hook, a test) to touch sockets or protocol state: the
     * task joins a queue, and {@code wakeup()} makes a {@code select()} that may sleep forever
     * return at once, so the loop sees the task on its next turn.
     *
     * @throws RejectedExecutionException if the reactor has stopped: the task would never run
     */
    public void callFromThread(Runnable task) {
        synchronized (tasksLock) {
            if (!acceptingTasks) {
                throw new RejectedExecutionException("reactor " + threadName() + " has stopped");
            }
            tasks.add(task);
        }
        selector.wakeup();
    }

    /**
     * Runs {@code action} on the reactor thread after {@code delay}; Twisted's callLater. Reactor
     * thread only. A negative delay counts as none; one longer than {@link #MAX_DELAY} (146 years)
     * as that: so no due time overflows, and a timer meant as "never" cannot wrap round to the
     * front of the queue and hold up every timer behind it.
     */
    public DelayedCall callLater(Duration delay, Runnable action) {
        checkThread("callLater");
        Duration clamped = delay.isNegative() ? Duration.ZERO : delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
        return delayedCalls.add(System.nanoTime() + clamped.toNanos(), action);
    }

    /**
     * Listens on {@code address} (port 0: any free port) and returns the address bound. Binding
     * happens here, on the caller's thread, so "address already in use" is thrown to the caller;
     * the registration with the selector is handed to the reactor thread, which owns the selector.
     *
     * @throws IllegalStateException if called by a callback while the reactor is closing every
     *         channel: the socket would be closed at once, and the address returned would be a lie
     */
    public InetSocketAddress listenTCP(InetSocketAddress address, ServerFactory factory) throws IOException {
        // Only the reactor thread can see closingEverything set: from any other thread, the task
        // below either runs before the shutdown's close loop (and is closed by it) or is refused.
        if (isReactorThread() && closingEverything) {
            throw new IllegalStateException("not listening on " + address + ": reactor " + threadName() + " is stopping");
        }
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(address, ACCEPT_BACKLOG);
            server.configureBlocking(false);
            InetSocketAddress bound = (InetSocketAddress) server.getLocalAddress();
            onReactorThread(() -> Listener.listen(this, server, factory));
            return bound;
        } catch (IOException | RuntimeException e) {
            closeLoggingErrors(server);
            throw e;
        }
    }

    /** Connects to {@code address}; everything after is told to {@code factory}, on the reactor thread. */
    public void connectTCP(InetSocketAddress address, ClientFactory factory) {
        onReactorThread(() -> Connector.connect(this, address, factory, CONNECT_TIMEOUT));
    }

    /** Asks the reactor to close every socket and end its thread. Any thread; returns at once. */
    public void stop() {
        stopRequested = true;
        selector.wakeup();
    }

    /** Waits for the reactor thread to end. True if it did. Not on the reactor thread: it would wait for itself. */
    public boolean join(Duration timeout) throws InterruptedException {
        if (isReactorThread()) {
            throw new IllegalStateException("the reactor thread cannot wait for itself; call stop() and return");
        }
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    public boolean isAlive() {
        return thread.isAlive();
    }

    /** Why the reactor stopped on its own, if it did: a bug or a broken selector, already logged. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /**
     * The end of a program whose work is this reactor's: waits for the reactor thread to end,
     * however long it runs, then throws what ended it, if something did, so that the process exits
     * with an error rather than 0.
     */
    public void awaitEndRethrowingFailure() throws InterruptedException {
        while (!join(Duration.ofHours(1))) {
            // the reactor runs until it is stopped or fails; the caller has nothing else to do
        }
        Optional<Throwable> failed = failure();
        if (failed.isPresent()) {
            throw new IllegalStateException("the reactor failed (logged above)", failed.get());
        }
    }

    /** Bytes read from all connections so far. */
    public long bytesRead() {
        return bytesRead;
    }

    /** How many times the loop has woken from select() so far: an idle reactor sleeps, and this stays put. */
    public long turns() {
        return turns;
    }

    // ---- The loop ------------------------------------------------------------------------------

    private void run() {
        log.info("reactor running");
        try {
            while (!stopRequested) {
                waitForEvents();
                turns++; // one writer: a volatile is enough to publish it
                if (Thread.currentThread().isInterrupted()) {
                    // select() returns at once while the interrupt flag is set, so the loop would
                    // spin; clearing the flag would hide whoever meant to stop us. Stop, and say so.
                    log.info("reactor thread interrupted: stopping (use stop() to stop a reactor)");
                    break;
                }
                runTasks();
                dispatchReadyChannels();
                runDueCalls();
            }
        } catch (Throwable e) { // a bug in the reactor itself, or a selector that broke: stop, visibly
            failure.set(e);
            log.error("reactor failed, stopping it", e);
        } finally {
            shutDown();
        }
    }

    private void waitForEvents() throws IOException {
        long waitNanos = delayedCalls.nanosUntilNext(System.nanoTime());
        if (waitNanos < 0) {
            selector.select(); // no timers: sleep until a socket is ready or wakeup()
        } else if (waitNanos == 0) {
            selector.selectNow();
        } else {
            // Rounded up: rounded down, it would wake just before the timer is due and go round
            // once more for nothing. At least 1: select(0) means no timeout at all.
            selector.select(Math.max(1, (waitNanos + 999_999) / 1_000_000));
        }
    }

    private void runTasks() {
        List<Runnable> batch;
        synchronized (tasksLock) {
            batch = new ArrayList<>(tasks); // a task that submits another runs it next turn, not now
            tasks.clear();
        }
        for (int i = 0; i < batch.size(); i++) {
            try {
                runGuarded("task from callFromThread", batch.get(i));
            } catch (Throwable fatal) {
                // An Error ends the reactor. The rest of this batch was accepted, and an accepted
                // task runs: back to the front of the queue, for the shutdown to run.
                synchronized (tasksLock) {
                    List<Runnable> rest = batch.subList(i + 1, batch.size());
                    for (int j = rest.size() - 1; j >= 0; j--) {
                        tasks.addFirst(rest.get(j));
                    }
                }
                throw fatal;
            }
        }
    }

    private void dispatchReadyChannels() {
        var ready = selector.selectedKeys().iterator();
        while (ready.hasNext()) {
            SelectionKey key = ready.next();
            ready.remove();
            if (key.isValid()) { // a handler earlier in this turn may have closed this channel
                ((ChannelHandler) key.attachment()).ready(key);
            }
        }
    }

    private void runDueCalls() {
        for (DelayedCall call : delayedCalls.takeDue(System.nanoTime())) {
            if (!call.isActive()) {
                continue; // cancelled by a call that ran before it in this same batch
            }
            call.markCalled();
            runGuarded("delayed call", call.action);
        }
    }

    /**
     * Runs code that is not the reactor's own (a task, a timer, a factory callback). If it throws
     * an exception, that is logged and the reactor goes on, as Twisted's does: one bad callback is
     * not a dead server. An {@code Error} is not caught here: it ends the reactor.
     */
    void runGuarded(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.error(what + " failed", e);
        }
    }

    /** The way out, on the reactor thread, whatever ended the loop. */
    private void shutDown() {
        List<Runnable> leftover;
        synchronized (tasksLock) {
            acceptingTasks = false;
            leftover = new ArrayList<>(tasks);
            tasks.clear();
        }
        // Tasks accepted before the door closed still run (a listenTCP registration, say), so
        // whatever they open is among the channels closed just below. Here even an Error is only
        // logged: the way out must still close every socket.
        for (Runnable task : leftover) {
            try {
                task.run();
            } catch (Throwable e) {
                log.error("task from callFromThread failed during shutdown", e);
            }
        }
        // From here on nothing new is opened: a callback below (a factory that reconnects when its
        // connection is lost, say) would otherwise register a channel after this loop's snapshot,
        // and it would stay open after the reactor had gone.
        closingEverything = true;
        if (selector.isOpen()) {
            for (SelectionKey key : new ArrayList<>(selector.keys())) {
                try {
                    ((ChannelHandler) key.attachment()).closeForShutdown();
                } catch (Throwable e) {
                    log.error("closing a channel at shutdown failed", e);
                }
            }
        }
        delayedCalls.clear();
        closeLoggingErrors(selector);
        log.info("reactor stopped");
    }

    // ---- For the handlers (same package, reactor thread) ----------------------------------------

    Log log() {
        return log;
    }

    /** True once the shutdown is closing every channel: no new connection or listener may start then. */
    boolean isClosingEverything() {
        return closingEverything;
    }

    int maxQueuedBytes() {
        return maxQueuedBytes;
    }

    ByteBuffer readBuffer() {
        return readBuffer;
    }

    void countBytesRead(int count) {
        bytesRead += count; // one writer: a volatile is enough to publish it
    }

    SelectionKey register(SelectableChannel channel, int ops, ChannelHandler handler) {
        try {
            return channel.register(selector, ops, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Wraps an open socket in a {@link Connection} and tells its protocol. {@code afterLost} runs after connectionLost. */
    void connectionEstablished(SocketChannel channel, Protocol protocol, Consumer<String> afterLost) {
        adopt(channel, protocol, afterLost).start();
    }

    /**
     * Wraps an open socket in a {@link Connection} that owns its key, not yet started: nothing has
     * told the protocol yet, so a failure here leaves only the channel to close.
     */
    Connection adopt(SocketChannel channel, Protocol protocol, Consumer<String> afterLost) {
        // An accepted channel is registered here for the first time, and so is a connection that
        // completed at once (possible on loopback). Any other connected one already has a key,
        // the Connector's: register() then returns that same key, and the Connection attached
        // below takes it over from the Connector.
        SelectionKey key = register(channel, 0, null);
        Connection connection = new Connection(this, channel, key, protocol, afterLost);
        key.attach(connection);
        return connection;
    }

    void checkThread(String method) {
        if (!isReactorThread()) {
            throw new IllegalStateException(method + " must be called on the reactor thread "
                    + threadName() + ", not on " + Thread.currentThread().getName()
                    + "; from another thread, use callFromThread");
        }
    }

    private void onReactorThread(Runnable task) {
        if (isReactorThread()) {
            task.run();
        } else {
            callFromThread(task);
        }
    }

    void closeLoggingErrors(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            log.error("closing " + closeable + " failed", e);
        }
    }
}
