package gameloop.testkit;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

/** Checks that a stopped server left no thread behind. */
public final class Threads {

    private Threads() {
    }

    /** Live threads whose name starts with the prefix (a server's threads all share one). */
    public static List<String> alive(String namePrefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith(namePrefix))
                .sorted()
                .toList();
    }

    /** Fails unless every thread with the prefix is gone within the timeout. */
    public static void assertNoneLeft(String namePrefix, Duration within) {
        await("threads named " + namePrefix + "* to end")
                .atMost(within)
                .until(() -> alive(namePrefix), List::isEmpty);
    }
}
