package gameloop.reactor;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** A {@link Log} a test can read back: every line with the thread that wrote it, and every error. */
final class RecordingLog implements Log {

    record Entry(String thread, String message) {
    }

    private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

    @Override
    public void info(String message) {
        entries.add(new Entry(Thread.currentThread().getName(), message));
    }

    @Override
    public void error(String message, Throwable cause) {
        errors.add(message + ": " + cause);
        entries.add(new Entry(Thread.currentThread().getName(), "ERROR " + message));
    }

    List<String> messages() {
        return entries.stream().map(Entry::message).collect(Collectors.toList());
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** What the protocols logged ("connected #1", "#1 says", "lost #1"), leaving out the server's start-up lines. */
    List<Entry> connectionEntries() {
        return entries.stream()
                .filter(e -> e.message().startsWith("connected #") || e.message().startsWith("#")
                        || e.message().startsWith("lost #"))
                .collect(Collectors.toList());
    }

    List<String> errors() {
        return List.copyOf(errors);
    }

    /** Waits until a line matching {@code wanted} was logged, and returns it. */
    String awaitMessage(Predicate<String> wanted) {
        return await().atMost(Duration.ofSeconds(10))
                .until(() -> messages().stream().filter(wanted).findFirst().orElse(null), line -> line != null);
    }

    String awaitMessageStartingWith(String prefix) {
        return awaitMessage(line -> line.startsWith(prefix));
    }

    boolean contains(String fragment) {
        return messages().stream().anyMatch(line -> line.contains(fragment));
    }
}
