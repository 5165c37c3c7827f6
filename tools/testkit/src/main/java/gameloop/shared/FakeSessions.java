package gameloop.shared;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * Players without Jetty, for unit tests of a game: each one's session is a stand-in that counts
 * what is sent to it. It lives in the shared package because joining is the endpoint's business,
 * not public API. Use it for what no real connection can be made to do on cue: a send that
 * throws an {@link Error}, a write that fails while the game is taking its player in, a second
 * send made while the first is still being written, a join held half-way.
 */
public final class FakeSessions {

    private FakeSessions() {
    }

    /** Tells {@code players} which game to report joins and leaves to, as the server does. */
    public static void attach(Players players, Game game) {
        players.attach(game);
    }

    /** Joins a player whose session counts its sends. */
    public static Player join(Players players, AtomicInteger sends) {
        FakeSession fake = new FakeSession(sends);
        return players.join(fake.session());
    }

    /**
     * Joins a player whose session counts its sends and throws {@code failure} from the first
     * one, and counts the times it is told to disconnect.
     */
    public static Player joinFailingFirstSend(Players players, AtomicInteger sends, Error failure, AtomicInteger disconnects) {
        FakeSession fake = new FakeSession(sends);
        fake.firstSendThrows = failure;
        fake.onDisconnect = disconnects::incrementAndGet;
        return players.join(fake.session());
    }

    /** Joins a player whose session reports every write failed with {@code failure}, through the callback, as Jetty does. */
    public static Player joinWhoseWritesFail(Players players, AtomicInteger sends, Throwable failure) {
        return joinWhoseWritesFailLater(players, sends, failure, () -> { });
    }

    /**
     * As {@link #joinWhoseWritesFail}, and runs {@code beforeFailing} inside each write, before
     * the failure is reported: a second send made there is in flight at the same time as the
     * first, as a tick and an echo can be on two threads.
     */
    public static Player joinWhoseWritesFailLater(Players players, AtomicInteger sends, Throwable failure, Runnable beforeFailing) {
        FakeSession fake = new FakeSession(sends);
        fake.writesFail = failure;
        fake.beforeWriteFails = beforeFailing;
        return players.join(fake.session());
    }

    /**
     * Starts a join on a thread of its own and holds it inside {@code Players}' lock, where the
     * player is being listed (in its session's {@code getRemoteSocketAddress}, which the join's log
     * line asks for), until {@code release} opens. Returns the joining thread once it is held
     * there. Every close code the session is sent goes into {@code closeCodes}.
     */
    public static Thread joinHeldWhileListed(Players players, CountDownLatch release, List<Integer> closeCodes)
            throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        FakeSession fake = new FakeSession(new AtomicInteger());
        fake.onAddressAsked = () -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        fake.onClose = closeCodes::add;
        Session session = fake.session();
        Thread joining = new Thread(() -> players.join(session), "fake-session-join");
        joining.start();
        if (!held.await(10, TimeUnit.SECONDS)) {
            joining.interrupt();
            throw new IllegalStateException("the join never asked for the address inside the lock: see Players.join");
        }
        return joining;
    }

    /** The server's goodbye: every player is sent 1001, and given up to {@code timeout} from the first to leave. */
    public static void sayGoodbye(Players players, Duration timeout) throws InterruptedException {
        players.closeAll(timeout);
    }

    /** The player leaves, as when its connection closes: the game hears of it once. */
    public static void leave(Player player) {
        player.markGone("closed by the test");
    }

    /**
     * What one fake session does: it counts its sends, and does nothing else unless an entry
     * point above sets one of the other behaviours. Set before {@link #session()} and never
     * after; the session reaches other threads through {@code Players}' lock or a thread's
     * start, which publish what was set.
     */
    private static final class FakeSession {
        private static final Runnable NOTHING = () -> { };

        final AtomicInteger sends;
        /** Thrown from the first send, as a bug would be (not reported through the callback). */
        Error firstSendThrows;
        /** Reported through each write's callback, as Jetty reports a write that failed. */
        Throwable writesFail;
        /** Run inside each write, before {@link #writesFail} is reported. */
        Runnable beforeWriteFails = NOTHING;
        Runnable onDisconnect = NOTHING;
        /** Run when the join asks for the address, which it does inside {@code Players}' lock. */
        Runnable onAddressAsked = NOTHING;
        IntConsumer onClose = code -> { };

        FakeSession(AtomicInteger sends) {
            this.sends = sends;
        }

        Session session() {
            return (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "sendText" -> {
                            if (sends.getAndIncrement() == 0 && firstSendThrows != null) {
                                throw firstSendThrows;
                            }
                            if (writesFail != null) {
                                beforeWriteFails.run();
                                ((Callback) args[1]).fail(writesFail);
                            }
                            yield null;
                        }
                        case "getRemoteSocketAddress" -> {
                            onAddressAsked.run();
                            yield new InetSocketAddress(0);
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "fake session";
                        case "disconnect" -> {
                            onDisconnect.run();
                            yield null;
                        }
                        case "close" -> {
                            onClose.accept((Integer) args[0]);
                            yield null;
                        }
                        default -> throw new UnsupportedOperationException("the fake session does not do " + method.getName()
                                + " yet: teach it in FakeSessions");
                    });
        }
    }
}
