package gameloop.events;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One handler, no server: the tests drive the tick signal and the key presses themselves, so
 * they can hold a handler in the middle of a step and make an event arrive exactly then.
 */
class PlayerHandlerTest {

    private static final Runnable NOTHING = () -> { };

    private final TickSignal ticks = new TickSignal();
    private final List<String> sent = new CopyOnWriteArrayList<>();

    @Test
    void aKeyAndATickAreEachAnsweredWhicheverComesFirst() {
        PlayerHandler handler = new PlayerHandler("player", sent::add, NOTHING, ticks);
        handler.start();

        handler.keyPressed(65);
        ticks.announce(1);
        handler.keyPressed(66);
        ticks.announce(2);

        assertEquals(List.of("Pressed key code: 65", "game loop says: tick 1",
                "Pressed key code: 66", "game loop says: tick 2"), sent);
    }

    @Test
    void aNewcomerWaitsForTheNextTickNotAnOldOne() {
        ticks.announce(1);
        ticks.announce(2);
        PlayerHandler handler = new PlayerHandler("newcomer", sent::add, NOTHING, ticks);
        handler.start();

        assertTrue(sent.isEmpty(), "got an old tick: " + sent);
        ticks.announce(3);
        assertEquals(List.of("game loop says: tick 3"), sent);
    }

    /**
     * The race {@link TickSignal#after} exists for. The handler is held inside its step for tick 1
     * (its send blocks) while tick 2 is announced: at that moment nobody waits for tick 2. When
     * the handler goes on and asks for "the tick after 1", it must get tick 2 at once, not wait
     * for tick 3.
     */
    @Test
    void aTickAnnouncedWhileTheHandlerIsBusyIsNotLost() throws Exception {
        HeldInTickOne held = new HeldInTickOne();

        ticks.announce(2); // the handler is still busy with tick 1, on the other thread
        held.releaseAndWait();

        assertEquals(List.of("game loop says: tick 1", "game loop says: tick 2"), sent);
    }

    /**
     * The signal's newest tick changes in the same step as its "next tick" future, before any
     * waiter runs. A tick's fan-out takes time (every waiting player's step runs inside it, one
     * after the other), and a handler that finishes the tick before, on a Jetty thread, meanwhile
     * must be given this tick, not the future of the one after. Here player b's step holds tick
     * 2's fan-out on the loop thread while player a, held on a Jetty thread in a step that took a
     * key and then finds tick 1, goes on and asks for the tick after 1.
     */
    @Test
    void aTickWhoseFanOutIsUnderWayIsNotLostToAHandlerOnAnotherThread() throws Exception {
        CountDownLatch aInKeyStep = new CountDownLatch(1);
        CountDownLatch releaseA = new CountDownLatch(1);
        CountDownLatch bInTickTwo = new CountDownLatch(1);
        CountDownLatch releaseB = new CountDownLatch(1);
        PlayerHandler a = new PlayerHandler("a", text -> {
            if (text.equals("Pressed key code: 65")) {
                aInKeyStep.countDown();
                await(releaseA);
            }
            sent.add(text);
        }, NOTHING, ticks);
        PlayerHandler b = new PlayerHandler("b", text -> {
            if (text.equals("game loop says: tick 2")) {
                bInTickTwo.countDown();
                await(releaseB);
            }
        }, NOTHING, ticks);
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-loop")); // one announcer, as the game's
        try {
            a.start();
            b.start();
            Thread jetty = new Thread(() -> a.keyPressed(65), "test-jetty");
            jetty.start();
            assertTrue(aInKeyStep.await(5, TimeUnit.SECONDS), "a's step never took the key");

            loop.submit(() -> ticks.announce(1)).get(5, TimeUnit.SECONDS); // a's step, on test-jetty, will find it done
            Future<?> two = loop.submit(() -> ticks.announce(2));
            assertTrue(bInTickTwo.await(5, TimeUnit.SECONDS), "b never got tick 2");
            releaseA.countDown(); // a sends tick 1, then asks for the tick after 1 while tick 2's fan-out is under way
            jetty.join(5_000);
            releaseB.countDown();
            two.get(5, TimeUnit.SECONDS);
            loop.submit(() -> ticks.announce(3)).get(5, TimeUnit.SECONDS);

            assertEquals(List.of("Pressed key code: 65", "game loop says: tick 1", "game loop says: tick 2",
                    "game loop says: tick 3"), sent);
        } finally {
            releaseA.countDown();
            releaseB.countDown();
            loop.shutdownNow();
        }
    }

    /**
     * A key that came before a tick is answered before it, even when the handler, busy on another
     * thread, finds both ready in one step ("a key first, like the article").
     */
    @Test
    void aKeyThatCameBeforeATickIsAnsweredBeforeIt() throws Exception {
        HeldInTickOne held = new HeldInTickOne();

        held.handler.keyPressed(65); // while the handler is still sending tick 1
        ticks.announce(2);
        held.releaseAndWait();

        assertEquals(List.of("game loop says: tick 1", "Pressed key code: 65", "game loop says: tick 2"), sent);
    }

    /** A handler that fell several ticks behind catches up one tick at a time: it skips none. */
    @Test
    void aHandlerThatFellBehindCatchesUpOneTickAtATime() throws Exception {
        HeldInTickOne held = new HeldInTickOne();

        ticks.announce(2);
        ticks.announce(3);
        ticks.announce(4);
        held.releaseAndWait();

        assertEquals(List.of("game loop says: tick 1", "game loop says: tick 2", "game loop says: tick 3",
                "game loop says: tick 4"), sent);
    }

    /**
     * Keys that arrive while the handler is busy wait in its inbox. A step answers at most
     * {@link PlayerHandler#KEYS_PER_STEP} of them, so a flooding player cannot keep the loop
     * thread (where the step runs here) from every other player's tick; the rest are answered
     * at the next ticks, all of them, in order.
     */
    @Test
    void queuedKeysAreAnsweredInOrderABudgetPerStep() throws Exception {
        HeldInTickOne held = new HeldInTickOne();

        // The first key completes the receive the handler already waits on; the next CAPACITY
        // keys queue behind it, and the last one is one too many.
        int offered = KeyInbox.CAPACITY + 2;
        IntStream.rangeClosed(1, offered).forEach(held.handler::keyPressed);
        held.releaseAndWait();

        List<String> afterTickOne = List.copyOf(sent);
        assertEquals("Too many keys at once, dropped key code: " + offered, afterTickOne.get(0),
                "answered at once, in the words chapter 04 quotes");
        assertEquals("game loop says: tick 1", afterTickOne.get(1));
        assertEquals(2 + PlayerHandler.KEYS_PER_STEP, afterTickOne.size(), "the step on the loop thread kept to its budget");

        for (long tick = 2; !sent.contains("Pressed key code: " + (offered - 1)) && tick < 100; tick++) {
            ticks.announce(tick);
        }
        List<String> expected = IntStream.range(1, offered).mapToObj(k -> "Pressed key code: " + k).toList();
        assertEquals(expected, sent.stream().filter(m -> m.startsWith("Pressed")).toList());
    }

    /**
     * The budget holds on a Jetty thread too, when the loop announces ticks in the middle of that
     * step: once the step has answered its 64 keys, a tick that is ready goes out alone, and the
     * keys still queued wait for the next step. (Here tick 1 comes as the last key of the budget
     * goes out, and tick 2 as tick 1 does: the step then finds tick 2 ready, with a key ready too.)
     */
    @Test
    void aTickReadyWhenAStepHasSpentItsBudgetTakesNoKeyWithIt() {
        AtomicBoolean flooded = new AtomicBoolean();
        List<PlayerHandler> handlers = new CopyOnWriteArrayList<>();
        PlayerHandler handler = new PlayerHandler("flooding", text -> {
            sent.add(text);
            if (flooded.compareAndSet(false, true)) {
                // Keys pour in while the first is answered: they queue for this same step.
                IntStream.rangeClosed(2, 100).forEach(handlers.get(0)::keyPressed);
            }
            // The loop thread, announcing two ticks back to back as the budget is spent.
            if (text.equals("Pressed key code: " + PlayerHandler.KEYS_PER_STEP)) {
                ticks.announce(1);
            } else if (text.equals("game loop says: tick 1")) {
                ticks.announce(2);
            }
        }, NOTHING, ticks);
        handlers.add(handler);
        handler.start();

        handler.keyPressed(1); // the step runs here, on the caller's thread, as on a Jetty thread

        List<String> expected = new ArrayList<>(IntStream.rangeClosed(1, PlayerHandler.KEYS_PER_STEP)
                .mapToObj(k -> "Pressed key code: " + k).toList());
        expected.add("game loop says: tick 1");
        expected.add("game loop says: tick 2");
        assertEquals(expected, sent);
    }

    /**
     * While a handler waits, {@code anyOf} attaches a callback to its pending key future at every
     * tick. Those of ticks already handled must not pile up on a player who never presses a key.
     */
    @Test
    void waitingThroughManyTicksLeavesNothingBehind() {
        PlayerHandler handler = new PlayerHandler("idle", sent::add, NOTHING, ticks);
        handler.start();

        for (long tick = 1; tick <= 10_000; tick++) {
            ticks.announce(tick);
        }

        assertEquals(10_000, sent.size());
        assertEquals(1, handler.waitingForKeys(), "callbacks on the key future: the wait for tick 10001's, and none of the ticks before");
        assertEquals(1, ticks.waiting());
    }

    /**
     * A handler that fails (a bug, an exception or an Error such as a failed assert) must not
     * leave its player connected to nobody: it says so.
     */
    @ParameterizedTest
    @ValueSource(strings = {"an exception", "an Error", "a checked exception nobody declared"})
    void aHandlerThatFailsReportsItAndStopsWaiting(String failure) {
        AtomicBoolean reported = new AtomicBoolean();
        PlayerHandler handler = new PlayerHandler("failing", text -> {
            switch (failure) {
                case "an Error" -> throw new AssertionError("a bug while sending " + text);
                // as Kotlin code or Lombok's @SneakyThrows throw one: the compiler cannot see it coming
                case "a checked exception nobody declared" -> PlayerHandlerTest.<RuntimeException>throwUndeclared(
                        new IOException("a bug while sending " + text));
                default -> throw new IllegalStateException("a bug while sending " + text);
            }
        }, () -> reported.set(true), ticks);
        handler.start();

        ticks.announce(1); // must not throw here, on the loop thread, into the other players' ticks

        assertTrue(reported.get(), "the failure was not reported");
        assertEquals(0, ticks.waiting(), "a failed handler still waits for ticks");
    }

    @Test
    void aStoppedHandlerSendsNothingAndWaitsForNothing() {
        PlayerHandler handler = new PlayerHandler("leaving", sent::add, NOTHING, ticks);
        handler.start();
        ticks.announce(1);

        handler.stop();
        handler.keyPressed(65);
        ticks.announce(2);
        ticks.announce(3);

        assertEquals(List.of("game loop says: tick 1"), sent);
        assertEquals(0, ticks.waiting());
    }

    @Test
    void aClosedInboxIgnoresKeysAndAnswersReceiveWithNone() {
        KeyInbox inbox = new KeyInbox();
        inbox.offer(64);
        inbox.close();

        inbox.offer(65);

        assertTrue(inbox.receive().join().isEmpty(), "keys queued or sent after close are not handled");
    }

    /**
     * A handler held in the middle of a step: tick 1 is announced on a thread of its own, and the
     * handler's send of it blocks until {@link #releaseAndWait}. Meanwhile the test acts.
     */
    private final class HeldInTickOne {
        private final CountDownLatch inTick = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        final PlayerHandler handler = new PlayerHandler("held", text -> {
            if (text.equals("game loop says: tick 1")) {
                inTick.countDown();
                await(release);
            }
            sent.add(text);
        }, NOTHING, ticks);
        private final Thread loop = new Thread(() -> ticks.announce(1), "test-loop");

        HeldInTickOne() throws InterruptedException {
            handler.start();
            loop.start();
            assertTrue(inTick.await(5, TimeUnit.SECONDS), "the handler never got tick 1");
        }

        void releaseAndWait() throws InterruptedException {
            release.countDown();
            loop.join(5_000);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void throwUndeclared(Throwable checked) throws T {
        throw (T) checked; // erased to Throwable: the compiler asks for no throws clause
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(5, TimeUnit.SECONDS)) {
                throw new AssertionError("the test never released the handler");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
