package gameloop.shared;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SameOriginTest {

    @Test
    void noOriginMeansNotABrowserAndIsAllowed() {
        assertTrue(SameOrigin.allows(null, "127.0.0.1", 8080));
    }

    @Test
    void thisServersOwnPageIsAllowed() {
        assertTrue(SameOrigin.allows("http://127.0.0.1:8080", "127.0.0.1", 8080));
        assertTrue(SameOrigin.allows("http://LOCALHOST:8080", "localhost", 8080));
        assertTrue(SameOrigin.allows("http://[::1]:8080", "[::1]", 8080));
        assertTrue(SameOrigin.allows("http://example.test", "example.test", 80));
    }

    @Test
    void anyOtherOriginIsRefused() {
        assertFalse(SameOrigin.allows("http://evil.example", "127.0.0.1", 8080));
        assertFalse(SameOrigin.allows("http://127.0.0.1:9999", "127.0.0.1", 8080));
        assertFalse(SameOrigin.allows("http://localhost:8080", "127.0.0.1", 8080));
        assertFalse(SameOrigin.allows("null", "127.0.0.1", 8080));
        assertFalse(SameOrigin.allows("file://", "127.0.0.1", 8080));
        assertFalse(SameOrigin.allows("not a url", "127.0.0.1", 8080));
    }
}
