package gameloop.shared;

import static gameloop.shared.GameServer.MAX_MESSAGE_BYTES;
import static gameloop.shared.GameServer.MAX_QUEUED_FRAMES;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * What a {@link GameServer} serves, as Jetty handlers: the page at {@code /}, {@code /info}, the
 * WebSocket at {@code /connect} with its limits and its Origin check, and a clear status for
 * everything else. {@link GameServer} itself holds the life cycle: start, stop, and their order.
 */
final class Routes {

    private final Server server;
    private final Players players;
    private final Game game;
    /** Listening on the loopback interface only (the default): browsers must then use a loopback name. */
    private final boolean loopbackOnly;
    private final RefusedOrigins refusedOrigins = new RefusedOrigins();
    private final Duration idleTimeout;

    private Routes(Server server, ServerSettings settings, Players players, Game game) {
        this.server = server;
        this.players = players;
        this.game = game;
        this.loopbackOnly = SameOrigin.isLoopbackInterface(settings.host());
        this.idleTimeout = settings.idleTimeout();
    }

    /** The handler tree of a server for {@code settings}, whose players {@code game} plays with. */
    static Handler of(Server server, ServerSettings settings, Players players, Game game) {
        Routes routes = new Routes(server, settings, players, game);
        ContextHandler context = new ContextHandler("/");
        // The page is UTF-8: say so in the header too, so no browser has to guess before its <meta>.
        context.getMimeTypes().addMimeMapping("html", "text/html;charset=utf-8");
        WebSocketUpgradeHandler webSockets = WebSocketUpgradeHandler.from(server, context, routes::configure);
        // What is not served is answered first: Jetty's page handler would answer OPTIONS itself, anywhere.
        webSockets.setHandler(new Handler.Sequence(new NotServedHandler(), new InfoHandler(settings), routes.pageHandler()));
        context.setHandler(webSockets);
        return context;
    }

    private void configure(ServerWebSocketContainer container) {
        container.setMaxTextMessageSize(MAX_MESSAGE_BYTES);
        container.setMaxBinaryMessageSize(MAX_MESSAGE_BYTES);
        container.setMaxOutgoingFrames(MAX_QUEUED_FRAMES);
        container.setIdleTimeout(idleTimeout);
        container.addMapping("/connect", (request, response, callback) -> {
            // A browser sends one Origin at most. Two are not a browser's doing: refused, rather
            // than judged by whichever one a check happens to read.
            List<String> origins = request.getHeaders().getValuesList(HttpHeader.ORIGIN);
            String origin = origins.isEmpty() ? null : origins.get(0);
            if (origins.size() > 1
                    || !SameOrigin.allows(origin, Request.getServerName(request), Request.getServerPort(request), loopbackOnly)) {
                refusedOrigins.refused(origins);
                Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403,
                        "Cross-origin WebSocket refused");
                return null;
            }
            // No permessage-deflate: a tick is about 25 bytes, so compressing it saves nothing, and
            // each compressed connection holds a zlib compressor and decompressor for its whole
            // life (about 300 KiB with zlib's defaults) and costs CPU on every send.
            response.setExtensions(List.of());
            return new PlayerEndpoint(players, game);
        });
    }

    private ResourceHandler pageHandler() {
        ResourceHandler page = new ResourceHandler();
        // From the classpath: works from target/classes and from a jar alike.
        page.setBaseResource(ResourceFactory.of(server).newClassLoaderResource("gameloop/client/"));
        page.setWelcomeFiles("index.html");
        page.setDirAllowed(false);
        // Ask each time whether the page changed (a 304 if not): a learner who edits it and
        // restarts the example sees the new one, not the browser's guess at a fresh copy.
        page.setCacheControl("no-cache");
        page.setEtags(true);
        return page;
    }

    /** {@code GET /info}: which example this is, so the page can say what it is connected to. */
    private static final class InfoHandler extends Handler.Abstract.NonBlocking {
        private final String json;

        InfoHandler(ServerSettings settings) {
            json = "{\"example\":\"" + settings.example() + "\",\"tickMs\":" + settings.tickPeriod().toMillis() + "}";
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!"/info".equals(Request.getPathInContext(request)) || !isRead(request)) {
                return false; // any other method on /info has had its 405 from NotServedHandler
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, StandardCharsets.UTF_8.encode(json), callback);
            return true;
        }
    }

    /**
     * What this server does not serve, answered first, with the status that says why: 426 for a
     * plain request to the WebSocket endpoint (or an upgrade to a WebSocket version other than 13,
     * which Jetty lets through to here), and 405 for any method but GET and HEAD on any other path.
     * Everything else goes on to {@code /info} and the page, and a path neither knows gets
     * Jetty's own 404.
     */
    private static final class NotServedHandler extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if ("/connect".equals(Request.getPathInContext(request))) {
                // What to upgrade to: HTTP wants Connection beside Upgrade (RFC 9110, 7.8), and a
                // WebSocket client of another version is told which one we speak (RFC 6455, 4.2.2).
                response.getHeaders().put(HttpHeader.UPGRADE, "websocket");
                response.getHeaders().add(HttpHeader.CONNECTION, "upgrade");
                response.getHeaders().put(HttpHeader.SEC_WEBSOCKET_VERSION, "13");
                Response.writeError(request, response, callback, HttpStatus.UPGRADE_REQUIRED_426,
                        "This is the game's WebSocket endpoint: connect to it with a WebSocket client, as the page at / does");
                return true;
            }
            if (!isRead(request)) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405,
                        "Only GET and HEAD are served here");
                return true;
            }
            return false;
        }
    }

    private static boolean isRead(Request request) {
        return HttpMethod.GET.is(request.getMethod()) || HttpMethod.HEAD.is(request.getMethod());
    }
}
