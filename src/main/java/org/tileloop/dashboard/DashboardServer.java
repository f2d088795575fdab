package org.tileloop.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.tileloop.input.BadInputException;

/**
 * The dashboard's HTTP server (the JDK's {@link HttpServer}): the page and its static files, the
 * state as JSON, the event stream and run files (see README, "Dashboard"). Each request runs on
 * a pool thread; each event stream keeps its thread for its lifetime, at most {@link #MAX_STREAMS}.
 */
final class DashboardServer implements AutoCloseable {

    static final int MAX_STREAMS = 32;
    static final long KEEP_ALIVE_MS = 15_000;
    /** Largest backlog of one event stream before the client is dropped, bytes. */
    static final long MAX_QUEUED_BYTES = 64L << 20;

    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'";

    private final DashboardState state;
    private final Optional<String> token;
    private final Optional<java.nio.file.Path> runsDir;
    private final long keepAliveMs;
    private final long maxQueuedBytes;
    private final HttpServer server;
    private final ExecutorService pool;
    private final AtomicInteger streams = new AtomicInteger();
    private final AtomicInteger droppedStreams = new AtomicInteger();

    /**
     * Binds and starts serving.
     *
     * @param token required on {@code /api/} and {@code /runs/} requests when present
     * @throws BadInputException when the address cannot be bound (e.g. the port is in use)
     */
    DashboardServer(DashboardState state, InetSocketAddress address, Optional<String> token, Optional<java.nio.file.Path> runsDir,
                    long keepAliveMs, long maxQueuedBytes) {
        this.state = state;
        this.token = token;
        this.runsDir = runsDir;
        this.keepAliveMs = keepAliveMs;
        this.maxQueuedBytes = maxQueuedBytes;
        try {
            server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new BadInputException("dashboard: cannot listen on " + address.getAddress().getHostAddress() + " port "
                    + address.getPort() + ": " + e.getMessage());
        }
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(0, MAX_STREAMS + 16, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "dashboard-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The address served, e.g. {@code http://127.0.0.1:8080/}. */
    URI url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/");
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            var h = x.getResponseHeaders();
            h.set("Content-Security-Policy", CSP);
            h.set("X-Content-Type-Options", "nosniff");
            h.set("X-Frame-Options", "DENY");
            h.set("Referrer-Policy", "no-referrer");
            h.set("Cache-Control", "no-store");
            if (!x.getRequestMethod().equals("GET") && !x.getRequestMethod().equals("HEAD")) {
                h.set("Allow", "GET, HEAD");
                send(x, 405, "text/plain; charset=utf-8", "method not allowed\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = x.getRequestURI().getRawPath();
            if (path.startsWith("/api/") || path.startsWith("/runs/")) {
                if (!authorized(x)) {
                    h.set("WWW-Authenticate", "Bearer realm=\"tileloop dashboard\"");
                    send(x, 401, "text/plain; charset=utf-8", "a token is required: Authorization: Bearer <token> or ?token=<token>\n"
                            .getBytes(StandardCharsets.UTF_8));
                    return;
                }
            }
            Optional<ServedFiles.Content> content;
            if (path.equals("/") || path.equals("/index.html")) {
                content = ServedFiles.page();
            } else if (path.startsWith("/static/")) {
                content = ServedFiles.resource(path.substring("/static/".length()));
            } else if (path.equals("/api/state")) {
                content = Optional.of(new ServedFiles.Content(state.snapshot().toString().getBytes(StandardCharsets.UTF_8),
                        "application/json"));
            } else if (path.equals("/api/events")) {
                events(x);
                return;
            } else if (path.startsWith("/runs/") && path.chars().filter(c -> c == '/').count() == 3) {
                String[] p = path.split("/");
                content = ServedFiles.runFile(runsDir, p[2], p[3]);
            } else {
                content = Optional.empty();
            }
            if (content.isEmpty()) {
                send(x, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
            } else {
                send(x, 200, content.get().contentType(), content.get().bytes());
            }
        }
    }

    /** Without a token, everyone; with one, requests carrying it as a bearer token or {@code ?token=}. */
    private boolean authorized(HttpExchange x) {
        if (token.isEmpty()) {
            return true;
        }
        byte[] want = token.get().getBytes(StandardCharsets.UTF_8);
        String header = x.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.startsWith("Bearer ")
                && MessageDigest.isEqual(want, header.substring(7).strip().getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        String query = x.getRequestURI().getRawQuery();
        if (query != null) {
            for (String kv : query.split("&")) {
                if (kv.startsWith("token=") && MessageDigest.isEqual(want,
                        URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8))) {
                    return true;
                }
            }
        }
        return false;
    }

    private void events(HttpExchange x) throws IOException {
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            send(x, 503, "text/plain; charset=utf-8", ("at most " + MAX_STREAMS + " event streams\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        EventClient client = new EventClient(maxQueuedBytes, droppedStreams::incrementAndGet);
        try {
            byte[] first = new Change("state", state.listen(client)).sse();
            x.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            x.getResponseHeaders().set("X-Accel-Buffering", "no");
            x.sendResponseHeaders(200, 0);
            if (x.getRequestMethod().equals("GET")) {
                client.stream(x.getResponseBody(), first, keepAliveMs);
            }
        } catch (IOException e) {
            // the client went away
        } finally {
            state.unlisten(client);
            streams.decrementAndGet();
        }
    }

    /** Event streams dropped for falling behind. */
    int droppedStreams() {
        return droppedStreams.get();
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        boolean head = x.getRequestMethod().equals("HEAD");
        x.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops listening and ends every event stream. */
    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
