package gameloop.testkit;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Checks that a stopped server left no thread behind; and a stand-in for work that will not be interrupted. */
public final class Threads {

    private Threads() {
    }

    /**
     * Live threads whose name starts with the prefix (a server's threads all share one). Platform
     * threads only: {@code getAllStackTraces} leaves out virtual threads (Java 21 and later), which
     * the examples do not start; a solution of chapter 04's fourth exercise that does would need
     * another check ({@code jcmd <pid> Thread.dump_to_file <file>} lists them; {@code Thread.print}
     * does not).
     */
    public static List<String> alive(String namePrefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith(namePrefix))
                .sorted()
                .toList();
    }

    /**
     * The stack of every live thread whose name starts with one of the prefixes, for the message
     * of a test that timed out waiting for threads to do something: where each one was.
     */
    public static String stacks(String... namePrefixes) {
        StringBuilder dump = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (Arrays.stream(namePrefixes).anyMatch(thread.getName()::startsWith)) {
                dump.append('\n').append(thread.getName()).append(" (").append(thread.getState()).append(')');
                for (StackTraceElement frame : stack) {
                    dump.append("\n    at ").append(frame);
                }
            }
        });
        return dump.toString();
    }

    /**
     * Takes {@code time}, as a step of heavy work does, and is deaf to interrupts, as such work
     * often is (a computation, a library call): an interrupt does not cut it short, and is still
     * set when it returns. Sleeps rather than spins, so it leaves the cores to the other tests.
     */
    public static void workIgnoringInterrupts(Duration time) {
        long until = System.nanoTime() + time.toNanos();
        boolean interrupted = false;
        for (long left = time.toNanos(); left > 0; left = until - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until {@code done} is true, or {@code atMost} has passed, deaf to interrupts as
     * {@link #workIgnoringInterrupts} is: for a step of work that goes on until something else
     * has happened (a cancel, a new loop). Looks every millisecond.
     */
    public static void waitIgnoringInterrupts(BooleanSupplier done, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() - deadline < 0) {
            workIgnoringInterrupts(Duration.ofMillis(1));
        }
    }

    /** Fails unless every thread with the prefix is gone within the timeout. */
    public static void assertNoneLeft(String namePrefix, Duration within) {
        await("threads named " + namePrefix + "* to end")
                .atMost(within)
                .until(() -> alive(namePrefix), List::isEmpty);
    }
}
