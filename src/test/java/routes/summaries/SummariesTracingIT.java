package routes.summaries;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import routes.support.HubIntegrationTest;
import routes.support.HubResources;
import routes.support.InMemoryTracing;
import routes.support.TestInfrastructure;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Tracing of the summaries flow against real Kafka, PostgreSQL, S3 and a WireMock LLM (a context of its own: tracing
 * on, spans kept in memory): the producer's {@code traceparent} on the video.transcribed record is the trace of the
 * LLM calls' {@code traceparent} and of the video.summarized record's {@code traceparent}, across the outbox.
 */
@HubIntegrationTest
@TestPropertySource(properties = "camel.opentelemetry2.enabled=true")
@Import(InMemoryTracing.class)
// run by Failsafe's `tracing` execution, in a JVM of its own (pom.xml)
class SummariesTracingIT {

    private static final String CHAT = "/llm/v1/chat/completions";

    @Autowired
    HubResources resources;
    @Autowired
    S3Client s3;
    @Autowired
    InMemorySpanExporter spans;
    @Autowired
    OpenTelemetrySdk openTelemetry;
    @Value("${hub.kafka.brokers}")
    String brokers;
    @Value("${hub.s3.bucket}")
    String bucket;

    private final WireMockServer wireMock = TestInfrastructure.wireMock();

    @Test
    void theTranscribedRecordsTraceContinuesThroughTheLlmCallsToTheSummarizedRecord() throws Exception {
        traced();
    }

    private void traced() throws Exception {
        String answer = new ObjectMapper().writeValueAsString(Map.of("id", "chatcmpl-it", "object", "chat.completion",
                "model", "stub-model", "choices", List.of(Map.of("index", 0,
                        "message", Map.of("role", "assistant", "content", "A traced summary."), "finish_reason", "stop"))));
        wireMock.resetAll();
        wireMock.stubFor(post(urlEqualTo(CHAT)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(answer)));
        long videoId = ThreadLocalRandom.current().nextLong(1_000_000, 1_000_000_000);
        String key = "transcripts/" + videoId + "/transcript.json";
        s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromString(
                "[{\"text\":\"a short traced transcript\",\"start\":0.0,\"duration\":2.0}]", StandardCharsets.UTF_8));
        String traceId = hex(32);
        String upstreamSpan = hex(16);
        String event = "{\"id\":\"" + UUID.randomUUID() + "\",\"videoId\":" + videoId + ",\"transcriptFileKey\":\"" + key
                + "\",\"snippetCount\":1,\"ts\":\"2026-01-01T00:00:00Z\"}";

        String outTraceparent;
        try (KafkaProducer<String, String> kafka = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
             KafkaTopicReader summarized = new KafkaTopicReader(brokers, "video.summarized")) {
            ProducerRecord<String, String> record = new ProducerRecord<>("video.transcribed", String.valueOf(videoId), event);
            record.headers().add("traceparent", ("00-" + traceId + "-" + upstreamSpan + "-01").getBytes(StandardCharsets.UTF_8));
            kafka.send(record).get();

            String videoKey = String.valueOf(videoId);
            await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !summarized.matching(r -> videoKey.equals(r.key())).isEmpty());
            ConsumerRecord<String, String> out = summarized.matching(r -> videoKey.equals(r.key())).get(0);
            outTraceparent = KafkaTopicReader.header(out, "traceparent");
            assertThat(outTraceparent).as("video.summarized traceparent").startsWith("00-" + traceId + "-")
                    .doesNotContain(upstreamSpan);
        } finally {
            resources.truncate("video_summaries", "outbox_events");
        }

        List<LoggedRequest> llmCalls = wireMock.findAll(postRequestedFor(urlEqualTo(CHAT)));
        assertThat(llmCalls).isNotEmpty().allSatisfy(call ->
                assertThat(call.getHeader("traceparent")).as("LLM call traceparent").startsWith("00-" + traceId + "-"));

        openTelemetry.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
        List<SpanData> traced = spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
        assertThat(traced).as("hub spans of the record's trace").isNotEmpty()
                .anySatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(upstreamSpan));
        // the span names of one record (printed for the flow doc)
        traced.forEach(s -> System.out.println("TRACE summaries " + s.getTraceId() + " " + s.getSpanId() + " parent "
                + s.getParentSpanId() + " " + s.getName() + " " + s.getKind()));
        System.out.println("TRACE summaries video.summarized traceparent " + outTraceparent);
    }

    private static String hex(int length) {
        StringBuilder hex = new StringBuilder();
        while (hex.length() < length) {
            hex.append(Long.toHexString(ThreadLocalRandom.current().nextLong() | 1L));
        }
        return hex.substring(0, length);
    }
}
