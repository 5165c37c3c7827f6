package gameloop.testkit;

/** Tear-down for tests: closes everything a test opened, in order, even when part of it fails. */
public final class Teardown {

    private Teardown() {
    }

    /**
     * Closes each resource that is not null, in the order given (clients before the server they
     * talk to). One that fails does not stop the rest: a server left running would keep its
     * threads, and in 06 a child JVM, into the next test. The first failure is thrown at the end,
     * with any others added to it as suppressed.
     */
    public static void closeAll(AutoCloseable... resources) {
        RuntimeException failure = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue; // it never started
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException runtime ? runtime : new IllegalStateException("Could not close " + resource, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
