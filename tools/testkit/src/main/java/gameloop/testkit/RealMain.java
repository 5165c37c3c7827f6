package gameloop.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A class's {@code main} in a JVM of its own, started with plain {@code java}, as a learner's
 * run command ends up starting it: for what only a whole process shows (its signals, its exit
 * code, its log as the terminal prints it). {@link #close()} kills it if it is still there.
 *
 * <p>Its output goes to a file, not a pipe: a pipe nobody reads fast enough fills, and then the
 * server blocks in the middle of a log line (08's {@code OutOfFileDescriptorsTest} met it).
 */
public final class RealMain implements AutoCloseable {

    /** The line every example's server logs once it listens: its name, page, period and pid. */
    private static final Pattern RUNNING_AT =
            Pattern.compile(".*: (\\S+) is running at (http://\\S+/) \\(tick every (\\d+) ms, pid (\\d+)\\)\\. .*");

    private final Process process;
    private final Path log;

    private RealMain(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} on this JVM's own {@code java} and class path, with
     * {@code options} (such as {@code -Dport=0}) before the class name; its output goes to a file
     * in {@code logDirectory}.
     */
    public static RealMain start(Path logDirectory, Class<?> mainClass, String... options) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(options));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        Path log = logDirectory.resolve(mainClass.getSimpleName() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new RealMain(process, log);
    }

    public Process process() {
        return process;
    }

    /** Everything it has printed so far, a line each. */
    public List<String> lines() {
        try {
            return Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    /** Waits up to a minute (a cold JVM on a busy machine) for a line matching {@code line}, whole. */
    public Matcher awaitLine(Pattern line) {
        return await("a line matching " + line).atMost(Duration.ofMinutes(1))
                .until(() -> firstMatch(line), Optional::isPresent).orElseThrow();
    }

    /** Waits for the server's "is running at" line, and reads it. */
    public Running awaitRunning() {
        Matcher running = awaitLine(RUNNING_AT);
        return new Running(running.group(1), URI.create(running.group(2)), Duration.ofMillis(Long.parseLong(running.group(3))),
                Long.parseLong(running.group(4)));
    }

    /** What the "is running at" line says: the example's name, its page, its period and its pid. */
    public record Running(String example, URI page, Duration tickPeriod, long pid) {

        /** The WebSocket endpoint beside the page. */
        public URI webSocketUri() {
            return URI.create("ws://" + page.getAuthority() + "/connect");
        }
    }

    /** Kills it if it is still running, and waits for it. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private Optional<Matcher> firstMatch(Pattern line) {
        return lines().stream().map(line::matcher).filter(Matcher::matches).findFirst();
    }
}
