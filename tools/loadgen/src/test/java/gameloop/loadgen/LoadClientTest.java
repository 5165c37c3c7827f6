package gameloop.loadgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** What one client counts (missed and received ticks, presses), on made-up times, with no server at all. */
class LoadClientTest {

    /** The window opens at 1 s; the client connected at 0.5 s. */
    static final long WINDOW_START = 1_000_000_000L;
    private static final long OPENED = 500_000_000L;
    private static final long MS = 1_000_000L;

    private final TickLedger ledger = new TickLedger();
    private final LoadClient client = new LoadClient(ledger, new Echoes());

    LoadClientTest() {
        ledger.openWindow(WINDOW_START, 1 << 16);
        client.opened(null, OPENED);
    }

    /** Ticks as the window saw them: tick n first arrived n ms into the window. */
    private static List<TickLedger.Tick> window(long... numbers) {
        return Arrays.stream(numbers).mapToObj(n -> new TickLedger.Tick(n, at(n), at(n), 1)).toList();
    }

    /** {@code n} milliseconds into the window (before it, if negative); the tests send tick n at at(n). */
    private static long at(long n) {
        return WINDOW_START + n * MS;
    }

    /** A press that went out when it was due. */
    private static void pressOnTime(LoadClient c, long at) {
        c.pressKey(at, at);
    }

    private void ticks(LoadClient c, long... numbers) {
        for (long n : numbers) {
            c.tick(n, at(n));
        }
    }

    @Test
    void aClientThatGotEveryTickMissedNone() {
        ticks(client, 1, 2, 3, 4, 5);
        assertEquals(new LoadClient.Misses(0, 0), client.missed(window(1, 2, 3, 4, 5)));
        assertEquals(5, client.ticksReceived(window(1, 2, 3, 4, 5)));
    }

    @Test
    void gapsAndTheTicksAfterItsLastOneAreMissed() {
        ticks(client, 1, 3);
        // 2 is a gap; 4 and 5 reached others but never this client.
        assertEquals(3, client.missed(window(1, 3, 4, 5)).missed());
        assertEquals(2, client.ticksReceived(window(1, 2, 3, 4, 5)), "1 and 3, and no other");
    }

    @Test
    void aNumberNobodyGotCountsForEveryone() {
        ticks(client, 1, 3);
        assertEquals(1, client.missed(window(1, 3)).missed()); // 2 was never sent to anyone
    }

    @Test
    void ticksBeforeItsFirstAreNotItsOwn() {
        ticks(client, 3, 4);
        assertEquals(0, client.missed(window(1, 2, 3, 4)).missed());
    }

    @Test
    void moreTicksThanSixtyFiveThousandAllReceivedAreNoneMissed() {
        // tick.ms=10 for 11 minutes and more: 70,000 ticks, after a warm-up that had its own.
        TickLedger longRun = new TickLedger();
        longRun.openWindow(WINDOW_START, TickLedger.ticksToTrack(Duration.ofMinutes(11).plusSeconds(40), Duration.ofMillis(10)));
        LoadClient c = new LoadClient(longRun, new Echoes());
        c.opened(null, OPENED);
        ticks(c, LongStream.rangeClosed(-3_000, 70_000).toArray());
        List<TickLedger.Tick> window = window(LongStream.rangeClosed(0, 70_000).toArray());

        assertEquals(new LoadClient.Misses(0, 0), c.missed(window));
        assertEquals(70_001, c.ticksReceived(window));
    }

    @Test
    void theTickJustBeforeTheWindowOpenedIsKeptInCaseItIsAWindowTick() {
        // Tick 0 reached this client a hair before the window opened, as it saw the clock, and
        // another client just after: its first arrival makes it a window tick all the same.
        client.tick(-2, at(-2));
        client.tick(0, WINDOW_START - 1);
        ticks(client, 1, 2);

        assertEquals(new LoadClient.Misses(0, 0), client.missed(window(0, 1, 2)));
        assertEquals(3, client.ticksReceived(window(0, 1, 2)));
    }

    @Test
    void aRepeatedTickCountsOnceAndDoesNotStretchItsFanOut() {
        ticks(client, 1, 2);
        client.tick(2, at(40)); // the same number again, much later
        ticks(client, 3);

        List<TickLedger.Tick> window = ledger.ticksInWindow();
        assertEquals(3, client.ticksReceived(window), "ticks 1, 2 and 3, each once");
        assertEquals(1, client.outOfOrder());
        TickLedger.Tick two = window.get(1);
        assertEquals(0, two.fanOutNanos(), "only the first arrival of a number counts, per client");
        assertEquals(1, two.clients());
    }

    @Test
    void aNumberingThatJumpsFurtherThanTheWindowCanHoldIsUntrackedNotMissed() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            ticks(client, 1);
            client.tick(2_000_000_000L, at(2));

            LoadClient.Misses misses = client.missed(window(1, 2_000_000_000L));
            // The window tracks 1 to 65,536: 2 to 65,536 never came; 65,537 to 2_000_000_000 cannot be told.
            assertEquals(new LoadClient.Misses(65_535, 2_000_000_000 - 65_536), misses);
        });
    }

    @Test
    void numbersAtTheEndOfTheLongsAreCountedWithoutOverflowing() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            client.tick(Long.MAX_VALUE - 1, at(1));
            client.tick(Long.MAX_VALUE, at(2));
            List<TickLedger.Tick> window = List.of(new TickLedger.Tick(Long.MIN_VALUE + 1, at(0), at(0), 1),
                    new TickLedger.Tick(Long.MAX_VALUE - 1, at(1), at(1), 1), new TickLedger.Tick(Long.MAX_VALUE, at(2), at(2), 1));
            assertEquals(new LoadClient.Misses(0, 0), client.missed(window),
                    "from its first tick on: the ticks before are not its own");
        });
    }

    @Test
    void intervalsAreBetweenConsecutiveNumbersFromTheFirstOneThatEndsInTheWindow() {
        client.tick(-2, at(-230)); // warm-up: its interval to tick -1 is the warm-up's, not counted
        client.tick(-1, at(-130));
        client.tick(0, at(-30));
        client.tick(1, at(70)); // the first interval after the warm-up: 100 ms, ending in the window
        client.tick(2, at(172)); // 102 ms
        client.tick(4, at(400)); // across the gap: no interval, the gap is a missed tick
        client.tick(5, at(497)); // 97 ms
        client.tick(5, at(499)); // a repeat: no interval either

        Results.Summary intervals = Results.Summary.ofMicros(ledger.intervalsMicros());

        assertEquals(3, intervals.count());
        assertEquals(97.0, ledger.intervalsMicros().getMinValue() / 1000.0, 0.01);
        assertEquals(102.0, intervals.max(), 0.01);
        assertEquals((100 + 102 + 97) / 3.0, intervals.mean(), 0.01);
    }

    @Test
    void anEchoIsTimedFromThePressOfItsKeyEvenWithOthersInFlight() {
        Echoes echoes = new Echoes();
        LoadClient pressing = new LoadClient(ledger, echoes);
        pressing.opened(new QuietConnection(), OPENED);

        pressOnTime(pressing, at(10)); // 'A'
        pressOnTime(pressing, at(20)); // 'B'
        pressOnTime(pressing, at(21)); // 'C'
        pressing.text(LoadClient.PRESSED_PREFIX + 67, at(25)); // C: 4 ms
        pressing.text(LoadClient.PRESSED_PREFIX + 65, at(30)); // A: 20 ms, answered after a later press
        pressing.text(LoadClient.PRESSED_PREFIX + 66, at(32)); // B: 12 ms

        Results.Summary trips = Results.Summary.ofMicros(echoes.roundTripMicros());
        assertEquals(3, trips.count());
        assertEquals(4.0, echoes.roundTripMicros().getMinValue() / 1000.0, 0.01);
        assertEquals(12.0, trips.p50(), 0.02);
        assertEquals(20.0, trips.max(), 0.02);
    }

    /**
     * A press the key timer sends late is timed from when it was due: the wait before it went out
     * is part of its round trip (timed from the sending, a held-up timer would hide it), and how
     * late it went is recorded apart. A press due before the window is not counted, even if it
     * goes out inside it.
     */
    @Test
    void aPressSentLateIsTimedFromWhenItWasDue() {
        Echoes echoes = new Echoes();
        LoadClient pressing = new LoadClient(ledger, echoes);
        pressing.opened(new QuietConnection(), OPENED);

        pressing.pressKey(at(-5), at(1)); // 'A', due before the window
        pressing.text(LoadClient.PRESSED_PREFIX + 65, at(2));
        pressing.pressKey(at(10), at(40)); // 'B', due at 10 ms, sent 30 ms late
        pressing.text(LoadClient.PRESSED_PREFIX + 66, at(44));

        assertEquals(1, echoes.pressedCount());
        Results.Summary trips = Results.Summary.ofMicros(echoes.roundTripMicros());
        assertEquals(1, trips.count());
        assertEquals(34.0, trips.max(), 0.02);
        Results.Summary late = Results.Summary.ofMicros(echoes.sentLateMicros());
        assertEquals(1, late.count());
        assertEquals(30.0, late.max(), 0.02);
    }

    @Test
    void anOvertakenPressIsCountedAndItsLateEchoTakenForTheNewerPress() {
        Echoes echoes = new Echoes();
        LoadClient pressing = new LoadClient(ledger, echoes);
        pressing.opened(new QuietConnection(), OPENED);

        pressOnTime(pressing, at(0)); // 'A', never answered in time
        for (int key = 1; key < LoadClient.KEYS; key++) { // 'B' to 'Z', each answered 2 ms later
            pressOnTime(pressing, at(key));
            pressing.text(LoadClient.PRESSED_PREFIX + (65 + key), at(key + 2));
        }
        pressOnTime(pressing, at(100)); // 'A' again: the first is overtaken
        pressing.text(LoadClient.PRESSED_PREFIX + 65, at(103)); // taken for the press at 100

        assertEquals(1, echoes.overtakenCount());
        assertEquals(LoadClient.KEYS, echoes.echoedCount());
        assertEquals(3.0, Results.Summary.ofMicros(echoes.roundTripMicros()).max(), 0.01);
        assertEquals(2.0, Results.Summary.ofMicros(echoes.roundTripMicros()).p50(), 0.01);
        assertEquals(0, echoes.pending());
    }

    @Test
    void aPressOvertakenAndThenFailingToSendIsCountedOnce() {
        Echoes echoes = new Echoes();
        List<Runnable> failures = new ArrayList<>();
        LoadClient pressing = new LoadClient(ledger, echoes);
        pressing.opened(new QuietConnection() { // the send of each press fails later, when the test says
            @Override
            public void sendText(String text, Runnable onFailure) {
                failures.add(onFailure);
            }
        }, OPENED);

        pressOnTime(pressing, at(0)); // 'A'
        for (int key = 1; key < LoadClient.KEYS; key++) {
            pressOnTime(pressing, at(key));
            pressing.text(LoadClient.PRESSED_PREFIX + (65 + key), at(key + 1));
        }
        pressOnTime(pressing, at(100)); // 'A' again: the first is overtaken
        failures.get(0).run(); // and then its send turns out to have failed

        assertEquals(1, echoes.overtakenCount());
        assertEquals(0, echoes.sendFailureCount(), "already counted, as overtaken");
        assertEquals(1, echoes.pending(), "only the second 'A' still waits");
    }

    /**
     * A client with no connection ({@code opened()} never called) presses nothing and throws
     * nothing. A run gives the key timer only clients that connected, so this is a guard: a throw
     * would end that client's presses for good (its periodic task is not run again).
     */
    @Test
    void aClientThatNeverConnectedPressesNothingAndThrowsNothing() {
        Echoes echoes = new Echoes();
        LoadClient neverConnected = new LoadClient(ledger, echoes);

        pressOnTime(neverConnected, at(10)); // a throw here would end the key timer's task for good

        assertEquals(0, echoes.pressedCount());
    }

    /** A connection that takes every key press and says nothing. */
    private static class QuietConnection implements Connection {
        @Override
        public void sendText(String text, Runnable onFailure) {
        }

        @Override
        public void close() {
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }

    @Test
    void aPressWhoseSendFailedIsCountedOnceNotAgainWhenItsKeyComesRound() {
        Echoes echoes = new Echoes();
        LoadClient pressing = new LoadClient(ledger, echoes);
        pressing.opened(new Connection() { // every send fails at once, as on a connection that just broke
            @Override
            public void sendText(String text, Runnable onFailure) {
                onFailure.run();
            }

            @Override
            public void close() {
            }

            @Override
            public boolean isOpen() {
                return true;
            }
        }, OPENED);
        for (int i = 0; i < LoadClient.KEYS + 1; i++) { // 'A' comes round once
            pressOnTime(pressing, at(i));
        }
        assertEquals(LoadClient.KEYS + 1, echoes.pressedCount());
        assertEquals(LoadClient.KEYS + 1, echoes.sendFailureCount());
        assertEquals(0, echoes.overtakenCount(), "a failed send is not also an overtaken press");
        assertEquals(0, echoes.pending());
    }

    /** Tick n first arrived, at some client, n ms into the window. */
    private static TickLedger.Tick tickAt(long n) {
        return new TickLedger.Tick(n, at(n), at(n), 1);
    }

    @Test
    void aClientLostMidWindowIsOwedNothingAfterItWasLost() {
        ticks(client, 1, 2, 3);
        client.ended("lost", at(3) + MS / 2); // between tick 3 and tick 4

        assertEquals(true, client.wasOwed(tickAt(3)));
        assertEquals(false, client.wasOwed(tickAt(4)), "sent after it was lost: counted as lost instead");
        assertEquals(new LoadClient.Misses(0, 0), client.missed(window(1, 2, 3, 4, 5, 6)));
    }

    @Test
    void aClientConnectedMidWindowIsOwedTheTicksFromItsFirstOnly() {
        LoadClient late = new LoadClient(ledger, new Echoes());
        late.opened(null, at(3) + MS / 2); // between tick 3 and tick 4
        // Tick 4 was sent before the server listed it: its first tick is 5, and 7 never came.
        ticks(late, 5, 6, 8);

        assertEquals(false, late.wasOwed(tickAt(3)), "sent before it connected");
        assertEquals(false, late.wasOwed(tickAt(4)), "sent after it connected, but before its first tick");
        assertEquals(true, late.wasOwed(tickAt(5)));
        assertEquals(new LoadClient.Misses(1, 0), late.missed(window(1, 2, 3, 4, 5, 6, 7, 8)));
    }

    @Test
    void aClientConnectedMidWindowThatGotNoTickMissedThoseSentSinceItConnected() {
        LoadClient late = new LoadClient(ledger, new Echoes());
        late.opened(null, at(3) + MS / 2);

        assertEquals(false, late.wasOwed(tickAt(3)));
        assertEquals(true, late.wasOwed(tickAt(4)));
        assertEquals(new LoadClient.Misses(3, 0), late.missed(window(1, 2, 3, 4, 5, 6)));
    }

    /**
     * A late tick does not lower the highest number seen: ticks 1 and 2 arriving again after 3
     * are both out of order, and tick 4 follows 3, 100 ms after it. Were the newest number kept
     * instead of the highest, the late 2 would pass for the tick after the late 1, with a 10 ms
     * interval, and 4 for a gap.
     */
    @Test
    void aLateTickDoesNotLowerTheHighestNumberSeen() {
        client.tick(1, at(0));
        client.tick(2, at(100));
        client.tick(3, at(200));
        client.tick(1, at(230)); // late
        client.tick(2, at(240)); // late, and one more than the late 1
        client.tick(4, at(300));

        assertEquals(2, client.outOfOrder());
        assertEquals(3, ledger.intervalsMicros().getTotalCount(), "1 to 2, 2 to 3 and 3 to 4");
        assertEquals(100.0, ledger.intervalsMicros().getMinValue() / 1000.0, 0.01);
        assertEquals(4, client.lastTick());
    }

    /**
     * Each client keeps a bit for four times the ticks the window and the drain hold at the
     * nominal rate, as the README promises: a server that runs fast or catches up loses none of
     * its ticks to "untracked". Here a minute's window and the 3 s drain at 10 ms: 6,300 ticks
     * at the nominal rate, and four times that many arrive.
     */
    @Test
    void ticksUpToFourTimesTheNominalRateAreAllTracked() {
        TickLedger fast = new TickLedger();
        fast.openWindow(WINDOW_START, TickLedger.ticksToTrack(Duration.ofSeconds(60), Duration.ofMillis(10)));
        LoadClient c = new LoadClient(fast, new Echoes());
        c.opened(null, OPENED);
        long[] numbers = LongStream.range(0, 4 * 6_300).toArray();
        ticks(c, numbers);

        assertEquals(new LoadClient.Misses(0, 0), c.missed(window(numbers)));
        assertEquals(4 * 6_300, c.ticksReceived(window(numbers)));
    }

    /**
     * The README's promise: presses during the warm-up are sent and echoed but not counted. Only
     * the press made once the window is open counts, and only its round trip is recorded; the
     * warm-up's echo still finds its press, so it is not unmatched either.
     */
    @Test
    void aPressDuringTheWarmUpIsSentAndEchoedButNotCounted() {
        TickLedger warmingUp = new TickLedger(); // its window opens later, in the test
        Echoes echoes = new Echoes();
        LoadClient pressing = new LoadClient(warmingUp, echoes);
        List<String> sent = new ArrayList<>();
        pressing.opened(new QuietConnection() {
            @Override
            public void sendText(String text, Runnable onFailure) {
                sent.add(text);
            }
        }, OPENED);

        pressOnTime(pressing, at(-100)); // 'A', in the warm-up
        pressing.text(LoadClient.PRESSED_PREFIX + 65, at(-90));
        warmingUp.openWindow(WINDOW_START, 1 << 16);
        pressOnTime(pressing, at(10)); // 'B', in the window
        pressing.text(LoadClient.PRESSED_PREFIX + 66, at(14)); // 4 ms

        assertEquals(List.of("65", "66"), sent, "both presses went out");
        assertEquals(1, echoes.pressedCount());
        assertEquals(1, echoes.echoedCount());
        assertEquals(4.0, Results.Summary.ofMicros(echoes.roundTripMicros()).max(), 0.01);
        assertEquals(0, echoes.unmatchedCount());
        assertEquals(0, echoes.pending());
    }

    /**
     * An echo takes its press: once answered, a press no longer waits. So pressing 'A' again
     * after its echo overtakes nothing, and a second echo of 'A' is unmatched, not one more round
     * trip.
     */
    @Test
    void anEchoTakesItsPressSoTheKeyComingRoundOvertakesNothingAndADuplicateIsUnmatched() {
        Echoes echoes = new Echoes();
        LoadClient pressing = new LoadClient(ledger, echoes);
        pressing.opened(new QuietConnection(), OPENED);

        for (int i = 0; i < LoadClient.KEYS + 1; i++) { // 'A' to 'Z', then 'A' again: each echoed 1 ms later
            pressOnTime(pressing, at(2 * i));
            pressing.text(LoadClient.PRESSED_PREFIX + (65 + i % LoadClient.KEYS), at(2 * i + 1));
        }
        pressing.text(LoadClient.PRESSED_PREFIX + 65, at(60)); // 'A' echoed twice

        assertEquals(0, echoes.overtakenCount());
        assertEquals(LoadClient.KEYS + 1, echoes.echoedCount());
        assertEquals(1, echoes.unmatchedCount());
        assertEquals(0, echoes.pending());
    }

    /**
     * A repeat does not restart the interval clock: the interval to the next number runs from
     * the first arrival of the one before it, not from its repeat.
     */
    @Test
    void aRepeatDoesNotMoveTheStartOfTheNextInterval() {
        client.tick(1, at(0));
        client.tick(2, at(100));
        client.tick(2, at(150)); // a repeat, halfway to tick 3
        client.tick(3, at(200));

        assertEquals(2, ledger.intervalsMicros().getTotalCount(), "1 to 2 and 2 to 3");
        assertEquals(100.0, ledger.intervalsMicros().getMinValue() / 1000.0, 0.01);
        assertEquals(1, client.outOfOrder());
    }

    /**
     * An echo of a key the client never presses (past 'Z', before 'A', or no number at all) is
     * unmatched, and is no reason for the reading thread to throw.
     */
    @Test
    void anEchoOfAKeyOutsideAToZIsUnmatched() {
        Echoes echoes = new Echoes();
        LoadClient pressing = new LoadClient(ledger, echoes);
        pressing.opened(new QuietConnection(), OPENED);

        pressOnTime(pressing, at(0)); // 'A'
        pressing.text(LoadClient.PRESSED_PREFIX + 91, at(1)); // '[', one past 'Z'
        pressing.text(LoadClient.PRESSED_PREFIX + 64, at(2)); // '@', one before 'A'
        pressing.text(LoadClient.PRESSED_PREFIX + "A", at(3));

        assertEquals(3, echoes.unmatchedCount());
        assertEquals(0, echoes.echoedCount());
        assertEquals(1, echoes.pending(), "the press of 'A' still waits");
    }

    /**
     * A warm-up longer than the window can track does not use up the window's range: before the
     * window only the newest tick is kept, so the window's ticks are all tracked, received, not
     * untracked.
     */
    @Test
    void aLongWarmUpDoesNotUseUpTheRangeTrackedForTheWindow() {
        TickLedger small = new TickLedger();
        small.openWindow(WINDOW_START, 100); // the window can track 100 numbers
        LoadClient c = new LoadClient(small, new Echoes());
        c.opened(null, OPENED);
        ticks(c, LongStream.rangeClosed(-300, -1).toArray()); // 300 ticks in the warm-up
        ticks(c, LongStream.rangeClosed(0, 9).toArray());
        List<TickLedger.Tick> window = window(LongStream.rangeClosed(0, 9).toArray());

        assertEquals(new LoadClient.Misses(0, 0), c.missed(window));
        assertEquals(10, c.ticksReceived(window));
    }

    /** Ticks with no number are all kept, in order, however many come (past the first 64 the array grows). */
    @Test
    void everyTickWithNoNumberIsKeptInOrder() {
        long[] arrivals = LongStream.range(0, 200).map(LoadClientTest::at).toArray();
        for (long t : arrivals) {
            client.text(LoadClient.TICK_WORDS, t);
        }

        assertArrayEquals(arrivals, client.unnumberedArrivals());
        assertEquals(0, client.tickMessages(), "replayed as ticks only after the run");
    }

    /**
     * A tick message is read by its number, and anything the tool does not know (a tick whose
     * number is not one, some other text, a binary message) is counted as unknown, once each.
     */
    @Test
    void aTickIsReadByItsNumberAndAnythingElseIsCountedAsUnknown() {
        client.text(LoadClient.TICK_WORDS + " 7", at(7));
        client.text(LoadClient.TICK_WORDS + " seven", at(8));
        client.text("hello", at(9));
        client.unknownMessage();

        assertEquals(1, client.tickMessages());
        assertEquals(7, client.lastTick());
        assertEquals(3, client.unknownMessages());
        assertEquals(0, client.unnumberedArrivals().length);
    }
}
