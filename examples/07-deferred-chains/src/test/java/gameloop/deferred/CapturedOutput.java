package gameloop.deferred;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A PrintStream to hand to a program instead of System.out, so tests can run in parallel. It
 * also notes when, and on which thread, the first byte arrived.
 */
final class CapturedOutput {

    private static final long NOTHING_YET = Long.MIN_VALUE;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(); // synchronized
    private final AtomicLong firstWriteNanos = new AtomicLong(NOTHING_YET);
    private volatile String firstWriter;

    final PrintStream out = new PrintStream(new OutputStream() {
        @Override
        public void write(int b) {
            noteFirstWrite();
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            noteFirstWrite();
            bytes.write(b, off, len);
        }
    }, true, UTF_8);

    private void noteFirstWrite() {
        if (firstWriteNanos.compareAndSet(NOTHING_YET, System.nanoTime())) {
            firstWriter = Thread.currentThread().getName();
        }
    }

    List<String> lines() {
        return bytes.toString(UTF_8).lines().toList();
    }

    /** {@link System#nanoTime()} of the first write, if there was one. */
    OptionalLong firstWriteNanos() {
        long t = firstWriteNanos.get();
        return t == NOTHING_YET ? OptionalLong.empty() : OptionalLong.of(t);
    }

    /** The name of the thread that wrote first, or null if nothing was written. */
    String firstWriter() {
        return firstWriter;
    }
}
