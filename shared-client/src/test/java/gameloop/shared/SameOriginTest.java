package gameloop.shared;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SameOriginTest {

    @Test
    void noOriginMeansNotABrowserAndIsAllowed() {
        assertTrue(SameOrigin.allows(null, "127.0.0.1", 8080, true));
    }

    @Test
    void thisServersOwnPageIsAllowed() {
        assertTrue(SameOrigin.allows("http://127.0.0.1:8080", "127.0.0.1", 8080, true));
        assertTrue(SameOrigin.allows("http://LOCALHOST:8080", "localhost", 8080, true));
        assertTrue(SameOrigin.allows("http://[::1]:8080", "[::1]", 8080, true));
        assertTrue(SameOrigin.allows("http://example.test", "example.test", 80, false)); // a server listening on all interfaces
    }

    @Test
    void aLoopbackServerRefusesAPageThatReachedItByAnotherName() {
        // DNS rebinding: evil.example was pointed at 127.0.0.1 after its page loaded, so Host
        // and Origin agree, and both name the attacker's site.
        assertFalse(SameOrigin.allows("http://evil.example:8080", "evil.example", 8080, true));
        // A server listening on every interface cannot know all its names, and lets it through.
        assertTrue(SameOrigin.allows("http://evil.example:8080", "evil.example", 8080, false));
    }

    @Test
    void loopbackNamesAreToldApartWithoutAskingTheDns() {
        assertTrue(SameOrigin.isLoopbackName("localhost"));
        assertTrue(SameOrigin.isLoopbackName("game.localhost"));
        assertTrue(SameOrigin.isLoopbackName("127.0.0.1"));
        assertTrue(SameOrigin.isLoopbackName("127.1.2.3"));
        assertTrue(SameOrigin.isLoopbackName("::1"));
        assertFalse(SameOrigin.isLoopbackName("evil.example"));
        assertFalse(SameOrigin.isLoopbackName("localhost.evil.example"));
        assertFalse(SameOrigin.isLoopbackName("10.0.0.1"));
        assertFalse(SameOrigin.isLoopbackName("0.0.0.0"));
        assertTrue(SameOrigin.isLoopbackName("::ffff:127.0.0.1"));
        // Not loopback, and not to be looked up as names (a lookup on a Jetty thread can hang):
        // malformed addresses, another machine's, the unspecified "::", "localhost." with its dot.
        assertFalse(SameOrigin.isLoopbackName("127.0.0.256"));
        assertFalse(SameOrigin.isLoopbackName("999.999.999.999"));
        assertFalse(SameOrigin.isLoopbackName("::1::"));
        assertFalse(SameOrigin.isLoopbackName("2001:db8::1")); // an IPv6 address, but not this machine's loopback
        assertFalse(SameOrigin.isLoopbackName("::"));
        assertFalse(SameOrigin.isLoopbackName("localhost."));
    }

    @Test
    void theBindAddressSaysWhetherTheServerIsLoopbackOnly() {
        assertTrue(SameOrigin.isLoopbackInterface("127.0.0.1"));
        assertTrue(SameOrigin.isLoopbackInterface("localhost"));
        assertFalse(SameOrigin.isLoopbackInterface("0.0.0.0"));
    }

    @Test
    void anyOtherOriginIsRefused() {
        assertFalse(SameOrigin.allows("http://evil.example", "127.0.0.1", 8080, true));
        assertFalse(SameOrigin.allows("http://127.0.0.1:9999", "127.0.0.1", 8080, true));
        assertFalse(SameOrigin.allows("http://localhost:8080", "127.0.0.1", 8080, true));
        assertFalse(SameOrigin.allows("null", "127.0.0.1", 8080, true));
        assertFalse(SameOrigin.allows("file://", "127.0.0.1", 8080, true));
        assertFalse(SameOrigin.allows("not a url", "127.0.0.1", 8080, true));
    }
}
