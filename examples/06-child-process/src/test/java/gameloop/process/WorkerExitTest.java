package gameloop.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How a worker's end is reported, on every system (unlike {@code WorkerTest}, which needs POSIX
 * signals): a death this server caused must not read like a crash.
 */
class WorkerExitTest {

    @Test
    void signalsAreNamedByTheirExitCodes() {
        assertEquals("exit code 137 (SIGKILL, sent by this server)", new Worker.Exit(1, 137, List.of(), "SIGKILL").describe());
        assertEquals("exit code 137 (SIGKILL: killed, possibly by the kernel's out-of-memory killer)",
                new Worker.Exit(1, 137, List.of(), null).describe());
        assertEquals("exit code 143 (SIGTERM, sent by this server)", new Worker.Exit(1, 143, List.of(), "SIGTERM").describe());
    }

    /** On Windows a process this server ends exits with 1, like many a crash: the report says which it was. */
    @Test
    void anyOtherExitAfterASignalOfOursIsSaidToBeOurs() {
        assertEquals("exit code 1 (ended by this server)", new Worker.Exit(1, 1, List.of(), "SIGKILL").describe());
        assertEquals("exit code 1", new Worker.Exit(1, 1, List.of(), null).describe());
    }
}
