package gameloop.shared;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.channels.UnresolvedAddressException;

/**
 * The server could not listen where it was told to: the port is taken or needs privileges, or
 * {@code -Dhost} is no address of this machine, or no address at all. The message says which,
 * and what to do, in one line. It has no stack trace: where it was thrown is of no use to whoever
 * reads it, and Jetty's own exception would bury the same line under fifty lines of trace.
 */
public final class CannotListen extends Exception {

    private CannotListen(String message) {
        super(message, null, false, false);
    }

    /** {@code failure} said in one line if it is a failure to listen; otherwise {@code failure} itself. */
    static Exception whenItIs(ServerSettings settings, Exception failure) {
        String where = "Cannot listen on " + settings.host() + " port " + settings.port() + ": ";
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnresolvedAddressException) {
                return new CannotListen(where + "no such host; check -Dhost");
            }
            if (cause instanceof BindException bind) {
                return new CannotListen(where + bind.getMessage() + "; " + whatToDo(settings));
            }
        }
        return failure;
    }

    /**
     * Told from the settings, not from the error's text, which the system words (and may
     * translate) as it likes.
     */
    private static String whatToDo(ServerSettings settings) {
        if (!isThisMachines(settings.host())) {
            return "-Dhost is not an address of this machine";
        }
        if (settings.port() > 0 && settings.port() < 1024) {
            return "a port below 1024 needs privileges: choose another with -Dport=";
        }
        return "another program has this port (an example still running?): stop it, or choose another"
                + " port with -Dport=";
    }

    private static boolean isThisMachines(String host) {
        try {
            InetAddress address = InetAddress.getByName(host); // looked up by the bind already
            return address.isAnyLocalAddress() || address.isLoopbackAddress()
                    || NetworkInterface.getByInetAddress(address) != null;
        } catch (IOException e) {
            return true; // cannot tell: a port in use is the likelier cause
        }
    }
}
