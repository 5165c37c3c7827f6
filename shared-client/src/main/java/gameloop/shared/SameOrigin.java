package gameloop.shared;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Origin check for WebSocket upgrades.
 *
 * <p>Browsers do not apply the same-origin policy to WebSockets: any web page a learner visits
 * could open {@code ws://127.0.0.1:8080/connect} and drive their local server (cross-site
 * WebSocket hijacking). Chromium-based browsers now ask the user first (Local Network Access),
 * but the user can say yes, and other browsers do not ask. What the browser does do is send an
 * {@code Origin} header it does not let the page forge. So we accept an upgrade only if it has
 * no Origin (not a browser: curl, tests, the load generator) or an Origin naming this very
 * server.
 *
 * <p>"This very server" is judged from the Host header, which the page's own address fills in.
 * That leaves one trick, DNS rebinding: a site first serves its page from its own address, then
 * points its name at 127.0.0.1, and the page's next request reaches the learner's server with
 * the site's name in Host and Origin alike. So a server bound to the loopback interface (the
 * default) also requires a loopback name: localhost, a 127.x.x.x or ::1 address. A server bound
 * to another address (-Dhost=0.0.0.0) may be reached by names it cannot know; there the Host
 * check is left out, as it would be behind a reverse proxy that checks names itself.
 */
final class SameOrigin {

    /** Four decimal parts: how a browser writes an IPv4 address in a URL once it has normalized it. */
    private static final Pattern IPV4_LITERAL = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private SameOrigin() {
    }

    /**
     * @param origin       the request's Origin header, or null
     * @param serverHost   the host the client addressed (from the Host header)
     * @param serverPort   the port the client addressed
     * @param loopbackOnly the server listens on the loopback interface only: a browser must then
     *                     have reached it by a loopback name
     */
    static boolean allows(String origin, String serverHost, int serverPort, boolean loopbackOnly) {
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
            String host = stripBrackets(uri.getHost());
            return host.equalsIgnoreCase(stripBrackets(serverHost)) && port == serverPort
                    && (!loopbackOnly || isLoopbackName(host));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** True if binding {@code bindHost} listens on the loopback interface only (127.0.0.1, localhost, ::1). */
    static boolean isLoopbackInterface(String bindHost) {
        try {
            return InetAddress.getByName(bindHost).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // binding will fail and say so
        }
    }

    /** localhost (and *.localhost, which browsers keep on the machine), or a loopback address literal. No DNS. */
    static boolean isLoopbackName(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return true;
        }
        Matcher ipv4 = IPV4_LITERAL.matcher(name);
        if (ipv4.matches()) {
            // Parsed here: InetAddress would take "999.1.1.1" for a name, and look it up.
            for (int part = 1; part <= 4; part++) {
                if (Integer.parseInt(ipv4.group(part)) > 255) {
                    return false;
                }
            }
            return ipv4.group(1).equals("127");
        }
        if (name.contains(":")) {
            try {
                // In brackets, InetAddress takes it as an IPv6 literal or refuses it: never a lookup.
                return InetAddress.getByName("[" + name + "]").isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false; // a name: whatever it resolves to now, it may resolve elsewhere next time
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
