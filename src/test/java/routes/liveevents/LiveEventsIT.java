package routes.liveevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import routes.shared.LiveEvent;
import routes.support.HubIntegrationTest;

/**
 * The live event stream with a real HTTP client against the whole hub and the machine's Redis: events published
 * by flows (direct:live-event) and by workers (the broadcast endpoint) reach SSE clients with type, id and data;
 * filters; replay from the cache and from the Redis stream; the stream.gap codes; slow clients; CORS; and a second
 * hub instance sharing the stream (a broadcast on one reaches clients of the other with the same id, a client
 * resumes on the other with an id the first issued).
 */
@HubIntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveEventsIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static SecondHub second;
    /** An id this instance streamed before the second instance started, and the events published after it. */
    private static String issuedBeforeSecondStarted;
    private static String videoAfterThatId;

    @LocalServerPort
    int port;

    @Autowired
    ProducerTemplate template;

    @Autowired
    LiveEventStream stream;

    @Autowired
    ObjectMapper json;

    @Autowired
    MeterRegistry meters;

    @Autowired
    Environment environment;

    @Autowired
    LiveEventsSettings settings;

    @Autowired
    LiveEventLog log;

    @Autowired
    org.springframework.data.redis.core.StringRedisTemplate redis;

    private static BrowserPage page;

    /**
     * The second hub instance: heartbeat and probe every second, and the browser page's origin (a server of this test) as an
     * allowed front end next to the default one.
     */
    private void secondHub() throws Exception {
        if (page == null) {
            page = new BrowserPage();
        }
        if (second == null || !second.running()) {
            second = SecondHub.start(environment, "--hub.sse.heartbeat-interval-seconds=1",
                    "--hub.live-events.probe-interval-seconds=1",
                    "--hub.frontend-url=http://localhost:5173," + page.origin());
        }
    }

    @AfterAll
    static void stopSecondHub() throws Exception {
        if (page != null) {
            page.close();
        }
        if (second != null) {
            second.close();
        }
    }

    private static String video() {
        return "it-" + UUID.randomUUID();
    }

    private void publish(LiveEvent event) {
        template.send("direct:live-event", exchange -> exchange.setProperty("liveEvent", event));
    }

    private HttpResponse<String> broadcast(int hubPort, String body, String secret) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hubPort + "/api/v2/events/internal/broadcast"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (secret != null) {
            request.header("X-Internal-Secret", secret);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void everyFlowsEventTypeArrivesWithTypeIdAndData() throws Exception {
        String video = video();
        try (LiveEventStreamClient events = LiveEventStreamClient.open(port, "video_id=" + video)) {
            assertThat(events.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            assertThat(events.header("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("no-cache"));
            assertThat(events.header("X-Accel-Buffering")).hasValue("no");

            publish(LiveEvent.videoStatus(video, "PROCESSING", 45, "Transcribing audio..."));
            publish(LiveEvent.summaryReady(video, Map.of("themes", List.of("Faith"), "word_count", 5000)));
            publish(LiveEvent.error(video, "transcript request dead-lettered", Map.of("flow", "transcripts", "reason", "bad id")));

            LiveEventStreamClient.Event status = events.awaitType("video.status");
            assertThat(status.data().path("type").asText()).isEqualTo("video.status");
            assertThat(status.text("video_id")).isEqualTo(video);
            assertThat(status.text("status")).isEqualTo("PROCESSING");
            assertThat(status.data().path("progress").asInt()).isEqualTo(45);
            assertThat(status.text("message")).isEqualTo("Transcribing audio...");
            assertThat(status.text("timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

            LiveEventStreamClient.Event summary = events.awaitType("summary.ready");
            assertThat(summary.data().path("data").path("word_count").asInt()).isEqualTo(5000);
            LiveEventStreamClient.Event error = events.awaitType("error");
            assertThat(error.data().path("data").path("flow").asText()).isEqualTo("transcripts");

            assertThat(status.id()).matches("\\d+-\\d+");
            assertThat(summary.streamId()).isGreaterThan(status.streamId());
            assertThat(error.streamId()).isGreaterThan(summary.streamId());
            // the id is the entry's in the Redis stream
            assertThat(redis.opsForStream().range(settings.stream(),
                    org.springframework.data.domain.Range.closed(status.id(), status.id()))).singleElement()
                    .satisfies(entry -> assertThat(entry.getValue().get("event").toString()).contains(video, "Transcribing audio..."));
            assertThat(events.retry()).isEqualTo("3000");
        }
    }

    @Test
    @Order(2)
    void workersBroadcastThroughTheInternalEndpoint() throws Exception {
        String video = video();
        try (LiveEventStreamClient events = LiveEventStreamClient.open(port, "types=extraction.completed,video.status")) {
            HttpResponse<String> accepted = broadcast(port, "{\"type\":\"extraction.completed\",\"data\":{\"video_id\":\"" + video
                    + "\",\"sermon_count\":3}}", "it-secret");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            assertThat(json.readTree(accepted.body()).path("status").asText()).isEqualTo("accepted");

            LiveEventStreamClient.Event extraction = events.await(e -> e.is("extraction.completed")
                    && video.equals(e.data().path("data").path("video_id").asText()));
            assertThat(extraction.data().path("data").path("sermon_count").asInt()).isEqualTo(3);
            assertThat(extraction.id()).as("the 202 names the event's id").isEqualTo(json.readTree(accepted.body()).path("id").asText());

            // the previous secret still works during a rotation
            assertThat(broadcast(port, "{\"type\":\"video.status\",\"video_id\":\"" + video
                    + "\",\"status\":\"QUEUED\",\"timestamp\":\"2025-11-05T12:00:00Z\"}", "it-secret-previous").statusCode()).isEqualTo(202);
            LiveEventStreamClient.Event queued = events.await(e -> e.is("video.status") && video.equals(e.text("video_id")));
            assertThat(queued.text("status")).isEqualTo("QUEUED");
            assertThat(queued.text("timestamp")).isEqualTo("2025-11-05T12:00:00Z");
        }
    }

    @Test
    @Order(3)
    void theBroadcastEndpointRefusesBadEventsNamingTheField() throws Exception {
        assertThat(broadcast(port, "{\"type\":\"summary.ready\",\"video_id\":\"v\"}", null).statusCode()).isEqualTo(401);
        assertThat(broadcast(port, "{\"type\":\"summary.ready\",\"video_id\":\"v\"}", "wrong").statusCode()).isEqualTo(401);

        assertBadRequest("{\"type\":\"video.status\",\"video_id\":\"v\"}", "status");
        assertBadRequest("{\"type\":\"video.status\",\"video_id\":\"v\",\"status\":\"DONE\"}", "status");
        assertBadRequest("{\"type\":\"video.status\",\"video_id\":\"v\",\"status\":\"QUEUED\",\"progress\":140}", "progress");
        assertBadRequest("{\"type\":\"heartbeat\"}", "type");
        assertBadRequest("{\"type\":\"summary.ready\"}", "video_id");
        assertBadRequest("{\"type\":\"error\",\"summary\":{}}", "summary");
        assertBadRequest("{\"type\":\"error\",\"timestamp\":\"yesterday\"}", "timestamp");
        assertBadRequest("{\"type\":", "body");
        assertBadRequest("[1,2]", "body");
        assertBadRequest("", "body");
    }

    private void assertBadRequest(String body, String field) throws Exception {
        HttpResponse<String> refused = broadcast(port, body, "it-secret");
        assertThat(refused.statusCode()).as(body + " -> " + refused.body()).isEqualTo(400);
        JsonNode problem = json.readTree(refused.body());
        assertThat(problem.path("error").asText()).isEqualTo("invalid_request");
        assertThat(problem.path("field").asText()).as(refused.body()).isEqualTo(field);
        assertThat(problem.path("message").asText()).isNotBlank();
    }

    @Test
    @Order(4)
    void filtersKeepTheVideosAndTypesAClientAskedFor() throws Exception {
        String mine = video();
        String other = video();
        String third = video();
        try (LiveEventStreamClient byVideo = LiveEventStreamClient.open(port, "video_id=" + mine + "&video_id=" + third);
             LiveEventStreamClient byType = LiveEventStreamClient.open(port, "types=summary.ready&video_id=" + mine + "," + other)) {
            publish(LiveEvent.videoStatus(other, "PROCESSING", 10, null));
            publish(LiveEvent.summaryReady(other, Map.of()));
            publish(LiveEvent.videoStatus(mine, "PROCESSED", 100, null));
            publish(LiveEvent.summaryReady(mine, Map.of()));
            publish(LiveEvent.videoStatus(third, "FAILED", null, "gone"));

            byVideo.await(e -> third.equals(e.text("video_id")));
            assertThat(byVideo.events()).extracting(e -> e.type() + " " + e.text("video_id"))
                    .containsExactly("video.status " + mine, "summary.ready " + mine, "video.status " + third);

            byType.await(e -> e.is("summary.ready") && mine.equals(e.text("video_id")));
            assertThat(byType.events()).extracting(e -> e.type() + " " + e.text("video_id"))
                    .containsExactly("summary.ready " + other, "summary.ready " + mine);
        }
        HttpResponse<String> unknownType = get("/api/v2/events/stream?types=video.deleted", Map.of());
        assertThat(unknownType.statusCode()).isEqualTo(400);
        assertThat(json.readTree(unknownType.body()).path("field").asText()).isEqualTo("types");
    }

    @Test
    @Order(5)
    void aReconnectReplaysWhatWasMissedFromHeaderOrQuery() throws Exception {
        String video = video();
        String lastSeen;
        try (LiveEventStreamClient first = LiveEventStreamClient.open(port, "video_id=" + video)) {
            publish(LiveEvent.videoStatus(video, "QUEUED", 0, null));
            publish(LiveEvent.videoStatus(video, "PROCESSING", 10, null));
            lastSeen = first.await(e -> "PROCESSING".equals(e.text("status"))).id();
        }
        publish(LiveEvent.videoStatus(video, "PROCESSING", 50, null));
        publish(LiveEvent.videoStatus(video, "PROCESSING", 90, null));
        // this instance's reader has delivered them (the replay below comes from its cache)
        await().atMost(Duration.ofSeconds(10)).until(() -> stream.lastEventId() != null
                && StreamId.of(stream.lastEventId()).isAfter(StreamId.of(lastSeen)));

        // a browser reconnects with the header; it wins over the (older) query parameter of the page
        try (LiveEventStreamClient again = LiveEventStreamClient.open(port, "video_id=" + video + "&last_event_id=1",
                Map.of("Last-Event-ID", lastSeen))) {
            again.await(e -> e.data().path("progress").asInt() == 90);
            publish(LiveEvent.videoStatus(video, "PROCESSED", 100, null));
            again.await(e -> "PROCESSED".equals(e.text("status")));
            assertThat(again.events()).extracting(e -> e.data().path("progress").asInt()).containsExactly(50, 90, 100);
            List<StreamId> ids = again.events().stream().map(LiveEventStreamClient.Event::streamId).toList();
            assertThat(ids).isSorted().doesNotHaveDuplicates().allMatch(id -> id.isAfter(StreamId.of(lastSeen)));
        }
        try (LiveEventStreamClient fromQuery = LiveEventStreamClient.open(port, "video_id=" + video + "&last_event_id=" + lastSeen)) {
            fromQuery.await(e -> "PROCESSED".equals(e.text("status")));
            assertThat(fromQuery.events()).extracting(e -> e.data().path("progress").asInt()).containsExactly(50, 90, 100);
        }
    }

    @Test
    @Order(6)
    void aReplayThatCannotBeDoneIsSignalledWithAStreamGapEvent() throws Exception {
        String video = video();
        publish(LiveEvent.videoStatus(video, "QUEUED", 0, null));
        String lastSeen;
        try (LiveEventStreamClient first = LiveEventStreamClient.open(port, "video_id=" + video)) {
            publish(LiveEvent.videoStatus(video, "PROCESSING", 10, null));
            lastSeen = first.await(e -> e.data().path("progress").asInt() == 10).id();
        }

        // not an id of the stream: the old per-instance numbering
        try (LiveEventStreamClient unknown = LiveEventStreamClient.open(port, "video_id=" + video,
                Map.of("Last-Event-ID", "1763763435000042"))) {
            LiveEventStreamClient.Event gap = unknown.awaitType("stream.gap");
            assertThat(gap.id()).isNull();
            assertThat(gap.data().path("data").path("code").asText()).isEqualTo("replay_unavailable");
            assertThat(gap.text("message")).contains("may have been missed");
        }

        // append past the stream's cap (MAXLEN ~ trims whole nodes of 100 entries: a few hundred more than the cap)
        int size = settings.replaySize();
        for (int i = 0; i < size + 300; i++) {
            log.append("{\"type\":\"video.status\",\"video_id\":\"it-filler\",\"status\":\"PROCESSING\",\"progress\":1}");
        }
        publish(LiveEvent.videoStatus(video, "PROCESSING", 60, null));
        assertThat(log.state().trimmedAfter(StreamId.of(lastSeen))).as("the stream trimmed what came after " + lastSeen).isTrue();
        try (LiveEventStreamClient gapped = LiveEventStreamClient.open(port, "video_id=" + video, Map.of("Last-Event-ID", lastSeen))) {
            LiveEventStreamClient.Event gap = gapped.awaitType("stream.gap");
            assertThat(gap.id()).isNull();
            assertThat(gap.data().path("data").path("code").asText()).isEqualTo("replay_gap");
            assertThat(StreamId.of(gap.data().path("data").path("oldest_available_id").asText())).isGreaterThan(StreamId.of(lastSeen));
            assertThat(gap.text("message")).contains("no longer in the live events stream");
            // what the stream still holds for the client follows the gap, then the stream goes on live
            assertThat(gapped.awaitType("video.status").data().path("progress").asInt()).isEqualTo(60);
            publish(LiveEvent.videoStatus(video, "PROCESSED", 100, null));
            assertThat(gapped.awaitType("video.status").text("status")).isEqualTo("PROCESSED");
            assertThat(gapped.events().get(0).type()).isEqualTo("stream.gap");
            assertThat(gapped.events()).filteredOn(e -> e.is("stream.gap")).hasSize(1);
        }
    }

    @Test
    @Order(7)
    void healthCountsTheClientsOfThisInstance() throws Exception {
        int before = stream.connectedClients();
        try (LiveEventStreamClient client = LiveEventStreamClient.open(port, "video_id=" + video())) {
            JsonNode health = json.readTree(get("/api/v2/events/health", Map.of()).body());
            assertThat(health.path("status").asText()).isEqualTo("healthy");
            assertThat(health.path("service").asText()).isEqualTo("sse_events");
            assertThat(health.path("connected_clients").asInt()).isEqualTo(before + 1);
            assertThat(health.path("last_event_id").asText()).isEqualTo(stream.lastEventId());
        }
    }

    @Test
    @Order(8)
    void aClientThatDoesNotReadIsDisconnectedWithoutHoldingUpTheOthers() throws Exception {
        String video = video();
        double tooSlowBefore = meters.counter("hub.live_events.disconnects", "reason", "too_slow").count();
        String filler = "x".repeat(32 * 1024);
        try (Socket slow = new Socket(); LiveEventStreamClient fast = LiveEventStreamClient.open(port, "video_id=" + video)) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            OutputStream request = slow.getOutputStream();
            request.write(("GET /api/v2/events/stream?video_id=" + video + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Accept: text/event-stream\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            request.flush();
            int clients = stream.connectedClients();
            await().atMost(Duration.ofSeconds(5)).until(() -> stream.connectedClients() >= clients);

            int total = 1200;
            for (int batch = 0; batch < total / 100; batch++) {
                for (int i = 0; i < 100; i++) {
                    int n = batch * 100 + i;
                    log.append("{\"type\":\"video.status\",\"video_id\":\"" + video + "\",\"status\":\"PROCESSING\","
                            + "\"progress\":" + (n % 100) + ",\"message\":\"" + n + " " + filler + "\"}");
                }
                int last = batch * 100 + 99;
                fast.await(e -> e.text("message").startsWith(last + " "));
            }
            assertThat(fast.events()).hasSize(total);
            assertThat(meters.counter("hub.live_events.disconnects", "reason", "too_slow").count()).isGreaterThan(tooSlowBefore);

            // the slow client's stream ends after what was already on its way
            slow.setSoTimeout(10_000);
            InputStream in = slow.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] chunk = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(chunk)) > 0; ) {
                    got.write(chunk, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the slow client's stream was not ended; it read " + got.size() + " bytes", e);
            }
            String text = got.toString(StandardCharsets.UTF_8);
            assertThat(text).startsWith("HTTP/1.1 200");
            int received = text.split("event: video.status", -1).length - 1;
            assertThat(received).isLessThan(total);
        } finally {
            // 1,200 events of 32 KB: give the memory back (the later tests need none of them)
            redis.opsForStream().trim(settings.stream(), 50, true);
        }
    }

    @Test
    @Order(11)
    void anIdIssuedBeforeTheSecondInstanceStarts() throws Exception {
        String video = video();
        try (LiveEventStreamClient events = LiveEventStreamClient.open(port, "video_id=" + video)) {
            publish(LiveEvent.videoStatus(video, "QUEUED", 0, "seen on hub 1"));
            issuedBeforeSecondStarted = events.await(e -> "seen on hub 1".equals(e.text("message"))).id();
        }
        publish(LiveEvent.videoStatus(video, "PROCESSING", 50, "missed 1"));
        publish(LiveEvent.videoStatus(video, "PROCESSED", 100, "missed 2"));
        videoAfterThatId = video;
    }

    @Test
    @Order(9)
    void corsAllowsTheFrontEndWithCredentials() throws Exception {
        String origin = "http://localhost:5173";
        HttpResponse<String> health = get("/api/v2/events/health", Map.of("Origin", origin));
        assertThat(health.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
        assertThat(health.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");

        try (LiveEventStreamClient events = LiveEventStreamClient.open(port, "video_id=" + video(), Map.of("Origin", origin))) {
            assertThat(events.header("Access-Control-Allow-Origin")).hasValue(origin);
            assertThat(events.header("Access-Control-Allow-Credentials")).hasValue("true");
        }

        HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/v2/events/internal/broadcast")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,x-internal-secret").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(m -> assertThat(m).contains("POST"));

        HttpResponse<String> stranger = get("/api/v2/events/health", Map.of("Origin", "http://evil.example"));
        assertThat(stranger.statusCode()).isEqualTo(403);
        assertThat(stranger.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    @Order(10)
    void theOpenApiDocumentDescribesTheEndpoints() throws Exception {
        JsonNode paths = json.readTree(get("/api/openapi.json", Map.of()).body()).path("paths");
        assertThat(paths.has("/api/v2/events/health")).as(paths.toString()).isTrue();
        assertThat(paths.path("/api/v2/events/internal/broadcast").path("post").path("responses").has("202")).isTrue();
    }

    @Test
    @Order(20)
    void aBroadcastOnOneInstanceReachesTheClientsOfTheOtherWithTheSameId() throws Exception {
        secondHub();
        String video = video();
        try (LiveEventStreamClient here = LiveEventStreamClient.open(port, "video_id=" + video);
             LiveEventStreamClient there = LiveEventStreamClient.open(second.port(), "video_id=" + video)) {
            LiveEventStreamClient.Event beat = there.awaitType("heartbeat");
            assertThat(beat.id()).isNull();
            assertThat(beat.text("timestamp")).isNotBlank();

            // a worker's broadcast on this instance, a flow's event and a broadcast on the second one: all reach both
            HttpResponse<String> onFirst = broadcast(port, "{\"type\":\"video.status\",\"video_id\":\"" + video
                    + "\",\"status\":\"QUEUED\",\"message\":\"broadcast on hub 1\"}", "it-secret");
            assertThat(onFirst.statusCode()).isEqualTo(202);
            publish(LiveEvent.videoStatus(video, "PROCESSING", 30, "from hub 1"));
            assertThat(broadcast(second.port(), "{\"type\":\"video.status\",\"video_id\":\"" + video
                    + "\",\"status\":\"PROCESSED\",\"progress\":100,\"message\":\"from hub 2\"}", "it-secret").statusCode()).isEqualTo(202);
            for (LiveEventStreamClient client : List.of(here, there)) {
                client.await(e -> "from hub 2".equals(e.text("message")));
            }
            // the same events, in the same order, with the same ids on both instances
            assertThat(there.events()).filteredOn(e -> e.id() != null).extracting(e -> e.id() + " " + e.text("message"))
                    .containsExactlyElementsOf(here.events().stream().filter(e -> e.id() != null)
                            .map(e -> e.id() + " " + e.text("message")).toList())
                    .hasSize(3);
            assertThat(here.events().get(0).id()).isEqualTo(json.readTree(onFirst.body()).path("id").asText());
        }
    }

    @Test
    @Order(22)
    void aClientResumesOnTheOtherInstanceWithAnIdTheFirstIssued() throws Exception {
        secondHub();
        assertThat(issuedBeforeSecondStarted).as("set by test 11").isNotNull();
        // an id from before the second instance started: not in its cache, replayed from the Redis stream
        try (LiveEventStreamClient there = LiveEventStreamClient.open(second.port(), "video_id=" + videoAfterThatId,
                Map.of("Last-Event-ID", issuedBeforeSecondStarted))) {
            there.await(e -> "missed 2".equals(e.text("message")));
            assertThat(there.events()).extracting(e -> e.text("message")).containsExactly("missed 1", "missed 2");
        }

        // an id issued on this instance while the second runs: the second replays it from its cache
        String video = video();
        String lastSeen;
        try (LiveEventStreamClient here = LiveEventStreamClient.open(port, "video_id=" + video)) {
            publish(LiveEvent.videoStatus(video, "QUEUED", 0, "seen"));
            lastSeen = here.await(e -> "seen".equals(e.text("message"))).id();
        }
        publish(LiveEvent.videoStatus(video, "PROCESSING", 40, "missed"));
        LiveEventStream secondStream = second.bean(LiveEventStream.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> secondStream.lastEventId() != null
                && StreamId.of(secondStream.lastEventId()).isAfter(StreamId.of(lastSeen)));
        try (LiveEventStreamClient there = LiveEventStreamClient.open(second.port(), "video_id=" + video + "&last_event_id=" + lastSeen)) {
            there.await(e -> "missed".equals(e.text("message")));
            publish(LiveEvent.videoStatus(video, "PROCESSED", 100, "live"));
            there.await(e -> "live".equals(e.text("message")));
            assertThat(there.events()).extracting(e -> e.text("message")).containsExactly("missed", "live");
        }
    }

    @Test
    @Order(21)
    void aClientThatWentAwayIsRemovedPromptly() throws Exception {
        secondHub();
        LiveEventStream there = second.bean(LiveEventStream.class);
        // the clients the previous test closed are gone by the next probe writes (every second on this instance)
        await().atMost(Duration.ofSeconds(5)).until(() -> there.connectedClients() == 0);

        LiveEventStreamClient client = LiveEventStreamClient.open(second.port(), "video_id=" + video());
        assertThat(there.connectedClients()).isEqualTo(1);
        client.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> there.connectedClients() == 0);

        try (Socket raw = new Socket("127.0.0.1", second.port())) {
            raw.getOutputStream().write(("GET /api/v2/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.getInputStream().read(new byte[256])).isPositive();
            assertThat(there.connectedClients()).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> there.connectedClients() == 0);
        assertThat(meterCount(second.bean(MeterRegistry.class), "client_gone") + meterCount(second.bean(MeterRegistry.class), "write_failed"))
                .isGreaterThanOrEqualTo(2);
    }

    private static double meterCount(MeterRegistry registry, String reason) {
        return registry.counter("hub.live_events.disconnects", "reason", reason).count();
    }

    @Test
    @Order(25)
    void aBrowserOnTheFrontEndsOriginReceivesAnEvent() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BrowserPage.CHROMIUM),
                "headless browser test skipped: " + BrowserPage.CHROMIUM + " is missing (apt-get install chromium)");
        String video = video();
        secondHub();
        page.open("http://127.0.0.1:" + second.port() + "/api/v2/events/stream?video_id=" + video, "video.status");
        page.awaitOpened(Duration.ofSeconds(10));

        publish(LiveEvent.videoStatus(video, "PROCESSING", 75, "Analyzing content..."));
        JsonNode received = json.readTree(page.awaitReceived(Duration.ofSeconds(10)));
        assertThat(received.path("id").asText()).matches("\\d+-\\d+");
        assertThat(received.path("data").path("video_id").asText()).isEqualTo(video);
        assertThat(received.path("data").path("status").asText()).isEqualTo("PROCESSING");
        assertThat(received.path("data").path("progress").asInt()).isEqualTo(75);
    }

    @Test
    @Order(30)
    void gracefulShutdownClosesTheStreams() throws Exception {
        secondHub();
        LiveEventStreamClient open = LiveEventStreamClient.open(second.port(), "");
        long started = System.nanoTime();
        second.close();
        open.awaitEnd(Duration.ofSeconds(5));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        open.close();
    }
}
