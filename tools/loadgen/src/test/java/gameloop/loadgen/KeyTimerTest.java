package gameloop.loadgen;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.testkit.Threads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The key timer: every press due in the window is sent and counted, also by a timer running behind as the window closes. */
class KeyTimerTest {
    private static final long MS = 1_000_000L;

    /** On made-up times: presses due before the window's close that had not gone out go out now, and no others. */
    @Test
    void aTimerThatFellBehindSendsEveryPressDueBeforeTheClose() {
        TickLedger window = new TickLedger();
        long start = System.nanoTime();
        window.openWindow(start, 16);
        Echoes echoes = new Echoes();
        LoadClient pressing = new LoadClient(window, echoes);
        pressing.opened(new HeldUpConnection(0), start); // holds nothing up
        KeyTimer.PressesWhenDue presses = new KeyTimer.PressesWhenDue(pressing, start + 5 * MS, 10 * MS);
        presses.run(); // due 5 ms into the window
        presses.run(); // due at 15 ms; then the timer falls behind
        window.closeWindow(start + 100 * MS);

        presses.pressAllDueBefore(start + 100 * MS); // due at 25, 35, ..., 95 ms

        assertEquals(10, echoes.pressedCount());
    }

    /**
     * The clients' first presses are spread evenly over the period, client i of 4 at i quarters
     * of it, so that the server sees a steady stream of keys rather than one burst per period.
     * Stopped halfway through client k's quarter, the timer has sent the first presses of
     * clients 0 to k and no others: each client's first press is due within half a quarter of
     * its even place. {@code stopAt} sends every press due before its end, whether or not the
     * clock has reached it, so the test need not wait for them; the period is a minute, so that
     * on the clock only client 0's first press falls due while it runs.
     */
    @ParameterizedTest(name = "stopped halfway through client {0}'s quarter")
    @ValueSource(ints = {0, 1, 2, 3})
    void theClientsFirstPressesAreSpreadEvenlyOverThePeriod(int k) throws Exception {
        Duration period = Duration.ofMinutes(1);
        long quarter = period.toNanos() / 4;
        List<CountingConnection> connections = IntStream.range(0, 4).mapToObj(i -> new CountingConnection()).toList();
        TickLedger noWindow = new TickLedger(); // the presses are sent, not counted
        List<LoadClient> clients = connections.stream().map(connection -> {
            LoadClient client = new LoadClient(noWindow, new Echoes());
            client.opened(connection, System.nanoTime());
            return client;
        }).toList();
        KeyTimer keys = new KeyTimer("key-timer-spread-" + k); // not "key-timer-test": that test awaits its own thread's end
        try {
            long firstDue = keys.start(clients, period);

            assertTrue(keys.stopAt(firstDue + k * quarter + quarter / 2), "the presses were not sent in time");

            List<Integer> expected = IntStream.range(0, 4).map(i -> i <= k ? 1 : 0).boxed().toList();
            assertEquals(expected, connections.stream().map(c -> c.sends.get()).toList(), "presses sent, client by client");
        } finally {
            assertTrue(keys.stop(), "the key timer did not stop");
        }
    }

    /** A connection that counts what is sent on it, from any thread. */
    private static final class CountingConnection implements Connection {
        final AtomicInteger sends = new AtomicInteger();

        @Override
        public void sendText(String text, Runnable onFailure) {
            sends.incrementAndGet();
        }

        @Override
        public void close() {
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }

    /**
     * A timer held up as the window closes (here by a send that keeps its thread until 100 ms
     * after the close, as a busy machine can) sends every press due in the window before it
     * stops, each timed from when it was due. Stopped at once, it would cancel the window's last
     * presses unsent and uncounted: the very presses that waited longest.
     */
    @Test
    void aTimerHeldUpAsTheWindowClosesStillSendsEveryPressDueInIt() throws Exception {
        TickLedger window = new TickLedger();
        long opened = System.nanoTime();
        window.openWindow(opened, 16);
        Echoes echoes = new Echoes();
        LoadClient pressing = new LoadClient(window, echoes);
        KeyTimer keys = new KeyTimer("key-timer-test");
        try {
            HeldUpConnection connection = new HeldUpConnection(6);
            pressing.opened(connection, opened);
            long firstDue = keys.start(List.of(pressing), Duration.ofMillis(10));
            long end = firstDue + 195 * MS; // presses due at 0, 10, ..., 190 ms: 20 in the window
            TimeUnit.NANOSECONDS.sleep(end - System.nanoTime()); // the window
            window.closeWindow(end);
            connection.holdUntil = System.nanoTime() + 100 * MS; // held until now, so no press due later went out before the close

            assertTrue(keys.stopAt(end), "the last presses were not sent in time");

            assertEquals(20, echoes.pressedCount(), "presses counted in the window");
            // The press due at 60 ms waited for the held-up send to end, 100 ms after the close.
            double lateMs = Results.Summary.ofMicros(echoes.sentLateMicros()).max();
            assertTrue(lateMs >= 200, () -> "the latest press was timed from when it went out, not when it was due: " + lateMs + " ms");
        } finally {
            assertTrue(keys.stop(), "the key timer did not stop");
        }
        await("the key timer's thread to end").until(() -> Threads.alive("key-timer-test").isEmpty());
    }

    /**
     * A connection whose {@code heldUpSend}th send (none, for 0) keeps the caller's thread until
     * {@code holdUntil} (until it is set, and then until that moment), or until it is interrupted.
     */
    private static final class HeldUpConnection implements Connection {
        private final int heldUpSend;
        volatile long holdUntil; // 0 until set
        private int sends; // the timer's thread alone

        HeldUpConnection(int heldUpSend) {
            this.heldUpSend = heldUpSend;
        }

        @Override
        public void sendText(String text, Runnable onFailure) {
            if (++sends != heldUpSend) {
                return;
            }
            try {
                while (holdUntil == 0 || System.nanoTime() - holdUntil < 0) {
                    TimeUnit.MILLISECONDS.sleep(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the timer was stopped: let it see so
            }
        }

        @Override
        public void close() {
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }
}
