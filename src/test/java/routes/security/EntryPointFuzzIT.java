package routes.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

import routes.eventbridge.EventBridgeSettings;
import routes.support.HubIntegrationTest;
import routes.support.HubResources;

/**
 * A fuzz test per HTTP entry point of both listeners (docs/security.adoc "Fuzz tests"). For every endpoint,
 * {@code fuzz.requests} deterministic requests ({@link FuzzInputs}, seed {@code fuzz.seed}; default 1000 per endpoint,
 * about 80 s for all of them on two idle cores; the 10,000 with {@code -Dfuzz.requests=10000}) over fresh and kept-alive
 * connections ({@link RawHttpClient}): bodies of every {@link FuzzInputs.BodyClass class} under every content type,
 * missing, duplicate and conflicting headers, other methods, broken percent-escapes in path and query, other HTTP
 * versions. Every request must get an answer: no 5xx (except 501 and 505, the protocol's own answers to an unknown
 * method or version, counted apart, and the health endpoint's 503 for a peer that is down), no reset, no timeout.
 * Afterwards a valid call of each endpoint must still be answered as usual (the transcript callbacks: 404 for a
 * request the hub never sent, which needs the secret, the id and the body to have passed). The status spread is
 * printed per endpoint.
 */
@HubIntegrationTest
class EntryPointFuzzIT {

    private static final String SECRET = "it-secret";
    private static final int TIMEOUT_MS = 10_000;
    private static final String USER = "fuzz-it-user";

    @LocalServerPort
    int port;

    @Value("${hub.internal-listener.port}")
    int internalPort;

    @Value("${hub.http.max-body-bytes}")
    int publicMaxBody;

    @Value("${hub.extraction.callback.max-body-bytes}")
    int extractionMaxBody;

    @Autowired
    HubResources resources;

    @Autowired
    EventBridgeSettings eventBridge;

    private final int requests = Integer.getInteger("fuzz.requests", 1000);
    private final long seed = Long.getLong("fuzz.seed", 17L);

    @AfterEach
    void cleanUp() {
        resources.deleteKeys("events:" + USER + "*", "features:" + USER + "*", "ml:serving:features:" + USER + "*");
        // the valid ingests and send_batch calls among the fuzz went to the (unstubbed) Python event API and were parked
        resources.purgeQueues(eventBridge.python().outboxQueue(), eventBridge.python().parkingQueue(),
                eventBridge.python().deadLetterQueue());
    }

    /** One entry point: where it is, how a valid call looks and what it is answered. */
    record Endpoint(String name, boolean internal, String method, List<String> paths, String validBody,
                    boolean guarded, int validStatus, String validTarget) {
    }

    private List<Endpoint> endpoints() {
        String guid = "0f8fad5b-d9cb-469f-a165-70867728950e";
        String ingest = "{\"source\":\"driver_app\",\"events\":[{\"event_type\":\"page_view\",\"user_id\":\"" + USER
                + "\",\"timestamp\":1700000000,\"properties\":{\"page\":\"home\",\"n\":3}}]}";
        return List.of(
                new Endpoint("POST /api/ml/events/ingest", false, "POST", List.of("/api/ml/events/ingest"), ingest, false,
                        202, "/api/ml/events/ingest"),
                new Endpoint("POST /api/ml/bridge/python", false, "POST", List.of("/api/ml/bridge/python"),
                        "{\"action\":\"send_batch\",\"source\":\"driver_app\",\"events\":[{\"event_type\":\"page_view\",\"user_id\":\""
                                + USER + "\"}]}", false, 200, "/api/ml/bridge/python"),
                new Endpoint("GET /api/ml/bridge/python", false, "GET",
                        List.of("/api/ml/bridge/python?action=health", "/api/ml/bridge/python?action=features&user_id=" + USER,
                                "/api/ml/bridge/python"), null, false, 200, "/api/ml/bridge/python?action=health"),
                new Endpoint("GET /api/v2/events/stream", false, "GET",
                        List.of("/api/v2/events/stream?video_id=fuzz-video", "/api/v2/events/stream?types=video.status&last_event_id=3",
                                "/api/v2/events/stream"), null, false, 200, "/api/v2/events/stream?video_id=fuzz-video"),
                new Endpoint("GET /api/v2/events/health", false, "GET", List.of("/api/v2/events/health"), null, false, 200,
                        "/api/v2/events/health"),
                new Endpoint("POST /api/v2/events/internal/broadcast", false, "POST", List.of("/api/v2/events/internal/broadcast"),
                        "{\"type\":\"video.status\",\"video_id\":\"fuzz-video\",\"status\":\"PROCESSING\",\"progress\":45,"
                                + "\"message\":\"Transcribing audio...\",\"data\":{\"a\":1}}", true, 202,
                        "/api/v2/events/internal/broadcast"),
                new Endpoint("POST /internal/transcripts/{id}/progress", false, "POST",
                        List.of("/internal/transcripts/" + guid + "/progress", "/internal/transcripts/not-a-guid/progress"),
                        "{\"status\":\"PROCESSING\",\"progress_percentage\":40,\"message\":\"working\"}", true, 404,
                        "/internal/transcripts/" + guid + "/progress"),
                new Endpoint("POST /internal/transcripts/{id}/completed", false, "POST",
                        List.of("/internal/transcripts/" + guid + "/completed", "/internal/transcripts/%20/completed"),
                        "{\"success\":true,\"transcript\":\"hello world\",\"error\":null}", true, 404,
                        "/internal/transcripts/" + guid + "/completed"),
                new Endpoint("/actuator/*", false, "GET",
                        List.of("/actuator/health", "/actuator/health/liveness", "/actuator/info", "/actuator/prometheus",
                                "/actuator/metrics", "/actuator/camelroutes", "/actuator", "/actuator/hawtio", "/actuator/jolokia"),
                        null, false, 200, "/actuator/health/liveness"),
                new Endpoint("public, other paths", false, "GET",
                        List.of("/", "/api/openapi.json", "/api/ml/unknown", "/favicon.ico", "/error"), null, false, 200,
                        "/api/openapi.json"),
                new Endpoint("POST :8081/extraction/internal/completed", true, "POST", List.of("/extraction/internal/completed"),
                        "{\"contentId\":\"fuzz-content\"}", true, 200, "/extraction/internal/completed"),
                new Endpoint(":8081/internal/dead-letters", true, "GET",
                        List.of("/internal/dead-letters", "/internal/dead-letters/fuzz-place", "/internal/dead-letters/fuzz-place/redrive",
                                "/internal/dead-letters/fuzz-place?limit=5", "/internal/dead-letters/fuzz-place?confirm=fuzz-place"),
                        null, true, 200, "/internal/dead-letters"),
                new Endpoint(":8081 other paths", true, "GET", List.of("/", "/extraction", "/internal", "/internal/dead-lettersx"),
                        null, false, 404, "/extraction"));
    }

    @Test
    void everyEntryPointAnswersEveryRequest() throws Exception {
        FuzzInputs inputs = new FuzzInputs(seed);
        List<String> spread = new ArrayList<>();
        Map<String, List<String>> failures = new LinkedHashMap<>();
        long started = System.nanoTime();
        for (Endpoint endpoint : endpoints()) {
            Tally tally = fuzz(endpoint, inputs);
            spread.add(endpoint.name() + ": " + tally);
            if (!tally.failures.isEmpty()) {
                failures.put(endpoint.name(), tally.failures);
            }
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000;
        System.out.println("Fuzz spread (fuzz.requests=" + requests + ", fuzz.seed=" + seed + ", " + seconds + " s):");
        spread.forEach(line -> System.out.println("  " + line));
        failures.forEach((name, list) -> list.stream().limit(5).forEach(f -> System.out.println("  FAILED " + name + ": " + f)));

        List<String> afterwards = new ArrayList<>();
        for (Endpoint endpoint : endpoints()) {
            RawHttpClient.Outcome valid = validCall(endpoint);
            if (valid.status() != endpoint.validStatus()) {
                afterwards.add(endpoint.name() + " answered " + valid.kind() + " " + valid.status() + " " + valid.bodyText());
            }
        }
        assertThat(failures).as("5xx, resets and timeouts per endpoint (first five each)").isEmpty();
        assertThat(afterwards).as("valid calls after the fuzzing").isEmpty();
    }

    private Tally fuzz(Endpoint endpoint, FuzzInputs inputs) throws UnknownHostException {
        Tally tally = new Tally();
        int listenerPort = endpoint.internal() ? internalPort : port;
        try (RawHttpClient client = new RawHttpClient(listenerPort, TIMEOUT_MS)) {
            for (int i = 0; i < requests; i++) {
                FuzzRequest request = request(endpoint, inputs);
                // the extraction callback is rate limited per caller address (EXTRACTION_RATE_LIMIT_*): the requests
                // come from many loopback addresses so that they reach the parsing behind the limiter
                InetAddress from = endpoint.internal()
                        ? InetAddress.getByAddress(new byte[] {127, 0, (byte) (1 + i / 200 % 200), (byte) (1 + i % 200)}) : null;
                RawHttpClient.Outcome outcome = client.send(request.bytes(), request.fresh(), request.method().equals("HEAD"), from);
                tally.count(outcome, request.describe(), request.target(), request.method().equals("HEAD"));
            }
        }
        return tally;
    }

    private RawHttpClient.Outcome validCall(Endpoint endpoint) {
        try (RawHttpClient client = new RawHttpClient(endpoint.internal() ? internalPort : port, TIMEOUT_MS)) {
            List<String> headers = new ArrayList<>(List.of("Host: 127.0.0.1", "Connection: close"));
            byte[] body = new byte[0];
            if (endpoint.validBody() != null) {
                body = endpoint.validBody().getBytes(StandardCharsets.UTF_8);
                headers.add("Content-Type: application/json");
                headers.add("Content-Length: " + body.length);
            }
            if (endpoint.guarded()) {
                headers.add("X-Internal-Secret: " + SECRET);
            }
            FuzzRequest request = new FuzzRequest(endpoint.method(), endpoint.validTarget(), "HTTP/1.1", headers, body, true);
            return client.send(request.bytes(), true, false, null);
        }
    }

    /** One request as it goes on the wire. */
    record FuzzRequest(String method, String target, String version, List<String> headers, byte[] body, boolean fresh) {

        byte[] bytes() {
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            StringBuilder head = new StringBuilder(method).append(' ').append(target);
            if (!version.isEmpty()) {
                head.append(' ').append(version);
            }
            head.append("\r\n");
            headers.forEach(header -> head.append(header).append("\r\n"));
            head.append("\r\n");
            wire.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            wire.writeBytes(body);
            return wire.toByteArray();
        }

        String describe() {
            String shownTarget = target.length() > 80 ? target.substring(0, 80) + "..." : target;
            List<String> shownHeaders = headers.stream().map(h -> h.length() > 60 ? h.substring(0, 60) + "..." : h)
                    .limit(8).toList();
            return method + " " + shownTarget + " " + version + " " + shownHeaders + " body " + body.length + " bytes"
                    + (fresh ? " (fresh connection)" : " (kept-alive connection)");
        }
    }

    private FuzzRequest request(Endpoint endpoint, FuzzInputs inputs) {
        String method = endpoint.method();
        String target = inputs.pick(endpoint.paths());
        String version = "HTTP/1.1";
        boolean close = false;
        List<String> headers = new ArrayList<>();
        headers.add("Host: 127.0.0.1");
        FuzzInputs.BodyClass kind = endpoint.validBody() == null && inputs.chance(0.7)
                ? FuzzInputs.BodyClass.EMPTY : inputs.bodyClass();
        int oversized = (endpoint.internal() ? extractionMaxBody : publicMaxBody) + 1 + inputs.nextInt(1024);
        if (endpoint.internal() && inputs.chance(0.3)) {
            // over netty-http's own aggregation limit (1 MiB) as well
            oversized = (1 << 20) + 1 + inputs.nextInt(1024);
        }
        byte[] body = inputs.body(kind, endpoint.validBody(), oversized);
        String contentType = switch (kind) {
            case FORM_URLENCODED -> "application/x-www-form-urlencoded";
            case MULTIPART -> inputs.pick(List.of("multipart/form-data; boundary=fuzzboundary", "multipart/form-data",
                    "multipart/form-data; boundary=", "multipart/form-data; boundary=\"unterminated"));
            default -> inputs.chance(0.6) ? "application/json" : inputs.pick(FuzzInputs.CONTENT_TYPES);
        };
        boolean withContentType = kind != FuzzInputs.BodyClass.EMPTY || inputs.chance(0.5);
        if (withContentType) {
            headers.add("Content-Type: " + contentType);
        }
        if (endpoint.guarded() && inputs.chance(0.9)) {
            headers.add("X-Internal-Secret: " + SECRET);
        }
        String framing = "length";
        switch (inputs.nextInt(20)) {
            case 0 -> method = inputs.pick(FuzzInputs.METHODS);
            case 1 -> method = inputs.pick(FuzzInputs.METHODS);
            case 2 -> target = inputs.target(target);
            case 3 -> target = inputs.target(target);
            case 4 -> target = inputs.target(target) + (inputs.chance(0.5) ? "\u00e9\u00ff" : "");
            case 5 -> {
                version = inputs.pick(FuzzInputs.VERSIONS);
                close = true;
            }
            case 6 -> headers.add(inputs.pick(List.of("Content-Type: text/plain", "Content-Type: application/json",
                    "Content-Type: application/x-www-form-urlencoded", "Host: other.example", "X-Internal-Secret: " + SECRET,
                    "X-Internal-Secret: wrong", "X-Internal-Secret:", "Connection: keep-alive, close")));
            case 7 -> headers.removeIf(header -> header.startsWith(inputs.pick(List.of("Host", "Content-Type", "X-Internal-Secret"))));
            case 8 -> headers.add(inputs.pick(List.of("X-Long: " + "v".repeat(inputs.pick(List.of(4_000, 9_000, 40_000))),
                    "Garbage line without colon", "X Bad Name: 1", " folded-continuation", "X-Bytes: \u00ff\u00fe\u0080",
                    "X-Correlation-Id: " + "%".repeat(300), "traceparent: 00-zz-zz-zz", "traceparent: ----",
                    "Last-Event-ID: -99999999999999999999", "Last-Event-ID: \u00ff", "Origin: null",
                    "Accept: application/xml", "Accept: text/event-stream;q=x", "Accept-Charset: bogus",
                    "Content-Encoding: gzip", "Expect: 100-continue", "Expect: teapot", "Range: bytes=9-1",
                    "If-None-Match: *", "Authorization: Basic %%%", "Cookie: JSESSIONID=%zz; =;;",
                    "X-Forwarded-For: 1.2.3.4, ::::, %zz", "Forwarded: for=\"[::1", "Upgrade: h2c")));
            case 9 -> {
                for (int h = 0; h < inputs.pick(List.of(50, 120, 300)); h++) {
                    headers.add("X-Many-" + h + ": " + h);
                }
            }
            case 10 -> framing = inputs.pick(List.of("chunked", "chunked", "bad-chunked"));
            case 11 -> {
                framing = inputs.pick(List.of("duplicate-length", "conflicting-length", "length-and-chunked", "negative-length",
                        "no-length", "short-length", "garbage-length", "chunked-twice"));
                close = true;
            }
            default -> {
                // the endpoint's own method, target and headers: the body does the fuzzing
            }
        }
        if (method.equals("CONNECT")) {
            target = "127.0.0.1:" + (endpoint.internal() ? internalPort : port);
        }
        byte[] wireBody = body;
        switch (framing) {
            case "chunked" -> {
                headers.add("Transfer-Encoding: chunked");
                wireBody = chunked(body, inputs, false);
            }
            case "bad-chunked" -> {
                headers.add("Transfer-Encoding: chunked");
                wireBody = chunked(body, inputs, true);
                close = true;
            }
            case "chunked-twice" -> {
                headers.add("Transfer-Encoding: chunked");
                headers.add("Transfer-Encoding: chunked");
                wireBody = chunked(body, inputs, false);
            }
            case "duplicate-length" -> {
                headers.add("Content-Length: " + body.length);
                headers.add("Content-Length: " + body.length);
            }
            case "conflicting-length" -> {
                headers.add("Content-Length: " + body.length);
                headers.add("Content-Length: " + (body.length + 7));
            }
            case "length-and-chunked" -> {
                headers.add("Content-Length: " + body.length);
                headers.add("Transfer-Encoding: chunked");
                wireBody = chunked(body, inputs, false);
            }
            case "negative-length" -> headers.add("Content-Length: -" + body.length);
            case "garbage-length" -> headers.add("Content-Length: " + inputs.pick(List.of("abc", "1e3", "0x10", " ", "99999999999999999999")));
            case "short-length" -> headers.add("Content-Length: " + body.length / 2);
            case "no-length" -> {
                // the body follows without a length: the server must not wait for it
            }
            default -> {
                if (body.length > 0 || !method.equals("GET") || inputs.chance(0.3)) {
                    headers.add("Content-Length: " + body.length);
                }
            }
        }
        boolean fresh = close || inputs.chance(0.5);
        if (close) {
            headers.add("Connection: close");
        }
        return new FuzzRequest(method, target, version, headers, wireBody, fresh);
    }

    private static byte[] chunked(byte[] body, FuzzInputs inputs, boolean broken) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int size = Math.min(body.length - at, 1 + inputs.nextInt(8192));
            out.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, size);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            at += size;
        }
        if (broken) {
            out.writeBytes(inputs.pick(List.of("zz\r\n", "-1\r\n", "fffffffffffffffff\r\n", "5;x=\u00ff\r\nabc\r\n", "0\r\nTrailer-Without-Colon\r\n\r\n"))
                    .getBytes(StandardCharsets.ISO_8859_1));
        } else {
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    /** The answers of one endpoint. */
    static final class Tally {

        final Map<Integer, Integer> statuses = new TreeMap<>();
        final List<String> failures = new ArrayList<>();
        int total;
        int resets;
        int timeouts;
        int healthDown;

        void count(RawHttpClient.Outcome outcome, String request, String target, boolean head) {
            total++;
            switch (outcome.kind()) {
                case RESET -> {
                    resets++;
                    failures.add("reset (" + outcome.failure() + ") for " + request);
                }
                case TIMEOUT -> {
                    timeouts++;
                    failures.add("timeout (" + outcome.failure() + ") for " + request);
                }
                case ANSWER -> {
                    statuses.merge(outcome.status(), 1, Integer::sum);
                    if (healthDown(outcome, target, head)) {
                        // the health endpoint's own answer for a peer that is down in this environment (503 by design)
                        healthDown++;
                    } else if (outcome.status() >= 500 && !protocolRejection(outcome.status())) {
                        String body = outcome.bodyText();
                        failures.add(outcome.status() + " " + (body.length() > 200 ? body.substring(0, 200) : body) + " for " + request);
                    }
                }
            }
        }

        /** The health endpoint's 503 with its DOWN report (a HEAD request gets the same answer without the report). */
        private static boolean healthDown(RawHttpClient.Outcome outcome, String target, boolean head) {
            return outcome.status() == 503 && target.startsWith("/actuator/health")
                    && (head && outcome.body().length == 0 || outcome.bodyText().matches("(?s)\\{\"status\":\"(DOWN|OUT_OF_SERVICE)\".*"));
        }

        /** 501 (unknown method) and 505 (unsupported HTTP version): the protocol's answers, not a server fault. */
        static boolean protocolRejection(int status) {
            return status == 501 || status == 505;
        }

        private int range(int hundreds) {
            int count = statuses.entrySet().stream().filter(e -> e.getKey() / 100 == hundreds && !protocolRejection(e.getKey()))
                    .mapToInt(Map.Entry::getValue).sum();
            return hundreds == 5 ? count - healthDown : count;
        }

        @Override
        public String toString() {
            int protocol = statuses.entrySet().stream().filter(e -> protocolRejection(e.getKey())).mapToInt(Map.Entry::getValue).sum();
            return total + " requests, 2xx " + range(2) + ", 4xx " + range(4) + ", 5xx " + range(5) + ", resets " + resets
                    + ", timeouts " + timeouts + " (3xx " + range(3) + ", 501/505 protocol rejections " + protocol
                    + (healthDown > 0 ? ", 503 health DOWN " + healthDown : "")
                    + "; statuses " + statuses + ")";
        }
    }
}
