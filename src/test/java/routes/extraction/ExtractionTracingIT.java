package routes.extraction;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import routes.support.HubIntegrationTest;
import routes.support.InMemoryTracing;
import routes.support.TestInfrastructure;

/**
 * Tracing of the extraction flow against the real RabbitMQ with WireMock as the webhook (tracing on): the callback's
 * {@code traceparent} is the trace of the event on the broker and of the webhook call that delivers it.
 */
@HubIntegrationTest
@TestPropertySource(properties = "camel.opentelemetry2.enabled=true")
@Import(InMemoryTracing.class)
// run by Failsafe's `tracing` execution, in a JVM of its own (pom.xml)
class ExtractionTracingIT {

    private static final String WEBHOOK = "/api/extraction/internal/baseline";

    @Value("${hub.internal-listener.port}")
    int internalPort;
    @Autowired
    InMemorySpanExporter spans;
    @Autowired
    OpenTelemetrySdk openTelemetry;

    private final WireMockServer wireMock = TestInfrastructure.wireMock();

    @Test
    void theCallbacksTraceReachesTheWebhook() throws Exception {
        traced();
    }

    private void traced() throws Exception {
        wireMock.stubFor(post(urlEqualTo(WEBHOOK)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{}")));
        String contentId = "trace-" + UUID.randomUUID();
        String traceId = hex(32);
        String callerSpan = hex(16);

        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + internalPort + "/extraction/internal/completed"))
                .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
                .header("X-Internal-Secret", "it-secret")
                .header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"contentId\": \"" + contentId + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> !webhookCalls(contentId).isEmpty());
        assertThat(webhookCalls(contentId)).allSatisfy(call -> assertThat(call.getHeader("traceparent"))
                .as("webhook traceparent").startsWith("00-" + traceId + "-").doesNotContain(callerSpan));

        // the hub's spans of the caller's trace: the callback's span is the caller span's child, and the webhook
        // call's span (its URL) is in the same trace
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(traced(traceId)).as("hub spans of the caller's trace")
                    .anySatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(callerSpan))
                    .anySatisfy(s -> assertThat(s.getAttributes().asMap().values())
                            .anySatisfy(v -> assertThat(String.valueOf(v)).contains(WEBHOOK)));
        });
        // the span names of one callback (printed for the flow doc)
        traced(traceId).forEach(s -> System.out.println("TRACE extraction " + s.getTraceId() + " " + s.getSpanId()
                + " parent " + s.getParentSpanId() + " " + s.getName() + " " + s.getKind()));
    }

    private List<SpanData> traced(String traceId) {
        openTelemetry.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
        return spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    private List<LoggedRequest> webhookCalls(String contentId) {
        return wireMock.findAll(postRequestedFor(urlEqualTo(WEBHOOK)).withRequestBody(containing(contentId)));
    }

    private static String hex(int length) {
        StringBuilder hex = new StringBuilder();
        while (hex.length() < length) {
            hex.append(Long.toHexString(ThreadLocalRandom.current().nextLong() | 1L));
        }
        return hex.substring(0, length);
    }
}
