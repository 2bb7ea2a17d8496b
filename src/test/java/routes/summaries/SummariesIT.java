package routes.summaries;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.springframework.boot.test.web.server.LocalServerPort;

import routes.liveevents.LiveEventStreamClient;
import routes.support.HubIntegrationTest;
import routes.support.HubResources;
import routes.support.TestInfrastructure;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The summaries flow against real peers: in-JVM Kafka, the S3 server, PostgreSQL and a WireMock LLM.
 * Settings: the {@code it} profile of config/summaries.yaml (short pauses, reduce budget 1000 tokens).
 */
@HubIntegrationTest
class SummariesIT {

    private static final String IN = "video.transcribed";
    private static final String OUT = "video.summarized";
    private static final String DLT = "video.transcribed.DLT";
    private static final String CHAT = "/llm/v1/chat/completions";
    /** About 175 tokens: eight chunk summaries do not fit one reduce call of 1000 tokens. */
    private static final String MAP_ANSWER = ("This part covers how the integration hub consumes events, downloads "
            + "transcripts and calls the language model with retries and a circuit breaker. ").repeat(7).trim();
    private static final String REDUCE_ANSWER = "The video explains reliable event-driven summarization end to end.";

    @LocalServerPort
    int port;

    @Autowired
    CamelContext camelContext;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    HubResources resources;
    @Autowired
    S3Client s3;
    @Autowired
    ObjectMapper json;
    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("summariesMapPoolBinding")
    routes.shared.RegisteredExecutor mapPool;
    @Value("${hub.kafka.brokers}")
    String brokers;
    @Value("${hub.s3.bucket}")
    String bucket;

    private final WireMockServer wireMock = TestInfrastructure.wireMock();
    private KafkaProducer<String, String> kafka;
    private KafkaTopicReader summarized;
    private KafkaTopicReader deadLetters;

    @BeforeEach
    void setUp() {
        resources.truncate("video_summaries", "outbox_events");
        // chunks an earlier test left retrying (their record already dead-lettered) finish before the stubs change
        MapPool pool = (MapPool) mapPool.executor();
        await().atMost(Duration.ofSeconds(20)).until(() -> pool.getActiveCount() == 0 && pool.getQueue().isEmpty());
        wireMock.resetAll();
        camelContext.getProcessor("summariesLlmBreaker", ResilienceProcessor.class).transitionToCloseState();
        kafka = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        summarized = new KafkaTopicReader(brokers, OUT);
        deadLetters = new KafkaTopicReader(brokers, DLT);
    }

    @AfterEach
    void tearDown() throws Exception {
        kafka.close();
        summarized.close();
        deadLetters.close();
        if (!camelContext.getRouteController().getRouteStatus("summariesOutboxPoll").isStarted()) {
            camelContext.getRouteController().startRoute("summariesOutboxPoll");
        }
    }

    @Test
    void aTranscriptBecomesASummaryInS3TheDatabaseAndOnVideoSummarized() throws Exception {
        stubLlm();
        long videoId = newVideoId();
        String key = upload(videoId, snippets(40, 0));
        LiveEventStreamClient liveEvents = LiveEventStreamClient.open(port, "video_id=" + videoId);

        send(videoId, event(videoId, key), null);

        ConsumerRecord<String, String> record = awaitOne(summarized, videoId);
        // the live event stream says so too
        try (liveEvents) {
            LiveEventStreamClient.Event ready = liveEvents.awaitType("summary.ready");
            assertThat(ready.data().path("data").path("summary_file_key").asText()).isEqualTo("summaries/" + videoId + "/summary.json");
        }
        JsonNode payload = json.readTree(record.value());
        assertThat(payload.path("videoId").asLong()).isEqualTo(videoId);
        assertThat(payload.path("summaryFileKey").asText()).isEqualTo("summaries/" + videoId + "/summary.json");
        assertThat(payload.path("summaryText").asText()).isEqualTo(REDUCE_ANSWER);
        assertThat(payload.path("ts").asText()).isNotBlank();
        // id = the outbox row's id, and the row is marked published
        Map<String, Object> outbox = resources.jdbc().queryForMap(
                "SELECT id::text AS id, published, attempts, service, topic FROM outbox_events WHERE payload->>'videoId' = ?",
                String.valueOf(videoId));
        assertThat(payload.path("id").asText()).isEqualTo(outbox.get("id"));
        assertThat(outbox).containsEntry("published", true).containsEntry("attempts", 1)
                .containsEntry("service", "integration-hub").containsEntry("topic", OUT);

        JsonNode document = json.readTree(s3.getObjectAsBytes(b -> b.bucket(bucket).key("summaries/" + videoId + "/summary.json")).asUtf8String());
        assertThat(document.path("summaryText").asText()).isEqualTo(REDUCE_ANSWER);
        assertThat(document.path("method").asText()).isEqualTo("map-reduce");
        assertThat(document.path("chunkCount").asInt()).isEqualTo(1);
        assertThat(document.path("qualityScore").asDouble()).isBetween(0.0, 1.0);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("summaries/" + videoId + "/summary.txt")).asUtf8String())
                .isEqualTo(REDUCE_ANSWER);
        Map<String, Object> row = resources.jdbc().queryForMap(
                "SELECT summary_text, summary_path, transcript_key, model_info::text AS model_info, quality_score FROM video_summaries WHERE video_id = ?",
                videoId);
        assertThat(row).containsEntry("summary_text", REDUCE_ANSWER).containsEntry("transcript_key", key)
                .containsEntry("summary_path", "summaries/" + videoId + "/summary.json");
        assertThat(json.readTree((String) row.get("model_info")).path("method").asText()).isEqualTo("map-reduce");
        assertThat(((Number) row.get("quality_score")).doubleValue()).isEqualTo(document.path("qualityScore").asDouble());
    }

    @Test
    void aTwoHourTranscriptNeedsSeveralMapCallsAndARecursiveReduce() throws Exception {
        stubLlm();
        long videoId = newVideoId();
        // two hours: a snippet every 2.4 s, ~20 tokens each: about 60k tokens
        String key = upload(videoId, snippets(3000, 0));

        send(videoId, event(videoId, key), null);

        awaitOne(summarized, videoId);
        JsonNode document = json.readTree(s3.getObjectAsBytes(b -> b.bucket(bucket).key("summaries/" + videoId + "/summary.json")).asUtf8String());
        int chunks = document.path("chunkCount").asInt();
        assertThat(chunks).isGreaterThanOrEqualTo(7);
        assertThat(wireMock.findAll(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.max_tokens", com.github.tomakehurst.wiremock.client.WireMock.equalTo("200"))))).hasSize(chunks);
        List<LoggedRequest> reduces = wireMock.findAll(postRequestedFor(urlEqualTo(CHAT))
                .withRequestBody(matchingJsonPath("$.max_tokens", com.github.tomakehurst.wiremock.client.WireMock.equalTo("500"))));
        JsonNode modelInfo = json.readTree(resources.jdbc().queryForObject(
                "SELECT model_info::text FROM video_summaries WHERE video_id = ?", String.class, videoId));
        assertThat(modelInfo.path("reduceLevels").asInt()).as("model_info " + modelInfo).isGreaterThanOrEqualTo(2);
        assertThat(reduces.size()).as("reduce calls over two levels at least").isGreaterThanOrEqualTo(3);
        assertThat(modelInfo.path("transcriptTokens").asInt()).isGreaterThan(30_000);
        // chunk times: from the first snippet to the end of the last one, two hours in
        JsonNode parts = document.path("chunkSummaries");
        assertThat(parts.get(0).path("start").asDouble()).isEqualTo(0.0);
        assertThat(parts.get(parts.size() - 1).path("end").asDouble()).isEqualTo(2999 * 2.4 + 2.0, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void tooManyRequestsIsRetriedAfterRetryAfter() throws Exception {
        stubLlm();
        wireMock.stubFor(post(urlEqualTo(CHAT)).atPriority(1).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1").withBody("{\"error\":\"slow down\"}"))
                .willSetStateTo("served"));
        long videoId = newVideoId();
        String key = upload(videoId, snippets(30, 0));

        send(videoId, event(videoId, key), null);

        awaitOne(summarized, videoId);
        List<LoggedRequest> calls = new ArrayList<>(wireMock.findAll(postRequestedFor(urlEqualTo(CHAT))));
        calls.sort((a, b) -> a.getLoggedDate().compareTo(b.getLoggedDate()));
        assertThat(calls).hasSize(3); // the refused map call, the map call again, the reduce
        long waited = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        assertThat(waited).as("Retry-After: 1 honoured (the backoff alone would be 100 ms)").isGreaterThanOrEqualTo(900);
        assertThat(deadLetters.matching(r -> String.valueOf(videoId).equals(r.key()))).isEmpty();
    }

    @Test
    void anLlmThatStaysDownParksWorkAndTheRecordEndsOnTheDeadLetterTopic() throws Exception {
        wireMock.stubFor(post(urlEqualTo(CHAT)).willReturn(aResponse().withStatus(503).withBody("overloaded")));
        long videoId = newVideoId();
        String key = upload(videoId, snippets(3000, 0));
        String event = event(videoId, key);
        LiveEventStreamClient liveEvents = LiveEventStreamClient.open(port, "types=error&video_id=" + videoId);

        send(videoId, event, null);

        ConsumerRecord<String, String> dead = awaitOne(deadLetters, videoId);
        try (liveEvents) {
            assertThat(liveEvents.awaitType("error").rawData()).contains(String.valueOf(videoId));
        }
        assertThat(dead.value()).isEqualTo(event);
        assertThat(KafkaTopicReader.header(dead, DeadLetters.REASON)).isEqualTo("llm_unavailable");
        assertThat(KafkaTopicReader.header(dead, DeadLetters.ATTEMPTS)).isEqualTo("3");
        assertThat(KafkaTopicReader.header(dead, DeadLetters.EXCEPTION)).isEqualTo(LlmUnavailable.class.getName());
        assertThat(KafkaTopicReader.header(dead, DeadLetters.ORIGINAL_TOPIC)).isEqualTo(IN);
        // the breaker opened during the first attempt: later attempts did not call the LLM at all
        int calls = wireMock.findAll(postRequestedFor(urlEqualTo(CHAT))).size();
        // without a breaker: 3 attempts x 8 chunks x 4 tries = 96 calls; with it, the later attempts make none
        assertThat(calls).as("LLM calls").isLessThan(3 * 8 * 4 / 2);
        assertThat(KafkaTopicReader.header(dead, DeadLetters.ERROR)).contains("circuit breaker is open");
        assertThat(resources.jdbc().queryForObject("SELECT count(*) FROM video_summaries WHERE video_id = ?", Integer.class, videoId)).isZero();
        assertThat(resources.jdbc().queryForObject("SELECT count(*) FROM outbox_events", Integer.class)).isZero();
    }

    @Test
    void duplicateEventsMakeOneSummaryAndOneEvent() throws Exception {
        stubLlm();
        long videoId = newVideoId();
        String key = upload(videoId, snippets(40, 0));
        String event = event(videoId, key);
        long sameTime = newVideoId();
        String sameTimeKey = upload(sameTime, snippets(40, 0));

        // one copy after the other on one partition, and two copies at once on both partitions
        send(videoId, event, 0);
        send(videoId, event, 0);
        send(sameTime, event(sameTime, sameTimeKey), 0);
        send(sameTime, event(sameTime, sameTimeKey), 1);
        // markers behind the copies on each partition: once they are summarized, every copy has been handled
        long marker0 = newVideoId();
        long marker1 = newVideoId();
        send(marker0, event(marker0, upload(marker0, snippets(10, 0))), 0);
        send(marker1, event(marker1, upload(marker1, snippets(10, 0))), 1);
        awaitOne(summarized, marker0);
        awaitOne(summarized, marker1);

        assertThat(summarized.matching(r -> String.valueOf(videoId).equals(r.key()))).hasSize(1);
        assertThat(summarized.matching(r -> String.valueOf(sameTime).equals(r.key()))).hasSize(1);
        assertThat(resources.jdbc().queryForObject("SELECT count(*) FROM outbox_events WHERE payload->>'videoId' IN (?, ?)",
                Integer.class, String.valueOf(videoId), String.valueOf(sameTime))).isEqualTo(2);
        // the copy that came after the first was done cost no LLM call: 2 videos x (map + reduce) + the two markers,
        // plus at most one extra run for the copies that raced each other on two partitions
        int calls = wireMock.findAll(postRequestedFor(urlEqualTo(CHAT))).size();
        assertThat(calls).isBetween(8, 10);
    }

    @Test
    void aRelayStartedAfterTheRowsWereWrittenPublishesThemInOrder() throws Exception {
        camelContext.getRouteController().stopRoute("summariesOutboxPoll");
        List<String> ids = insertOutboxRows(5);
        assertThat(summarized.matching(r -> ids.contains(idOf(r)))).isEmpty();
        assertThat(resources.jdbc().queryForObject("SELECT count(*) FROM outbox_events WHERE NOT published", Integer.class)).isEqualTo(5);

        camelContext.getRouteController().startRoute("summariesOutboxPoll");

        await().atMost(Duration.ofSeconds(15)).until(() -> summarized.matching(r -> ids.contains(idOf(r))).size() == 5);
        assertThat(resources.jdbc().queryForObject("SELECT count(*) FROM outbox_events WHERE published AND published_at IS NOT NULL",
                Integer.class)).isEqualTo(5);
        // one key: one partition, in the order the rows were created
        List<String> order = summarized.matching(r -> ids.contains(idOf(r))).stream().map(this::idOf).toList();
        assertThat(order).containsExactlyElementsOf(ids);
    }

    @Test
    void twoRelaysAtOncePublishEachRowOnce() throws Exception {
        camelContext.getRouteController().stopRoute("summariesOutboxPoll");
        List<String> ids = insertOutboxRowsForManyVideos(400);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService relays = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                runs.add(relays.submit(() -> {
                    start.await();
                    for (int i = 0; i < 20; i++) {
                        producer.sendBody("direct:summaries-outbox-relay", null);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            relays.shutdownNow();
        }

        assertThat(resources.jdbc().queryForObject("SELECT count(*) FROM outbox_events WHERE NOT published", Integer.class)).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> summarized.matching(r -> ids.contains(idOf(r))).size() >= 400);
        List<String> published = summarized.matching(r -> ids.contains(idOf(r))).stream().map(this::idOf).toList();
        assertThat(published).hasSize(400);
        assertThat(new HashSet<>(published)).hasSize(400);
        assertThat(resources.jdbc().queryForObject("SELECT max(attempts) FROM outbox_events", Integer.class)).isEqualTo(1);
    }

    private List<String> insertOutboxRows(int count) {
        long videoId = newVideoId();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            resources.jdbc().update("INSERT INTO outbox_events (id, topic, payload, service) VALUES (?::uuid, ?, ?::jsonb, 'it')",
                    id, OUT, "{\"id\":\"" + id + "\",\"videoId\":" + videoId + ",\"summaryFileKey\":\"k\",\"summaryText\":\"t" + i
                            + "\",\"ts\":\"2026-01-01T00:00:00Z\"}");
        }
        return ids;
    }

    private List<String> insertOutboxRowsForManyVideos(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            resources.jdbc().update("INSERT INTO outbox_events (id, topic, payload, service) VALUES (?::uuid, ?, ?::jsonb, 'it')",
                    id, OUT, "{\"id\":\"" + id + "\",\"videoId\":" + newVideoId() + ",\"summaryFileKey\":\"k\",\"summaryText\":\"t\",\"ts\":\"2026-01-01T00:00:00Z\"}");
        }
        return ids;
    }

    private String idOf(ConsumerRecord<String, String> record) {
        try {
            return json.readTree(record.value()).path("id").asText();
        } catch (Exception e) {
            return "";
        }
    }

    private void stubLlm() {
        wireMock.stubFor(post(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.max_tokens", com.github.tomakehurst.wiremock.client.WireMock.equalTo("200")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(completion(MAP_ANSWER))));
        wireMock.stubFor(post(urlEqualTo(CHAT)).withRequestBody(matchingJsonPath("$.max_tokens", com.github.tomakehurst.wiremock.client.WireMock.equalTo("500")))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(completion(REDUCE_ANSWER))));
    }

    private String completion(String content) {
        try {
            return json.writeValueAsString(Map.of("id", "chatcmpl-it", "object", "chat.completion", "model", "stub-model",
                    "choices", List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", content),
                            "finish_reason", "stop"))));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private ConsumerRecord<String, String> awaitOne(KafkaTopicReader reader, long videoId) {
        String key = String.valueOf(videoId);
        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100))
                .until(() -> !reader.matching(r -> key.equals(r.key())).isEmpty());
        return reader.matching(r -> key.equals(r.key())).get(0);
    }

    private void send(long videoId, String event, Integer partition) throws Exception {
        kafka.send(new ProducerRecord<>(IN, partition, String.valueOf(videoId), event)).get();
    }

    private String upload(long videoId, String transcript) {
        String key = "transcripts/" + videoId + "/transcript.json";
        s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"),
                RequestBody.fromString(transcript, StandardCharsets.UTF_8));
        return key;
    }

    private static long newVideoId() {
        return ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000);
    }

    private static String event(long videoId, String key) {
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"videoId\":" + videoId + ",\"transcriptFileKey\":\"" + key
                + "\",\"snippetCount\":3,\"ts\":\"2026-01-01T00:00:00Z\"}";
    }

    /** n snippets 2.4 s apart, 2 s long, ~20 tokens each. */
    private static String snippets(int n, int from) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            json.append(i == 0 ? "" : ",").append("{\"text\":\"At ").append(from + i)
                    .append(" the speaker describes consumers, idempotency, outboxes and retries in detail.\",\"start\":")
                    .append(String.format(java.util.Locale.ROOT, "%.1f", (from + i) * 2.4)).append(",\"duration\":2.0}");
        }
        return json.append(']').toString();
    }

    @SuppressWarnings("unused")
    private static Set<String> keys(List<ConsumerRecord<String, String>> records) {
        Set<String> keys = new HashSet<>();
        records.forEach(r -> keys.add(r.key()));
        return keys;
    }
}
