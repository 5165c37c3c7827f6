package gameloop.process;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/** A stand-in that passes everything to a real child, for a test to replace one part of it. */
class DelegatingProcess extends Process {
    private final Process child;

    DelegatingProcess(Process child) {
        this.child = child;
    }

    @Override
    public OutputStream getOutputStream() {
        return child.getOutputStream();
    }

    @Override
    public InputStream getInputStream() {
        return child.getInputStream();
    }

    @Override
    public InputStream getErrorStream() {
        return child.getErrorStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
        return child.waitFor();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return child.waitFor(timeout, unit);
    }

    @Override
    public int exitValue() {
        return child.exitValue();
    }

    @Override
    public void destroy() {
        child.destroy();
    }

    @Override
    public Process destroyForcibly() {
        child.destroyForcibly();
        return this;
    }

    @Override
    public boolean isAlive() {
        return child.isAlive();
    }

    @Override
    public long pid() {
        return child.pid();
    }

    @Override
    public boolean supportsNormalTermination() {
        return child.supportsNormalTermination();
    }
}
