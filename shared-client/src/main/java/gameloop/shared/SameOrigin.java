package gameloop.shared;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The Origin check for WebSocket upgrades.
 *
 * <p>Browsers do not apply the same-origin policy to WebSockets: any web page a learner visits
 * could open {@code ws://127.0.0.1:8080/connect} and drive their local server (cross-site
 * WebSocket hijacking). What the browser does do is send an {@code Origin} header it does not
 * let the page forge. So we accept an upgrade only if it has no Origin (not a browser: curl,
 * tests, the load generator) or an Origin naming this very server.
 */
final class SameOrigin {

    private SameOrigin() {
    }

    /**
     * @param origin     the request's Origin header, or null
     * @param serverHost the host the client addressed (from the Host header)
     * @param serverPort the port the client addressed
     */
    static boolean allows(String origin, String serverHost, int serverPort) {
        if (origin == null) {
            return true;
        }
        try {
            URI uri = new URI(origin);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
                return false; // includes the literal "null" origin of sandboxed frames and files
            }
            int port = uri.getPort() != -1 ? uri.getPort() : (scheme.equals("https") ? 443 : 80);
            return stripBrackets(uri.getHost()).equalsIgnoreCase(stripBrackets(serverHost)) && port == serverPort;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
