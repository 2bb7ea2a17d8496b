package routes.shared.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MarkerFactory;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;

/** The hub's ECS line is Spring Boot's built-in {@code ecs} line, byte for byte, for every kind of event. */
class EcsLogFormatTest {

    private final ObjectMapper json = new ObjectMapper();
    private final LoggerContext context = new LoggerContext();
    private final MockEnvironment environment = new MockEnvironment()
            .withProperty("spring.application.name", "integration-hub")
            .withProperty("spring.application.version", "0.1.0")
            .withProperty("spring.application.pid", "4242")
            .withProperty("logging.structured.ecs.service.environment", "test");
    private StructuredLogEncoder builtIn;
    private StructuredLogEncoder hub;

    @BeforeEach
    void encoders() {
        context.putObject(Environment.class.getName(), environment);
        builtIn = encoder("ecs");
        hub = encoder(EcsLogFormat.class.getName());
    }

    @AfterEach
    void stop() {
        builtIn.stop();
        hub.stop();
    }

    @Test
    void plainMessage() {
        assertSameLine(event("routes.extraction.audit", Level.INFO, "extraction callback accepted", null));
    }

    @Test
    void mdcKeysNestAtTheirDotsAndKeyValuePairsFollow() {
        LoggingEvent event = event("routes.extraction.audit", Level.INFO, "extraction callback caller=127.0.0.1", null,
                Map.of("camel.exchangeId", "E-1", "camel.routeId", "extractionCallback", "correlationId", "C-1"));
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("caller", "127.0.0.1"));
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("status", 200));
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("latencyMs", 3.5));

        byte[] line = assertSameLine(event);

        JsonNode tree = read(line);
        assertThat(tree.at("/camel/routeId").asText()).isEqualTo("extractionCallback");
        assertThat(tree.at("/correlationId").asText()).isEqualTo("C-1");
        assertThat(tree.at("/status").asInt()).isEqualTo(200);
    }

    @Test
    void exceptionBecomesErrorFields() {
        IllegalStateException failure = new IllegalStateException("broker said \"no\"\n\tand more");
        byte[] line = assertSameLine(event("routes.summaries", Level.ERROR, "summary failed", failure));

        JsonNode tree = read(line);
        assertThat(tree.at("/error/type").asText()).isEqualTo(IllegalStateException.class.getName());
        assertThat(tree.at("/error/message").asText()).isEqualTo("broker said \"no\"\n\tand more");
        assertThat(tree.at("/error/stack_trace").asText()).contains("EcsLogFormatTest");
    }

    @Test
    void markersBecomeSortedTags() {
        LoggingEvent event = event("routes.transcripts", Level.WARN, "dead-lettered", null);
        var parent = MarkerFactory.getDetachedMarker("dead-letter");
        parent.add(MarkerFactory.getDetachedMarker("audit"));
        event.addMarker(parent);

        JsonNode tree = read(assertSameLine(event));
        assertThat(tree.at("/tags").toString()).isEqualTo("[\"audit\",\"dead-letter\"]");
    }

    @Test
    void charactersThatNeedEscapingAndNonAscii() {
        assertSameLine(event("routes.live", Level.DEBUG, "quote \" backslash \\ tab \t control \u0001 ünïcödé 字", null));
    }

    @Test
    void theCurrentSpansIdsAreTraceIdAndSpanId() {
        try (io.opentelemetry.sdk.trace.SdkTracerProvider provider = io.opentelemetry.sdk.trace.SdkTracerProvider.builder().build()) {
            io.opentelemetry.api.trace.Span span = provider.get("test").spanBuilder("transcripts-in").startSpan();
            try (io.opentelemetry.context.Scope scope = span.makeCurrent()) {
                JsonNode tree = read(hub.encode(event("routes.transcripts", Level.INFO, "consumed", null)));
                assertThat(tree.at("/trace/id").asText()).isEqualTo(span.getSpanContext().getTraceId());
                assertThat(tree.at("/span/id").asText()).isEqualTo(span.getSpanContext().getSpanId());
            } finally {
                span.end();
            }
        }
        JsonNode untraced = read(hub.encode(event("routes.transcripts", Level.INFO, "consumed", null)));
        assertThat(untraced.has("trace")).as("no span, no trace fields").isFalse();
    }

    private byte[] assertSameLine(LoggingEvent event) {
        byte[] expected = builtIn.encode(event);
        byte[] actual = hub.encode(event);
        assertThat(new String(actual, StandardCharsets.UTF_8)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
        return actual;
    }

    private JsonNode read(byte[] line) {
        try {
            return json.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private LoggingEvent event(String loggerName, Level level, String message, Throwable throwable) {
        return event(loggerName, level, message, throwable, Map.of());
    }

    private LoggingEvent event(String loggerName, Level level, String message, Throwable throwable,
                               Map<String, String> mdc) {
        Logger logger = context.getLogger(loggerName);
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, level, message, throwable, null);
        event.setThreadName("Camel (camel-1) thread #12 - NettyConsumerExecutorGroup");
        event.setMDCPropertyMap(mdc);
        return event;
    }

    private StructuredLogEncoder encoder(String format) {
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setContext(context);
        encoder.setFormat(format);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        return encoder;
    }
}
