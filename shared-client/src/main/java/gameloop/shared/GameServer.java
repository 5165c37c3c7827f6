package gameloop.shared;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty wiring examples 01 to 06 share, so that an example's own code holds only the
 * concurrency it teaches. It plays the part of the article's {@code web.Application} and
 * {@code web.run_app}:
 * <ul>
 *   <li>{@code GET /} serves the shared page, {@code GET /info} says which example this is;</li>
 *   <li>{@code /connect} upgrades to a WebSocket handled by {@link PlayerEndpoint};</li>
 *   <li>limits protect the server from one bad or slow client;</li>
 *   <li>{@link #close()} stops everything in order, and is what Ctrl+C runs.</li>
 * </ul>
 * The handlers for the first two, and the WebSocket limits, are built in {@link Routes}; this
 * class holds the connector, the thread pool and the life cycle.
 * A {@code GameServer} exists only started: {@link #start} returns it running, and
 * {@link #close()} is safe to call from any thread, any number of times.
 */
public final class GameServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GameServer.class);

    /** Key codes are a few bytes; anything larger is refused with close code 1009. */
    public static final int MAX_MESSAGE_BYTES = 1024;
    /**
     * Frames Jetty may queue for one client before a send fails (by default it queues without
     * limit, on our heap). It counts frames, whatever their size: generous for a client that is
     * merely slow for a moment; small enough that a client that never reads costs our heap 256
     * queued messages (tens of kilobytes of ticks, with Jetty's per-frame objects) before it is
     * cut off. Jetty queues only once the socket's kernel send buffer is full: see
     * {@link #SEND_BUFFER_BYTES}.
     */
    public static final int MAX_QUEUED_FRAMES = 256;
    /**
     * The kernel's send buffer for each connection, asked for at accept. Jetty queues a frame,
     * and so counts it towards {@link #MAX_QUEUED_FRAMES}, only once this buffer is full, and
     * left to itself Linux grows it up to 4 MiB (on loopback at once): there a client that never
     * read was cut off only after some 140,000 ticks, days at the examples' 1 or 2 s. At this
     * size it is cut off after some 4,700, with at most 128 KiB of kernel memory held (Linux
     * doubles the value asked for).
     * Not smaller: it is also the room a client that reads has for a burst of answers (at 16 KiB
     * {@code SelectorReadsTest}'s flooder was cut off two runs in three). The figures are in the
     * shared README's limits table and in chapter 01.
     *
     * <p>It also keeps the cut-off from depending on TCP. A client that floods key presses and
     * never reads its echoes was seen (Linux 6.18, under load) to stall for good: its kernel,
     * whose receive window was shut, dropped as "beyond the window" every segment the server
     * sent, the acknowledgements that would have let the flood go on among them. The server read
     * nothing more, so it queued nothing, and only ticks could still fill the buffer: in some
     * 90 s at this size and a 20 ms tick, in some 45 minutes at 4 MiB.
     */
    public static final int SEND_BUFFER_BYTES = 64 * 1024;
    /** Connections the kernel may hold for the acceptor; Linux caps it at {@code net.core.somaxconn}. */
    static final int ACCEPT_QUEUE = 1024;
    /**
     * How long stopping waits for the 1001 close frames to go out, from the first one sent (a
     * little longer if sending them all took longer: {@link Players#closeAll}). For 1001, which
     * Jetty counts as an abnormal close, it closes the connection once the frame is written,
     * without waiting for the client's reply; so only a client whose socket is full, because it
     * does not read, can hold this up.
     */
    static final Duration CLOSE_HANDSHAKE_TIMEOUT = Duration.ofSeconds(1);
    /**
     * How long Jetty's stop, after the goodbye, lets its connections finish before it closes
     * what is left: a handshake under way completes (a newcomer's 1001 is written), an idle
     * connection is closed after {@link #STOP_IDLE_TIMEOUT}. With the goodbye's second, a stop
     * stays within the two seconds the chapters promise.
     */
    static final Duration JETTY_STOP_GRACE = Duration.ofMillis(500);
    /** How long a connection may sit idle once Jetty is stopping (see {@link #JETTY_STOP_GRACE}). */
    static final Duration STOP_IDLE_TIMEOUT = Duration.ofMillis(100);
    /** How long a Ctrl+C that comes during the start waits for it to end before stopping anyway. */
    static final Duration START_WAIT = Duration.ofSeconds(10);

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Server server;
    private final ServerConnector connector;
    private final Players players;
    private final Game game;
    private final String threadNamePrefix;
    /** What the names of Jetty's threads for this server begin with: its pool's and its timer's. */
    private final String jettyThreadNames;
    private final GameContext gameContext;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Set when the start fails, before the stop it makes; only for the stop's last log line. */
    private volatile boolean startFailed;
    private final CountDownLatch closed = new CountDownLatch(1);
    /** The thread running {@link #stop}, once it runs: a close() it makes itself must not wait for it. */
    private volatile Thread stopper;

    private GameServer(ServerSettings settings, Game.Factory factory) {
        threadNamePrefix = "gs" + INSTANCES.incrementAndGet() + "-";
        jettyThreadNames = threadNamePrefix + "jetty";
        // Jetty's timer thread gets the prefix too, so "no thread left" can be checked by name.
        server = new Server(threadPool(jettyThreadNames),
                new ScheduledExecutorScheduler(jettyThreadNames + "-scheduler", false), null);
        // Jetty's own stop first stops accepting, then lets its connections finish (up to this
        // long) before it closes what is left. Without it (the default, 0) a player arriving at
        // that moment is turned away with our 1001, but the connection is closed before the
        // frame is written (chapter 01, "Stopping").
        server.setStopTimeout(JETTY_STOP_GRACE.toMillis());
        connector = connector(server, settings);
        server.addConnector(connector);

        players = new Players();
        gameContext = new GameContext(players, settings.tickPeriod(), threadNamePrefix);
        game = factory.create(gameContext);
        players.attach(game);

        server.setHandler(Routes.of(server, settings, players, game));
    }

    /** Jetty's pool of threads, named, and quick to shrink back after a burst. */
    private static QueuedThreadPool threadPool(String name) {
        QueuedThreadPool pool = new QueuedThreadPool();
        pool.setName(name);
        // A burst (thousands of idle connections timing out together, say) can grow the pool to its
        // 200 threads. Jetty then retires one idle thread a minute by default: hours to shrink back.
        // Here they may all go at once, within two minutes of going idle (the shared README, Limits).
        pool.setMaxEvictCount(pool.getMaxThreads());
        return pool;
    }

    /** Where players connect, with the limits the shared README's table lists. */
    private static ServerConnector connector(Server server, ServerSettings settings) {
        // Jetty's connector, but key presses are read and answered on the selector's thread (its javadoc says why).
        ServerConnector connector = new SelectorReadsConnector(server);
        // A learner's server tells no one which Jetty it runs (a version invites version-specific attacks).
        connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration().setSendServerVersion(false);
        // Connections not yet accepted wait in the kernel's queue; Java's default of 50 can overflow
        // when many players connect at once (seen with thousands), and a dropped handshake is
        // retried only after 1 s, then 2, 4 and so on.
        connector.setAcceptQueueSize(ACCEPT_QUEUE);
        // So that a client that never reads reaches MAX_QUEUED_FRAMES within hours, not days (its javadoc).
        connector.setAcceptedSendBufferSize(SEND_BUFFER_BYTES);
        // While Jetty stops, a connection with nothing to do (a page's kept-alive connection, a
        // request half sent) is closed after this long idle, not after the usual 30 s: otherwise
        // every such connection would hold the stop for all of JETTY_STOP_GRACE.
        connector.setShutdownIdleTimeout(STOP_IDLE_TIMEOUT.toMillis());
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        return connector;
    }

    /**
     * Starts Jetty, then the game. If either fails, whatever did start is stopped again, so a
     * failed start (a port in use, say) leaves no thread behind.
     */
    public static GameServer start(ServerSettings settings, Game.Factory factory) throws Exception {
        GameServer gameServer = new GameServer(settings, factory);
        gameServer.startOrStopAgain(settings);
        return gameServer;
    }

    /**
     * What an example's {@code main} calls: start, stop cleanly on Ctrl+C or SIGTERM, and block
     * until stopped. Also works when started from an IDE.
     *
     * <p>The shutdown hook is in place before anything starts. Registered after the start, it
     * would miss a Ctrl+C that comes while Jetty binds or the game starts its threads (or its
     * worker process): the JVM would exit with no goodbye to anyone and no "Stopped.". It waits
     * for the start to end (up to {@link #START_WAIT}), so that the stop finds all that started.
     *
     * <p>A start that fails has stopped what did start, and takes its hook away again. A port
     * already in use, the usual first-run mistake, fails with {@link CannotListen}: one line that
     * says what to do, where Jetty's exception would bury it under fifty lines of stack trace.
     */
    public static void runUntilShutdown(ServerSettings settings, Game.Factory factory) throws Exception {
        GameServer gameServer = new GameServer(settings, factory);
        CountDownLatch startEnded = new CountDownLatch(1);
        Thread hook = stoppingThread(() -> {
            gameServer.awaitStartEnded(startEnded);
            gameServer.close();
        }, gameServer.threadNamePrefix + "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            gameServer.startOrStopAgain(settings);
        } catch (Exception e) {
            takeAway(hook);
            throw CannotListen.whenItIs(settings, e);
        } catch (Error e) {
            takeAway(hook);
            throw e;
        } finally {
            startEnded.countDown();
        }
        gameServer.awaitClosed();
    }

    private static void takeAway(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // A signal came during the start: the hook is running, and will find the server closed.
        }
    }

    /** Starts Jetty, then the game; if either fails, stops what did start and throws. */
    private void startOrStopAgain(ServerSettings settings) throws Exception {
        try {
            server.start();
            game.start();
        } catch (Exception | Error e) {
            startFailed = true;
            close();
            throw e;
        }
        if (closing.get()) {
            return; // a Ctrl+C came during the start, and the hook, tired of waiting, stopped it all
        }
        // The pid is for the docs' commands (kill, jcmd, top): under mvn exec:java the server is
        // Maven's own JVM, which jps names only as Maven's launcher.
        LOG.info("{} is running at {}{} (tick every {} ms, pid {}). Open it in a browser; stop with Ctrl+C.",
                settings.example(), pageUri(),
                isWildcard(settings.host()) ? " and at this machine's other addresses" : "",
                settings.tickPeriod().toMillis(), ProcessHandle.current().pid());
    }

    /** On the shutdown hook: a stop that came during the start waits for it, but not for ever. */
    private void awaitStartEnded(CountDownLatch startEnded) {
        try {
            if (!startEnded.await(START_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("The start has not ended after {} s; stopping anyway", START_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() puts it aside and restores it
        }
    }

    /** The players, for tests and exercises; the examples reach them through their {@link GameContext}. */
    public Players players() {
        return players;
    }

    /** The port actually bound (the one the OS chose, when asked for port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public URI pageUri() {
        return URI.create("http://" + hostForUri() + ":" + port() + "/");
    }

    public URI webSocketUri() {
        return URI.create("ws://" + hostForUri() + ":" + port() + "/connect");
    }

    /** Every thread this server and its game start has a name beginning with this. */
    public String threadNamePrefix() {
        return threadNamePrefix;
    }

    /**
     * The selectors that read the connections (for tests). Jetty's default count: one per two
     * cores, at most one per 16 pool threads, at least one.
     */
    SelectorManager selectors() {
        return connector.getSelectorManager();
    }

    private String hostForUri() {
        String host = connector.getHost();
        if (isWildcard(host)) {
            // Listening on every interface, loopback included. A browser will not open 0.0.0.0
            // (recent ones refuse it), so print a loopback address of the same family.
            return host.contains(":") ? "[::1]" : "127.0.0.1";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** -Dhost=0.0.0.0 or :: (every interface). Literals only: a host name is never looked up here. */
    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.replace("[", "").replace("]", "").matches("(0*:)+0*");
    }

    /**
     * Stops in the order that loses nothing and leaks nothing:
     * <ol>
     *   <li>new players are refused (1001), so none comes in while the game stops (one let in just
     *       before may still reach the game's {@code playerJoined} then: a game that starts something
     *       there keeps a closed guard, as 02 and 03 do);</li>
     *   <li>the game, and its threads are awaited, so no tick is sent into a closing connection;</li>
     *   <li>every player gets a 1001 (going away) close frame;</li>
     *   <li>Jetty: it stops accepting, lets the handshakes under way finish (a newcomer among them
     *       is turned away with 1001, and that frame is written), then closes its connectors and
     *       its thread pool.</li>
     * </ol>
     * Safe from any thread, any number of times: later callers wait for the first to finish, and
     * an interrupted caller still gets the whole stop ({@link #stop} says why). A caller the stop
     * itself waits for is not made to wait, or the two would wait for each other:
     * <ul>
     *   <li>on one of the game's own threads (a tick that ends the game), or one of Jetty's (a
     *       game that ends the server when its last player leaves, or on a key), the stop starts
     *       on a thread of its own and close() returns at once (if no thread can be started, the
     *       stop runs there instead, and waits for that very thread: the game's stop timeout, or
     *       Jetty's, or for good on a selector thread);</li>
     *   <li>on the stopping thread, a second close() returns at once.</li>
     * </ul>
     * Code there must not take the server for stopped when close() returns. The methods and the
     * comment in close() say why each case happens.
     */
    @Override
    public void close() {
        boolean first = closing.compareAndSet(false, true);
        if (stopWouldWaitForThisThread()) {
            if (first) {
                stopOnAThreadOfItsOwn();
            } // else the stop is under way, on a thread of its own or on the thread that asked first
            return;
        }
        if (first) {
            stop();
        } else if (Thread.currentThread() != stopper) {
            // The stopping thread itself must not wait for its own stop: during the goodbye, a
            // player whose close frame is written at once leaves on that thread, and a game may
            // then close the server from its playerLeft.
            awaitClosedUninterruptibly();
        }
    }

    /**
     * Whether the stop waits for the calling thread, so that, run here, it would wait for itself.
     * A thread {@link GameContext#threads} made (a tick that ends the game, say): stopping the
     * game waits for it, 5 s for nothing, an error in the log, and the tick running on after
     * close() returned. One of Jetty's threads (a game that ends the server when its last player
     * leaves, or on a key; the stop's own goodbyes make players leave, and a game may close the
     * server from its playerLeft): stopping Jetty waits for each selector to close its
     * connections on the selector's own thread, the one a key press or a player's close is read
     * on ({@link SelectorReadsConnector}), so there it would wait for good, and on a pool thread
     * until Jetty gives up on that thread, 5 s later. (A thread from an executor the game made
     * itself is not recognised, and its close() waits out the game's stop timeout.)
     */
    private boolean stopWouldWaitForThisThread() {
        return gameContext.isGameThread() || onJettysThread();
    }

    /**
     * Runs the stop on a thread of its own, and this thread goes back to its work. The stop
     * interrupts a game thread, so an awaitClosed() there ends early: a game thread should simply
     * return.
     */
    private void stopOnAThreadOfItsOwn() {
        try {
            stoppingThread(this::stop, threadNamePrefix + "closer").start();
        } catch (OutOfMemoryError noNativeThread) {
            // Without the stop, `closing` stays set and every later close(), Ctrl+C's too, waits
            // for good. So it runs here, and waits for this very thread (stopWouldWaitForThisThread).
            LOG.error("No thread for the stop; it runs on this thread instead", noNativeThread);
            stop();
        }
    }

    /**
     * One of Jetty's threads for this server: its selectors, its pool, its timer (the timer, for
     * an idle player's leave; the stop does not wait for it, and a close() there that hands the
     * stop on does no harm).
     */
    private boolean onJettysThread() {
        return Thread.currentThread().getName().startsWith(jettyThreadNames);
    }

    /**
     * The stop itself, run once, by the first {@link #close()}, in the four steps that method lists.
     * The caller's interrupt is put aside while it runs: each step waits (for the game's threads,
     * the goodbyes, Jetty's threads), and a set flag would cut every wait short. So the flag is
     * cleared before each wait, and whether it was ever set is handed back at the end.
     */
    private void stop() {
        stopper = Thread.currentThread();
        boolean interrupted = Thread.interrupted();
        try {
            players.refuseNewPlayers();
            stopTheGame();
            interrupted |= Thread.interrupted();
            sayGoodbye();
        } finally {
            // Even after an Error above: Jetty stops, whoever waits in awaitClosed() is let go,
            // and the caller gets its interrupt back.
            interrupted |= Thread.interrupted();
            try {
                stopJetty();
            } finally {
                interrupted |= Thread.interrupted();
                closed.countDown();
                LOG.info(startFailed ? "The start failed; stopped what had started." : "Stopped.");
                if (interrupted) {
                    Thread.currentThread().interrupt(); // the caller's, handed back
                }
            }
        }
    }

    /** The game and its threads; a game that fails to stop is logged, and the server stops anyway. */
    private void stopTheGame() {
        try {
            game.close();
        } catch (Throwable e) { // anything, as for the game's other hooks (Players.join says why)
            LOG.error("Stopping the game failed; stopping the server anyway", e);
        }
    }

    /** A 1001 close frame to every player, waiting a little for them to go out. */
    private void sayGoodbye() {
        try {
            players.closeAll(CLOSE_HANDSHAKE_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the goodbyes are sent; only the wait for them was cut short
        } catch (RuntimeException e) {
            LOG.error("Closing the players' connections failed; stopping the server anyway", e);
        }
    }

    /** Jetty's connectors, then its thread pool. */
    private void stopJetty() {
        try {
            server.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while Jetty was stopping; some of its threads may still be finishing");
        } catch (TimeoutException e) {
            // Jetty stopped all the same, and closed them: a client busy with something slow.
            LOG.warn("Some connections were still busy {} ms into Jetty's stop; they were closed", JETTY_STOP_GRACE.toMillis());
        } catch (Exception e) {
            LOG.error("Stopping Jetty failed", e);
        }
    }

    /**
     * A thread that runs a stop: the closer, or the shutdown hook. What it throws is logged, as a
     * game thread's is.
     */
    private static Thread stoppingThread(Runnable stop, String name) {
        Thread thread = new Thread(stop, name);
        thread.setUncaughtExceptionHandler(GameContext.LOG_UNCAUGHT);
        return thread;
    }

    /**
     * Blocks until {@link #close()} has finished (in any thread). On one of the game's own
     * threads it ends with an {@code InterruptedException} when the stop interrupts that thread.
     * Not on one of Jetty's threads: the stop waits for those to end, so it would hold the stop up.
     */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    private void awaitClosedUninterruptibly() {
        boolean interrupted = false;
        while (true) {
            try {
                closed.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
