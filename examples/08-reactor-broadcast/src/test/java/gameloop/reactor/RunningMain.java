package gameloop.reactor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A class's {@code main} in a JVM of its own, started with {@code java -cp} (the README's
 * {@code exec:java} runs it inside Maven's), its stdout and stderr read together as it runs.
 */
final class RunningMain implements AutoCloseable {

    /** How a run ended: its exit code, and all it printed, stripped. */
    record Run(int exitCode, String output) {
    }

    final Process process;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream(); // its methods are synchronized
    private final Thread reader;

    private RunningMain(Process process) {
        this.process = process;
        // Read while it runs: a process that hangs is killed, and a killed process's streams are closed.
        reader = new Thread(() -> {
            try {
                process.getInputStream().transferTo(printed);
            } catch (IOException closed) {
                // killed: what it printed so far is kept
            }
        }, "main-output-reader");
        reader.start();
    }

    static RunningMain start(Class<?> mainClass, List<String> properties, List<String> args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // This module needs nothing but the JDK: its classes directory is the whole classpath.
        String classes = Path.of(mainClass.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(properties);
        command.addAll(List.of("-cp", classes, mainClass.getName()));
        command.addAll(args);
        return new RunningMain(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    String printedSoFar() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    /** Waits for it to end by itself (20 s at most); what it printed, and its exit code. */
    Run awaitEnd() throws Exception {
        boolean ended = process.waitFor(20, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        reader.join(5_000);
        String output = printed.toString(StandardCharsets.UTF_8).strip();
        assertTrue(ended, "it did not end; it printed: " + output);
        return new Run(process.exitValue(), output);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
