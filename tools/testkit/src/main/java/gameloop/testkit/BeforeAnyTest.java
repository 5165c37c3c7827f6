package gameloop.testkit;

import org.awaitility.Awaitility;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.SubstituteLogger;

/**
 * What must be settled once, on one thread, before tests start running in parallel in one JVM.
 * JUnit finds this class through {@code META-INF/services}, so every module whose tests use the
 * test kit gets it; there is nothing to call.
 *
 * <p><b>SLF4J is set up here.</b> It sets itself up on the first thread that asks it for a
 * logger. A second thread that asks during that set-up gets a stand-in logger, and one that asks
 * in its last moments gets a stand-in that stays silent for the rest of the JVM's life (SLF4J
 * 2.0 hands it a no-op logger and no real one ever). The class that asked then logs nothing, in
 * every test of the run: a test waiting for one of its lines fails with a timeout although the
 * server did log it. This happened to example 06's {@code Worker}, whose class is first loaded
 * by whichever test starts a worker first. A server run from the command line is not exposed:
 * its main thread asks for a logger before it starts any other thread.
 *
 * <p><b>Awaitility is told not to catch uncaught exceptions.</b> By default each {@code await()}
 * makes itself the JVM's default uncaught-exception handler while it waits, and when it is done
 * puts back the handler there was before any await. With tests in parallel the handler is then
 * whichever test's await started last, or none: a thread of one test that dies could fail
 * another, and the one it belongs to would pass. Every thread the servers start has a handler of
 * its own, which logs; a test's own thread that dies is reported by the JVM on the console, and
 * its test fails on what that thread left undone.
 */
public final class BeforeAnyTest implements LauncherSessionListener {

    /** Set once SLF4J hands out real loggers, before the first test; its own test reads it. */
    private static volatile boolean loggingSetUp;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        // The first logger asked for sets SLF4J up, on this thread; a real one says it is done.
        loggingSetUp = !(LoggerFactory.getLogger(BeforeAnyTest.class) instanceof SubstituteLogger);
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
    }

    static boolean loggingSetUp() {
        return loggingSetUp;
    }
}
