package gameloop.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gameloop.shared.Game;
import gameloop.shared.GameContext;
import gameloop.shared.GameServer;
import gameloop.shared.Player;
import gameloop.shared.Protocol;
import gameloop.shared.ServerSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The test kit's checks fail when they should. Every example's suite leans on them, so a check
 * that could no longer fail would weaken all of them at once, and nothing else would notice.
 */
class TestKitChecksTest {

    private static final Duration TICK = Duration.ofMillis(50);

    @Test
    void consecutiveTicksFailOnAGapARepeatOrAStepBack() {
        Ticks.assertConsecutive(List.of(4L, 5L, 6L));
        for (List<Long> wrong : List.of(List.of(1L, 2L, 4L), List.of(1L, 2L, 2L), List.of(2L, 1L))) {
            assertThrows(AssertionFailedError.class, () -> Ticks.assertConsecutive(wrong), wrong.toString());
        }
    }

    @Test
    void aFreshCountFailsWithoutItsOneAtTheStart() {
        Ticks.assertCountsUpFromOne(List.of(1L, 2L, 3L));
        Ticks.assertCountsUpFromOne(List.of(7L, 1L, 2L)); // the old loop's last round, then the new count
        for (List<Long> wrong : List.of(List.of(2L, 3L, 4L), List.of(7L, 8L, 1L, 2L), List.of(1L, 2L, 4L))) {
            assertThrows(AssertionFailedError.class, () -> Ticks.assertCountsUpFromOne(wrong), wrong.toString());
        }
    }

    @Test
    void theTeardownClosesTheRestAfterAFailureAndThrowsTheFirst() {
        List<String> closed = new CopyOnWriteArrayList<>();
        IllegalStateException first = new IllegalStateException("first, on purpose");
        IOException second = new IOException("second, on purpose");
        AutoCloseable failsFirst = () -> {
            closed.add("a");
            throw first;
        };
        AutoCloseable failsSecond = () -> {
            closed.add("b");
            throw second;
        };
        AutoCloseable fine = () -> closed.add("c");

        RuntimeException thrown = assertThrows(RuntimeException.class, () -> Teardown.closeAll(failsFirst, null, failsSecond, fine));

        assertSame(first, thrown);
        assertEquals(List.of(second), Arrays.asList(thrown.getSuppressed()));
        assertEquals(List.of("a", "b", "c"), closed);
    }

    @Test
    void noThreadLeftFailsWhileOneLives() throws Exception {
        String prefix = "kit-check-leftover-" + System.nanoTime();
        CountDownLatch release = new CountDownLatch(1);
        Thread leftover = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, prefix + "-1");
        leftover.start();
        try {
            assertThrows(ConditionTimeoutException.class, () -> Threads.assertNoneLeft(prefix, Duration.ofMillis(200)));
        } finally {
            release.countDown();
        }
        Threads.assertNoneLeft(prefix, Duration.ofSeconds(10));
    }

    @Test
    void anEchoSentToEveryoneFailsTheEchoCheck() throws Exception {
        GameServer server = GameServer.start(ServerSettings.forTest("kit-check-echo", TICK),
                context -> new TickingGame(context, null, Echo.TO_EVERYONE, Close.WAITING));
        try (TestClients clients = new TestClients()) {
            assertThrows(AssertionFailedError.class, () -> Echoes.assertAnEchoReachesOnlyItsSender(clients, server.webSocketUri()));
        } finally {
            server.close();
        }
    }

    /** Three seconds of work, so that even a slow stop returns while the work still runs. */
    @Test
    void theDeafWorkFailsACloseThatDoesNotWaitForIt() throws Exception {
        DeafWork work = new DeafWork(Duration.ofSeconds(3));
        GameServer server = GameServer.start(ServerSettings.forTest("kit-check-deaf", TICK),
                context -> new TickingGame(context, work, Echo.TO_SENDER, Close.NOT_WAITING));
        try {
            AssertionFailedError failed = assertThrows(AssertionFailedError.class, () -> work.assertCloseWaitsForIt(server, "game-loop"));
            assertTrue(failed.getMessage().startsWith("close() returned while the work was still running"), failed.getMessage());
        } finally {
            server.close();
            Threads.assertNoneLeft(server.threadNamePrefix(), Duration.ofSeconds(10)); // the loop thread, once its work is done
        }
    }

    private enum Echo { TO_SENDER, TO_EVERYONE }

    private enum Close { WAITING, NOT_WAITING }

    /** A loop that ticks to everyone, with either fault the kit's checks are there to catch. */
    private static final class TickingGame implements Game {
        private final GameContext context;
        private final DeafWork work;
        private final Echo echo;
        private final Close close;
        private final ScheduledExecutorService loop;
        private long tick; // the loop thread's alone

        TickingGame(GameContext context, DeafWork work, Echo echo, Close close) {
            this.context = context;
            this.work = work;
            this.echo = echo;
            this.close = close;
            this.loop = Executors.newSingleThreadScheduledExecutor(context.threads("game-loop"));
        }

        @Override
        public void start() {
            long period = context.tickPeriod().toNanos();
            loop.scheduleAtFixedRate(() -> {
                tick++;
                if (work != null) {
                    work.at(tick);
                }
                context.players().broadcast(Protocol.tick(tick));
            }, period, period, TimeUnit.NANOSECONDS);
        }

        @Override
        public void keyPressed(Player player, int keyCode) {
            if (echo == Echo.TO_EVERYONE) {
                context.players().broadcast(Protocol.pressed(keyCode));
            } else {
                Game.super.keyPressed(player, keyCode);
            }
        }

        @Override
        public void close() {
            if (close == Close.WAITING) {
                Game.stopAndAwait(loop);
            } else {
                loop.shutdownNow(); // interrupts the deaf work and returns at once
            }
        }
    }
}
