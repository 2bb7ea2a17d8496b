package routes.liveevents;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;

/**
 * A page on its own origin (a JDK HTTP server on 127.0.0.1) that opens {@code EventSource} with credentials against a
 * hub, in headless Chromium; the page POSTs what it receives back to this server.
 */
final class BrowserPage implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final HttpServer server;
    private final CompletableFuture<String> opened = new CompletableFuture<>();
    private final CompletableFuture<String> received = new CompletableFuture<>();
    private final StringBuffer errors = new StringBuffer();
    private volatile String page = "";
    private Process browser;
    private Path profile;

    BrowserPage() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = new byte[0];
            try (InputStream in = exchange.getRequestBody()) {
                String posted = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                switch (exchange.getRequestURI().getPath()) {
                    case "/opened" -> opened.complete(posted);
                    case "/received" -> received.complete(posted);
                    case "/error" -> errors.append(posted).append("; ");
                    default -> body = page.getBytes(StandardCharsets.UTF_8);
                }
            }
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Opens the page in headless Chromium; it listens for {@code eventType} on {@code streamUrl}. */
    void open(String streamUrl, String eventType) throws IOException {
        page = """
                <!doctype html><html><head><meta charset="utf-8"><title>live events</title></head><body><script>
                const report = (path, body) => fetch(path, {method: 'POST', body: body});
                const es = new EventSource('%s', {withCredentials: true});
                es.onopen = () => report('/opened', 'open');
                es.onerror = () => report('/error', 'readyState ' + es.readyState);
                es.addEventListener('%s', e => report('/received', JSON.stringify({id: e.lastEventId, data: JSON.parse(e.data)})));
                </script></body></html>
                """.formatted(streamUrl, eventType);
        profile = Files.createTempDirectory("chromium-profile");
        browser = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, origin() + "/"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    String awaitOpened(Duration timeout) throws Exception {
        return await(opened, timeout, "EventSource did not open");
    }

    String awaitReceived(Duration timeout) throws Exception {
        return await(received, timeout, "the page received no event");
    }

    private String await(CompletableFuture<String> future, Duration timeout, String what) throws Exception {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(what + " within " + timeout + "; page errors: " + errors, e);
        }
    }

    @Override
    public void close() throws IOException {
        if (browser != null) {
            browser.descendants().forEach(ProcessHandle::destroy);
            browser.destroy();
            try {
                if (!browser.waitFor(5, TimeUnit.SECONDS)) {
                    browser.descendants().forEach(ProcessHandle::destroyForcibly);
                    browser.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        server.stop(0);
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
