package routes.transcripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import com.fasterxml.jackson.databind.ObjectMapper;

import routes.HubApplication;

/**
 * Tracing of the transcripts flow (camel-opentelemetry2 on, spans kept in memory): the trace MassTransit started
 * ({@code MT-Activity-Id}) is the trace of the hub's spans, of the transcript-api call's {@code traceparent} and of the
 * published events' {@code MT-Activity-Id}/{@code traceparent}.
 */
@CamelSpringBootTest
@SpringBootTest(classes = {HubApplication.class, TranscriptsTracingTest.Spans.class}, properties = {
        "camel.opentelemetry2.enabled=true",
        "hub.transcripts.api.retry-delay-ms=10",
        "hub.transcripts.api.max-retry-delay-ms=40"})
@ActiveProfiles("unit")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@UseAdviceWith
class TranscriptsTracingTest {

    @TestConfiguration(proxyBeanMethods = false)
    static class Spans {
        @Bean
        @org.springframework.context.annotation.Primary
        InMemorySpanExporter inMemorySpanExporter() {
            return InMemorySpanExporter.create();
        }
    }

    @Autowired
    CamelContext camelContext;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    InMemorySpanExporter spans;

    @Autowired
    OpenTelemetrySdk openTelemetry;

    @Autowired
    SpanExporter exporter;

    private final TranscriptFixtures fixtures = new TranscriptFixtures();

    @Test
    void theMassTransitActivityIsTheTraceOfTheApiCallAndOfThePublishedEvents() throws Exception {
        assertThat(exporter).as("the test's exporter replaces OTLP").isSameAs(spans);
        advise();
        camelContext.start();
        for (String id : List.of("transcriptsConsume", "transcriptsClaim", "transcriptsApiCall", "transcriptsComplete",
                "transcriptsClose", "transcriptsPublishProgress", "transcriptsPublishCompleted", "transcriptsPublishFault",
                "transcriptsDeadLetterError", "transcriptsDeadLetterSkipped")) {
            camelContext.getRouteController().startRoute(id);
        }
        String traceId = fixtures.activityId.split("-")[1];
        String upstreamSpan = fixtures.activityId.split("-")[2];

        producer.send("direct:transcripts-in", e -> {
            e.getMessage().setBody(fixtures.bytes("envelope-activity.json"));
            e.getMessage().setHeaders(new HashMap<>(Map.of("CamelSpringRabbitmqMessageId", fixtures.messageId,
                    "CamelSpringRabbitmqContentType", "application/vnd.masstransit+json",
                    "MT-Activity-Id", fixtures.activityId)));
        });

        Exchange apiRequest = mock("api").getReceivedExchanges().get(0);
        String apiTraceparent = apiRequest.getMessage().getHeader("traceparent", String.class);
        assertThat(traceIdOf(apiTraceparent)).as("transcript-api call traceparent").isEqualTo(traceId);
        assertThat(spanIdOf(apiTraceparent)).as("a hub span, not the upstream one").isNotEqualTo(upstreamSpan);

        List<Exchange> published = new java.util.ArrayList<>(mock("progressOut").getReceivedExchanges());
        published.addAll(mock("completedOut").getReceivedExchanges());
        assertThat(published).hasSize(3);
        for (Exchange event : published) {
            assertThat(traceIdOf(event.getMessage().getHeader("MT-Activity-Id", String.class)))
                    .as("published MT-Activity-Id header").isEqualTo(traceId);
            assertThat(traceIdOf(event.getMessage().getHeader("traceparent", String.class)))
                    .as("published traceparent header").isEqualTo(traceId);
            String envelopeActivity = new ObjectMapper().readTree(event.getMessage().getBody(byte[].class))
                    .path("headers").path("MT-Activity-Id").asText();
            assertThat(traceIdOf(envelopeActivity)).as("published envelope's MT-Activity-Id").isEqualTo(traceId);
        }

        openTelemetry.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
        List<SpanData> finished = spans.getFinishedSpanItems();
        assertThat(finished).isNotEmpty();
        assertThat(finished).allSatisfy(span -> assertThat(span.getTraceId()).as(span.getName()).isEqualTo(traceId));
        assertThat(finished).anySatisfy(span -> assertThat(span.getParentSpanId()).isEqualTo(upstreamSpan));
        assertThat(finished).as("the MassTransit message id on the consuming span").anySatisfy(span -> assertThat(
                span.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("messaging.message.id")))
                .isEqualTo(fixtures.messageId));
        // the span names and attributes of one transcript request (printed for the flow doc)
        finished.forEach(span -> System.out.println("TRACE span " + span.getName() + " " + span.getKind() + " "
                + span.getAttributes().asMap()));
    }

    private void advise() throws Exception {
        AdviceWith.adviceWith(camelContext, "transcriptsConsume", a -> {
            a.replaceFromWith("direct:transcripts-in");
            a.weaveById("transcriptsInboxOutcome").replace().to("mock:inboxOutcome");
        });
        AdviceWith.adviceWith(camelContext, "transcriptsClaim", a -> a.weaveById("transcriptsInboxClaim").replace().to("mock:inboxClaim"));
        AdviceWith.adviceWith(camelContext, "transcriptsApiCall", a -> a.weaveById("transcriptsApiPost").replace().to("mock:api"));
        AdviceWith.adviceWith(camelContext, "transcriptsClose",
                a -> a.weaveById("transcriptsInboxCompleted").replace().to("mock:inboxCompleted"));
        AdviceWith.adviceWith(camelContext, "transcriptsPublishProgress", a -> {
            a.weaveById("Out").replace().to("mock:progressOut");
            a.weaveById("Live").replace().to("mock:live");
        });
        AdviceWith.adviceWith(camelContext, "transcriptsPublishCompleted", a -> {
            a.weaveById("Out").replace().to("mock:completedOut");
            a.weaveById("Live").replace().to("mock:live");
        });
        MockEndpoint.resetMocks(camelContext);
        mock("inboxClaim").whenAnyExchangeReceived(e -> e.getMessage().setBody(claimed()));
        mock("inboxOutcome").whenAnyExchangeReceived(e -> e.getMessage().setHeader("CamelSqlUpdateCount", 1));
        mock("api").whenAnyExchangeReceived(e -> {
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            e.getMessage().setBody("{\"success\": true, \"transcript\": \"hello world\"}");
        });
    }

    private static Map<String, Object> claimed() {
        Map<String, Object> row = new HashMap<>();
        row.put("status", "RECEIVED");
        row.put("deliveries", 1);
        row.put("claimed", true);
        row.put("generation", 0);
        row.put("fault", false);
        row.put("retry_count", 0);
        return row;
    }

    private static String traceIdOf(String traceparent) {
        assertThat(traceparent).as("a W3C traceparent").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        return traceparent.split("-")[1];
    }

    private static String spanIdOf(String traceparent) {
        return traceparent.split("-")[2];
    }

    private MockEndpoint mock(String name) {
        return camelContext.getEndpoint("mock:" + name, MockEndpoint.class);
    }
}
