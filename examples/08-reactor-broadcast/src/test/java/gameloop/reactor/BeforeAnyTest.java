package gameloop.reactor;

import org.awaitility.Awaitility;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Runs once, before the tests start running in parallel in one JVM. JUnit finds it through
 * {@code META-INF/services}; there is nothing to call. (Examples 01 to 06 and the load generator
 * get the same from the test kit's {@code BeforeAnyTest}. 07 and 08 do not depend on the test
 * kit, so that running either builds nothing but the example, and each keeps a copy of this.)
 *
 * <p><b>Awaitility is told not to catch uncaught exceptions.</b> By default each {@code await()}
 * makes itself the JVM's default uncaught-exception handler while it waits, and when it is done
 * puts back the handler there was before any await. With tests in parallel the handler is then
 * whichever test's await started last, or none: a thread of one test that dies could fail
 * another test's await, and the test it belongs to would pass. Left alone, a thread that dies is
 * reported by the JVM on the console, and its own test fails on what that thread left undone.
 */
public final class BeforeAnyTest implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Awaitility.doNotCatchUncaughtExceptionsByDefault();
    }
}
