package gameloop.reactor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Keeps a reactor's thread busy in one task, so that what is sent to it meanwhile waits, and comes in one batch. */
final class ReactorHold {

    private ReactorHold() {
    }

    /** Returns once the reactor thread is in the task; it leaves it when the latch is counted down, or after 10 s. */
    static CountDownLatch holdTheThread(Reactor reactor) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        reactor.callFromThread(() -> {
            held.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(held.await(10, TimeUnit.SECONDS), "the reactor thread never took the task");
        return release;
    }
}
