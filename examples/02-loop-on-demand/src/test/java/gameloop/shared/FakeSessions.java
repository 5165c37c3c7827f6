package gameloop.shared;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Session;

/**
 * A game driven without Jetty: players whose sessions are stand-ins. Lives in the shared package
 * because joining is the endpoint's business, not public API. For failures no real connection
 * can be made to produce, such as an {@link Error} thrown from inside a send.
 */
public final class FakeSessions {

    private FakeSessions() {
    }

    /** Tells {@code players} which game to report joins and leaves to, as the server does. */
    public static void attach(Players players, Game game) {
        players.attach(game);
    }

    /** Joins a player whose session counts its sends and throws {@code failure} from the first one. */
    public static Player joinFailingFirstSend(Players players, AtomicInteger sends, Error failure) {
        Session session = (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "sendText" -> {
                        if (sends.getAndIncrement() == 0) {
                            throw failure;
                        }
                        yield null;
                    }
                    case "getRemoteSocketAddress" -> new InetSocketAddress(0);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "fake session";
                    default -> null;
                });
        return players.join(session);
    }
}
