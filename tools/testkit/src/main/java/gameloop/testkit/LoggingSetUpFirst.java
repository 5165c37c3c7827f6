package gameloop.testkit;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.SubstituteLogger;

/**
 * Sets SLF4J up once, on the launcher's thread, before any test runs. JUnit finds this class
 * through {@code META-INF/services}, so every module whose tests use the test kit gets it.
 *
 * <p>Why: SLF4J sets itself up on the first thread that asks it for a logger, and our tests run
 * in parallel. A second thread that asks during that set-up gets a stand-in logger, and one that
 * asks in its last moments gets a stand-in that stays silent for the rest of the JVM's life (SLF4J
 * 2.0 hands it a no-op logger and no real one ever). The class that asked then logs nothing, in
 * every test of the run: a test waiting for one of its lines fails with a timeout although the
 * server did log it. This happened to example 06's {@code Worker}, whose class is first loaded
 * by whichever test starts a worker first. A server run from the command line is not exposed:
 * its main thread asks for a logger before it starts any other thread.
 */
public final class LoggingSetUpFirst implements LauncherSessionListener {

    /** Set once SLF4J hands out real loggers, before the first test; its own test reads it. */
    private static volatile boolean done;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        // The first logger asked for sets SLF4J up, on this thread; a real one says it is done.
        done = !(LoggerFactory.getLogger(LoggingSetUpFirst.class) instanceof SubstituteLogger);
    }

    static boolean done() {
        return done;
    }
}
