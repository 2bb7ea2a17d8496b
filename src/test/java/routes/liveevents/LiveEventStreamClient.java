package routes.liveevents;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.BufferedInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real HTTP client of {@code GET /api/v2/events/stream} for integration tests, parsing Server-Sent Events as a
 * browser does. For a flow's IT after merging:
 *
 * <pre>{@code
 * try (LiveEventStreamClient events = LiveEventStreamClient.open(port, "video_id=" + videoId)) {
 *     ... make the flow run ...
 *     LiveEventStreamClient.Event done = events.await(e -> e.is("video.status") && "PROCESSED".equals(e.text("status")));
 *     assertThat(done.data().path("progress").asInt()).isEqualTo(100);
 * }
 * }</pre>
 */
public final class LiveEventStreamClient implements AutoCloseable {

    /** One event as EventSource dispatches it; {@code id} is null for heartbeats and replay notices. */
    public record Event(String id, String type, String rawData, JsonNode data) {

        public boolean is(String eventType) {
            return eventType.equals(type);
        }

        /** A text field of the data, e.g. {@code text("video_id")}; null when absent. */
        public String text(String field) {
            JsonNode value = data.get(field);
            return value == null || value.isNull() ? null : value.asText();
        }

        /** The id as a Redis stream id ({@code <ms>-<seq>}), ordered as the stream orders its entries. */
        public StreamId streamId() {
            return StreamId.of(id);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Socket socket;
    private final InputStream body;
    private final Map<String, List<String>> headers;
    private final List<Event> events = new ArrayList<>();
    private final Thread reader;
    private volatile boolean ended;
    private volatile String retry;
    private int consumed;

    private LiveEventStreamClient(Socket socket, InputStream body, Map<String, List<String>> headers) {
        this.socket = socket;
        this.body = body;
        this.headers = headers;
        this.reader = new Thread(this::read, "sse-test-client");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Opens the stream on {@code 127.0.0.1:port}; {@code query} without '?', may be empty. */
    public static LiveEventStreamClient open(int port, String query) throws IOException {
        return open(port, query, Map.of());
    }

    /**
     * Opens the stream with extra request headers (e.g. {@code Last-Event-ID}, {@code Origin}). A plain HTTP/1.1
     * socket, so that {@link #close()} really closes the connection as a browser tab does.
     */
    public static LiveEventStreamClient open(int port, String query, Map<String, String> extraHeaders) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        StringBuilder request = new StringBuilder("GET /api/v2/events/stream")
                .append(query == null || query.isEmpty() ? "" : "?" + query).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\nAccept: text/event-stream\r\n");
        extraHeaders.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = new BufferedInputStream(socket.getInputStream());
        String status = line(in);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.computeIfAbsent(header.substring(0, colon).trim(), k -> new ArrayList<>()).add(header.substring(colon + 1).trim());
        }
        boolean chunked = headers.getOrDefault("Transfer-Encoding", List.of()).contains("chunked");
        InputStream body = chunked ? new Chunked(in) : in;
        if (!status.startsWith("HTTP/1.1 200")) {
            String text = new String(body.readNBytes(4096), StandardCharsets.UTF_8);
            socket.close();
            throw new IllegalStateException("stream answered " + status + ": " + text);
        }
        socket.setSoTimeout(0);
        return new LiveEventStreamClient(socket, body, headers);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed inside the response head: " + line);
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    /** HTTP/1.1 chunked transfer coding, decoded as the chunks arrive. */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private int left;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                if (size.isEmpty()) {
                    size = line(in);
                }
                left = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, Math.min(len, left));
            if (n < 0) {
                done = true;
                return -1;
            }
            left -= n;
            return n;
        }
    }

    /** A response header, e.g. {@code header("Content-Type")}. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The {@code retry:} advice the stream sent, once read. */
    public String retry() {
        return retry;
    }

    /** True once the hub ended the stream. */
    public boolean ended() {
        return ended;
    }

    /** Every event received so far, in order. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The first event received since the last await that matches, waiting up to 10 s. */
    public Event await(Predicate<Event> wanted) {
        return await(wanted, Duration.ofSeconds(10));
    }

    public synchronized Event await(Predicate<Event> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (int i = consumed; i < events.size(); i++) {
                if (wanted.test(events.get(i))) {
                    consumed = i + 1;
                    return events.get(i);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || ended) {
                throw new AssertionError("no matching event within " + timeout + (ended ? " (stream ended)" : "")
                        + "; received: " + events);
            }
            try {
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** The first event of that type (e.g. {@code "video.status"}) since the last await. */
    public Event awaitType(String type) {
        return await(e -> e.is(type));
    }

    /** Waits until the hub ends the stream. */
    public synchronized void awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("stream still open after " + timeout);
            }
            try {
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String type = null;
            StringBuilder data = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        String raw = data.toString();
                        received(new Event(id, type == null ? "message" : type, raw, JSON.readTree(raw)));
                    }
                    id = null;
                    type = null;
                    data = null;
                    continue;
                }
                if (line.startsWith(":")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> type = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    case "retry" -> retry = value;
                    default -> { }
                }
            }
        } catch (IOException closed) {
            // closed by the test or the hub
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    private synchronized void received(Event event) {
        events.add(event);
        notifyAll();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
        reader.interrupt();
    }
}
