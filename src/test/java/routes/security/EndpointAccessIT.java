package routes.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import routes.support.HubIntegrationTest;
import routes.support.HubResources;

/**
 * Who may call what on the public port, against the real hub with API keys, stream tokens and a low callback rate
 * limit set (a context of its own: Failsafe's {@code access} execution, pom.xml): the event bridge's endpoints need
 * an accepted key in either header (the previous key still works during a rotation), the live event stream a token
 * in the query or the cookie, the actuator's endpoints other than health/info/prometheus the console login, and a
 * caller over the public callbacks' rate gets 429 with Retry-After.
 */
@HubIntegrationTest
@TestPropertySource(properties = {
        "hub.access.api-keys=it-key-new, it-key-old",
        "hub.access.stream-tokens=it-stream-token",
        // three streams per client address: the fourth from 127.0.0.1 is refused
        "hub.live-events.max-streams-per-client=3",
        // 3 calls at once, then one per 100 s: the fourth call in a row is over the rate
        "hub.access.public-callback-rate-limit.per-second=0.01",
        "hub.access.public-callback-rate-limit.burst=3",
        "hub.access.public-callback-rate-limit.key-prefix=ratelimit:access-it:${random.uuid}:",
        // ingested events stay out of the Python outbox the other ITs' hubs consume
        "hub.python-bridge.enabled=false"})
// run by Failsafe's `access` execution, in a JVM of its own (pom.xml); closed after the class, as ManagementPortIT's
@DirtiesContext
class EndpointAccessIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String user = "access-it-" + UUID.randomUUID();

    @Autowired
    routes.liveevents.LiveEventStream liveEvents;

    @LocalServerPort
    int port;

    @Autowired
    HubResources resources;

    @AfterEach
    void cleanUp() {
        resources.deleteKeys("events:" + user, "features:" + user, "ml:serving:features:" + user);
    }

    @Test
    void ingestNeedsAnAcceptedKeyInEitherHeader() throws Exception {
        HttpResponse<String> none = ingest(Map.of());
        assertUnauthorized(none);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"integration-hub\"");
        HttpResponse<String> wrong = ingest(Map.of("X-API-Key", "it-key-wrong"));
        assertUnauthorized(wrong);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
        assertUnauthorized(ingest(Map.of("Authorization", "Bearer it-key-ne")));
        assertUnauthorized(ingest(Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString("a:it-key-new".getBytes()))));
        assertThat(resources.redis().hasKey("events:" + user)).as("a refused call wrote nothing").isFalse();

        for (Map<String, String> header : new Map[] {Map.of("X-API-Key", "it-key-new"),
                Map.of("Authorization", "Bearer it-key-new"), Map.of("X-API-Key", "it-key-old"),
                Map.of("Authorization", "Bearer it-key-old")}) {
            HttpResponse<String> accepted = ingest(header);
            assertThat(accepted.statusCode()).as(header + ": " + accepted.body()).isEqualTo(202);
            assertThat(json.readTree(accepted.body()).path("accepted").asInt()).isEqualTo(1);
        }
        assertThat(resources.redis().opsForStream().size("events:" + user)).isEqualTo(4);
    }

    @Test
    void bridgeControlAndFeatureReadsNeedAKey() throws Exception {
        String features = "/api/ml/bridge/python?action=features&user_id=" + user;
        assertUnauthorized(get(features, Map.of()));
        assertUnauthorized(get(features, Map.of("X-API-Key", "nope")));
        assertUnauthorized(post("/api/ml/bridge/python", "{\"action\":\"test_integration\"}", Map.of()));
        assertUnauthorized(post("/api/ml/bridge/python", "{\"action\":\"test_integration\"}", Map.of("Authorization", "Bearer nope")));

        assertThat(ingest(Map.of("X-API-Key", "it-key-new")).statusCode()).isEqualTo(202);
        for (Map<String, String> header : new Map[] {Map.of("X-API-Key", "it-key-old"), Map.of("Authorization", "Bearer it-key-new")}) {
            HttpResponse<String> read = get(features, header);
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertThat(json.readTree(read.body()).path("combined_features").path("combined").path("event_count").asInt())
                    .isEqualTo(1);
        }
        HttpResponse<String> command = post("/api/ml/bridge/python", "{\"action\":\"test_integration\"}",
                Map.of("X-API-Key", "it-key-new"));
        assertThat(command.statusCode()).as("past the key check: " + command.body()).isNotEqualTo(401);
    }

    @Test
    void theStreamNeedsATokenInTheQueryOrTheCookie() throws Exception {
        HttpResponse<String> none = get("/api/v2/events/stream?video_id=" + user, Map.of());
        assertUnauthorized(none);
        assertThat(none.body()).contains("access_token").contains("hub_stream_token");
        assertUnauthorized(get("/api/v2/events/stream?access_token=wrong", Map.of()));
        assertUnauthorized(get("/api/v2/events/stream", Map.of("Cookie", "hub_stream_token=wrong")));
        assertUnauthorized(get("/api/v2/events/stream", Map.of("X-API-Key", "it-key-new")));

        assertStreamOpens("/api/v2/events/stream?video_id=" + user + "&access_token=it-stream-token", Map.of());
        assertStreamOpens("/api/v2/events/stream?video_id=" + user, Map.of("Cookie", "other=1; hub_stream_token=it-stream-token"));
    }

    @Test
    void aClientAboveItsStreamsIsRefused429_andGetsInAgainWhenOneCloses() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> liveEvents.connectedClients() == 0);
        String path = "/api/v2/events/stream?video_id=" + user + "&access_token=it-stream-token";
        List<HttpResponse<InputStream>> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                HttpResponse<InputStream> stream = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(stream.statusCode()).as("stream " + (i + 1)).isEqualTo(200);
                open.add(stream);
            }
            HttpResponse<String> refused = get(path, Map.of());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(json.readTree(refused.body()).path("error").asText()).isEqualTo("too_many_streams");

            open.remove(0).body().close();
            // the hub notices the closed stream on its next write (a probe comment every few seconds)
            await().atMost(Duration.ofSeconds(20)).until(() -> liveEvents.connectedClients() == 2);
            assertStreamOpens(path, Map.of());
        } finally {
            for (HttpResponse<InputStream> stream : open) {
                stream.body().close();
            }
        }
    }

    @Test
    void onlyHealthInfoAndPrometheusAreReadWithoutTheConsoleLogin() throws Exception {
        for (String open : new String[] {"/actuator/health", "/actuator/health/liveness", "/actuator/info", "/actuator/prometheus"}) {
            assertThat(get(open, Map.of()).statusCode()).as(open).isEqualTo(200);
        }
        String login = "Basic " + Base64.getEncoder().encodeToString("it-admin:it-password".getBytes(StandardCharsets.UTF_8));
        String wrongLogin = "Basic " + Base64.getEncoder().encodeToString("it-admin:wrong".getBytes(StandardCharsets.UTF_8));
        for (String guarded : new String[] {"/actuator/metrics", "/actuator/metrics/jvm.memory.used", "/actuator/camelroutes",
                "/actuator", "/actuator/jolokia/version"}) {
            HttpResponse<String> anonymous = get(guarded, Map.of());
            assertThat(anonymous.statusCode()).as(guarded + " without login").isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).as(guarded).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
            assertThat(get(guarded, Map.of("Authorization", wrongLogin)).statusCode()).as(guarded + " wrong login").isEqualTo(401);
            assertThat(get(guarded, Map.of("Authorization", login)).statusCode()).as(guarded + " with login").isEqualTo(200);
        }
        // an endpoint that is not exposed stays unknown even behind the login
        assertThat(get("/actuator/env", Map.of()).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/env", Map.of("Authorization", login)).statusCode()).isEqualTo(404);
    }

    @Test
    void aCallerOverThePublicCallbacksRateGets429WithRetryAfter() throws Exception {
        String callback = "/internal/transcripts/" + UUID.randomUUID() + "/progress";
        String body = "{\"progress\":10}";
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> within = post(callback, body, Map.of("X-Internal-Secret", "wrong"));
            assertThat(within.statusCode()).as("call %d: the secret guard answers", i + 1).isEqualTo(401);
        }
        HttpResponse<String> over = post(callback, body, Map.of("X-Internal-Secret", "wrong"));
        assertThat(over.statusCode()).as(over.body()).isEqualTo(429);
        assertThat(over.headers().firstValue("Retry-After").map(Long::parseLong)).hasValueSatisfying(
                s -> assertThat(s).isBetween(1L, 100L));
        assertThat(over.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode problem = json.readTree(over.body());
        assertThat(problem.path("error").asText()).isEqualTo("rate_limited");
        assertThat(problem.path("message").asText()).contains("retry after");

        // one bucket per caller for every public callback: the broadcast is over the rate too, even with the secret
        HttpResponse<String> broadcast = post("/api/v2/events/internal/broadcast",
                "{\"type\":\"video.status\",\"video_id\":\"" + user + "\",\"status\":\"PROCESSING\"}",
                Map.of("X-Internal-Secret", "it-secret"));
        assertThat(broadcast.statusCode()).as(broadcast.body()).isEqualTo(429);
        assertThat(broadcast.headers().firstValue("Retry-After")).isPresent();
        // the API is not part of that limit
        assertThat(ingest(Map.of("X-API-Key", "it-key-new")).statusCode()).isEqualTo(202);
    }

    private void assertStreamOpens(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(15)).GET();
        headers.forEach(request::header);
        HttpResponse<InputStream> stream = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = stream.body()) {
            assertThat(stream.statusCode()).as(path + " " + headers).isEqualTo(200);
            assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            byte[] first = new byte[6];
            int read = body.readNBytes(first, 0, first.length);
            assertThat(new String(first, 0, read, StandardCharsets.UTF_8)).as("the stream's first frame").isEqualTo("retry:");
        }
    }

    private void assertUnauthorized(HttpResponse<String> answer) throws Exception {
        assertThat(answer.statusCode()).as(answer.uri() + ": " + answer.body()).isEqualTo(401);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(answer.headers().firstValue("WWW-Authenticate")).isPresent();
        JsonNode problem = json.readTree(answer.body());
        assertThat(problem.path("error").asText()).isEqualTo("unauthorized");
        assertThat(problem.path("message").asText()).isNotBlank();
        assertThat(answer.body()).doesNotContain("it-key-new").doesNotContain("it-stream-token");
    }

    private HttpResponse<String> ingest(Map<String, String> headers) throws Exception {
        return post("/api/ml/events/ingest", "{\"source\":\"driver_app\",\"events\":[{\"event_type\":\"page_view\",\"user_id\":\""
                + user + "\"}]}", headers);
    }

    private HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(15)).GET();
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
