package gameloop.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.net.BindException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Which one line a failure to listen becomes, told from the settings rather than the system's
 * wording. The failures are made by hand, shaped as Jetty throws them (an IOException "Failed
 * to bind to ..." around the cause); the test kit's CannotListenTest binds a port for real.
 */
class CannotListenTest {

    @Test
    void aPortInUseSaysToStopTheOtherProgramOrChooseAnotherPort() {
        CannotListen said = said("127.0.0.1", 8080, new BindException("Address already in use"));
        assertEquals("Cannot listen on 127.0.0.1 port 8080: Address already in use; another program has this port"
                + " (an example still running?): stop it, or choose another port with -Dport=", said.getMessage());
        assertEquals(0, said.getStackTrace().length, "a stack trace would bury the message");
        assertNull(said.getCause());
    }

    @Test
    void aPrivilegedPortSaysSoWhateverTheSystemCallsIt() {
        assertEquals("Cannot listen on 127.0.0.1 port 80: Permission denied; a port below 1024 needs privileges:"
                + " choose another with -Dport=", said("127.0.0.1", 80, new BindException("Permission denied")).getMessage());
    }

    @Test
    void port1024IsTheFirstThatNeedsNoPrivileges() {
        assertEquals("Cannot listen on 127.0.0.1 port 1024: Address already in use; another program has this port"
                + " (an example still running?): stop it, or choose another port with -Dport=",
                said("127.0.0.1", 1024, new BindException("Address already in use")).getMessage());
    }

    @Test
    void aHostThatIsNotThisMachinesSaysSo() {
        // 192.0.2.0/24 is reserved for documentation (RFC 5737): no machine has an address in it.
        assertEquals("Cannot listen on 192.0.2.1 port 8080: Cannot assign requested address; -Dhost is not an"
                + " address of this machine",
                said("192.0.2.1", 8080, new BindException("Cannot assign requested address")).getMessage());
    }

    @Test
    void aHostThatIsNoAddressAtAllSaysSo() {
        assertEquals("Cannot listen on no-such-host.invalid port 8080: no such host; check -Dhost",
                said("no-such-host.invalid", 8080, new UnresolvedAddressException()).getMessage());
    }

    @Test
    void anyOtherFailureIsLeftAsItIs() {
        IOException other = new IOException("something else");
        assertSame(other, CannotListen.whenItIs(settings("127.0.0.1", 8080), other));
    }

    private static CannotListen said(String host, int port, Exception cause) {
        Exception failure = new IOException("Failed to bind to " + host + ":" + port, cause);
        return assertInstanceOf(CannotListen.class, CannotListen.whenItIs(settings(host, port), failure));
    }

    private static ServerSettings settings(String host, int port) {
        return new ServerSettings("cannot-listen", host, port, Duration.ofSeconds(1));
    }
}
