package routes.liveevents;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark of the SSE stream (never run by {@code verify}; bench/live-events/run.sh starts a hub and runs this):
 * N concurrent clients on one non-blocking selector, events POSTed to the internal broadcast endpoint, and for every
 * client and event the time from the POST to the event's arrival (publish -> Redis stream (XADD, XREAD) -> hub -> client).
 * Prints plain {@code name: value unit} lines. Sends traffic only to 127.0.0.1.
 *
 * <p>Arguments: {@code port secret hubPid clients[,clients...] [events] [intervalMs]}.
 */
public final class LiveEventsBenchmark {

    private static final String HOST = "127.0.0.1";

    private final int port;
    private final String secret;
    private final long hubPid;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private LiveEventsBenchmark(int port, String secret, long hubPid) {
        this.port = port;
        this.secret = secret;
        this.hubPid = hubPid;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: LiveEventsBenchmark port secret hubPid clients[,clients...] [events] [intervalMs]");
            System.exit(2);
        }
        LiveEventsBenchmark bench = new LiveEventsBenchmark(Integer.parseInt(args[0]), args[1], Long.parseLong(args[2]));
        int events = args.length > 4 ? Integer.parseInt(args[4]) : 20;
        long interval = args.length > 5 ? Long.parseLong(args[5]) : 250;
        System.out.println("hub_rss_idle: " + bench.rssMb() + " MB");
        for (String n : args[3].split(",")) {
            bench.round(Integer.parseInt(n.trim()), events, interval);
        }
    }

    /** One SSE connection: the bytes not yet parsed and when each event arrived. */
    private static final class Client {
        final SocketChannel channel;
        final StringBuilder pending = new StringBuilder();
        boolean open;
        boolean closed;
        final long[] arrived;

        Client(SocketChannel channel, int events) {
            this.channel = channel;
            this.arrived = new long[events];
        }
    }

    private void round(int clients, int events, long intervalMs) throws Exception {
        long[] published = new long[events];
        List<Client> all = new ArrayList<>(clients);
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        byte[] request = ("GET /api/v2/events/stream?types=video.status&video_id=bench HTTP/1.1\r\nHost: " + HOST + ":" + port
                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try (Selector selector = Selector.open()) {
            long connectStart = System.nanoTime();
            int batch = 250;
            for (int from = 0; from < clients; from += batch) {
                int to = Math.min(clients, from + batch);
                for (int i = from; i < to; i++) {
                    SocketChannel channel = SocketChannel.open();
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    channel.connect(new InetSocketAddress(HOST, port));
                    channel.write(ByteBuffer.wrap(request));
                    channel.configureBlocking(false);
                    Client client = new Client(channel, events);
                    channel.register(selector, SelectionKey.OP_READ, client);
                    all.add(client);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (all.subList(from, to).stream().anyMatch(c -> !c.open && !c.closed) && System.nanoTime() < deadline) {
                    poll(selector, buffer, published, 100);
                }
            }
            long opened = all.stream().filter(c -> c.open).count();
            double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
            System.out.printf("clients_%d_connected: %d clients%n", clients, opened);
            System.out.printf("clients_%d_connect_time: %.2f s%n", clients, connectSeconds);
            System.out.printf("clients_%d_hub_reports: %s connected_clients%n", clients, connectedClients());
            System.out.printf("clients_%d_hub_rss_connected: %d MB%n", clients, rssMb());

            // warm-up events (not measured): the first publishes of a round take the cold paths
            for (int w = 0; w < 3; w++) {
                broadcast(1_000_000 + w);
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMs);
                while (System.nanoTime() < until) {
                    poll(selector, buffer, published, 5);
                }
            }
            for (int e = 0; e < events; e++) {
                published[e] = System.nanoTime();
                broadcast(e);
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMs);
                while (System.nanoTime() < until) {
                    poll(selector, buffer, published, 5);
                }
            }
            long drain = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!allArrived(all, events) && System.nanoTime() < drain) {
                poll(selector, buffer, published, 50);
            }
            report(clients, events, all, published);
            System.out.printf("clients_%d_hub_rss_after_events: %d MB%n", clients, rssMb());
            for (Client client : all) {
                client.channel.close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!"0".equals(connectedClients()) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        System.out.printf("clients_%d_hub_reports_after_close: %s connected_clients%n", clients, connectedClients());
    }

    private static boolean allArrived(List<Client> all, int events) {
        for (Client client : all) {
            if (client.open && client.arrived[events - 1] == 0) {
                return false;
            }
        }
        return true;
    }

    private void poll(Selector selector, ByteBuffer buffer, long[] published, long timeoutMs) throws IOException {
        selector.select(timeoutMs);
        long now = System.nanoTime();
        for (SelectionKey key : selector.selectedKeys()) {
            Client client = (Client) key.attachment();
            buffer.clear();
            int read;
            try {
                read = client.channel.read(buffer);
            } catch (IOException e) {
                read = -1;
            }
            if (read < 0) {
                client.closed = true;
                key.cancel();
                continue;
            }
            buffer.flip();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            client.pending.append(new String(bytes, StandardCharsets.ISO_8859_1));
            parse(client, now, published);
        }
        selector.selectedKeys().clear();
    }

    /** Finds the status line and every {@code bench-N"} marker; keeps an incomplete tail for the next read. */
    private static void parse(Client client, long now, long[] published) {
        StringBuilder text = client.pending;
        if (!client.open) {
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                return;
            }
            if (!text.substring(0, Math.min(12, text.length())).startsWith("HTTP/1.1 200")) {
                client.closed = true;
                return;
            }
            client.open = true;
            text.delete(0, end + 4);
        }
        int from = 0;
        while (true) {
            int marker = text.indexOf("bench-", from);
            if (marker < 0) {
                from = Math.max(from, text.length() - 6);
                break;
            }
            int quote = text.indexOf("\"", marker);
            if (quote < 0) {
                from = marker;
                break;
            }
            int seq = Integer.parseInt(text.substring(marker + 6, quote));
            if (seq >= 0 && seq < client.arrived.length && client.arrived[seq] == 0 && published[seq] != 0) {
                client.arrived[seq] = now;
            }
            from = quote + 1;
        }
        text.delete(0, Math.max(0, from));
    }

    private void broadcast(int seq) throws Exception {
        String body = "{\"type\":\"video.status\",\"video_id\":\"bench\",\"status\":\"PROCESSING\",\"progress\":" + (seq % 101)
                + ",\"message\":\"bench-" + seq + "\"}";
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port
                        + "/api/v2/events/internal/broadcast")).header("Content-Type", "application/json")
                .header("X-Internal-Secret", secret).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 202) {
            throw new IllegalStateException("broadcast answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    private static void report(int clients, int events, List<Client> all, long[] published) {
        long[] latencies = new long[clients * events];
        int count = 0;
        long[] lastArrival = new long[events];
        for (Client client : all) {
            for (int e = 0; e < events; e++) {
                if (client.arrived[e] != 0) {
                    latencies[count++] = client.arrived[e] - published[e];
                    lastArrival[e] = Math.max(lastArrival[e], client.arrived[e]);
                }
            }
        }
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        long[] fanout = new long[events];
        for (int e = 0; e < events; e++) {
            fanout[e] = lastArrival[e] == 0 ? Long.MAX_VALUE : lastArrival[e] - published[e];
        }
        Arrays.sort(fanout);
        System.out.printf("clients_%d_events_published: %d events%n", clients, events);
        System.out.printf("clients_%d_deliveries: %d of %d%n", clients, count, (long) clients * events);
        if (count > 0) {
            System.out.printf("clients_%d_latency_p50: %.2f ms%n", clients, pct(sorted, 0.50) / 1e6);
            System.out.printf("clients_%d_latency_p99: %.2f ms%n", clients, pct(sorted, 0.99) / 1e6);
            System.out.printf("clients_%d_latency_max: %.2f ms%n", clients, sorted[sorted.length - 1] / 1e6);
            System.out.printf("clients_%d_last_client_p50: %.2f ms%n", clients, pct(fanout, 0.50) / 1e6);
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private String connectedClients() {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + "/api/v2/events/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            int at = body.indexOf("\"connected_clients\":");
            return at < 0 ? "?" : body.substring(at + 20).replaceAll("[^0-9].*", "");
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    private long rssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + hubPid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }
}
