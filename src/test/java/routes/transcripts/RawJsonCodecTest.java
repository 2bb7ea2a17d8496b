package routes.transcripts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageDeliveryMode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * MassTransit's raw JSON format both ways: a bare TranscriptRequestedIntegrationEvent with MassTransit's transport
 * headers read as a request (ids from the headers and the AMQP properties), and the events written as the raw
 * serializer writes them (bare message, application/json, MessageId/CorrelationId/ConversationId/MT-* headers), next
 * to the envelope they replace.
 */
class RawJsonCodecTest {

    private static final String NS = "M3.Net.Modules.Transcripts.IntegrationEvents";
    private static final String URN = "urn:message:" + NS + ":TranscriptRequestedIntegrationEvent";
    private static final String PROGRESS_X = "progress-x";

    private final EnvelopeReader reader = new EnvelopeReader(new routes.shared.JsonLimits(64, 1_048_576, 100));
    private final TranscriptFixtures fixtures = new TranscriptFixtures();
    private final ObjectMapper json = new ObjectMapper();
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final TranscriptsSettings settings = new TranscriptsSettings(NS, "transcript-consumer",
            new TranscriptsSettings.Exchanges("in-x", PROGRESS_X, "completed-x", "fault-x"), true, null);
    private final MassTransitHost host = new MassTransitHost("box", "java", 42, "integration-hub", "0.1.0", "21",
            "Apache Camel 4.17.0", "Linux 6");
    private final TranscriptEvents events = new TranscriptEvents(settings, host, new BrokerAddress("rabbitmq://broker"), new routes.shared.JsonLimits(64, 1_048_576, 100));

    @AfterEach
    void close() {
        camel.stop();
    }

    // ---- content types ----

    @Test
    void contentTypeChoosesTheFormat_asMassTransitsReceiveEndpointDoes() {
        assertThat(MessageSerializer.forContentType("application/json")).isEqualTo(MessageSerializer.RAW);
        assertThat(MessageSerializer.forContentType("Application/JSON; charset=utf-8")).isEqualTo(MessageSerializer.RAW);
        assertThat(MessageSerializer.forContentType("application/vnd.masstransit+json")).isEqualTo(MessageSerializer.ENVELOPE);
        assertThat(MessageSerializer.forContentType(null)).as("MassTransit's default").isEqualTo(MessageSerializer.ENVELOPE);
        assertThat(MessageSerializer.forContentType("text/plain")).isEqualTo(MessageSerializer.ENVELOPE);
        assertThat(settings.publishSerializer()).as("unset: envelope").isEqualTo(MessageSerializer.ENVELOPE);
    }

    @Test
    void inboundContentType_isTheAmqpPropertyElseTheContentTypeHeader() {
        assertThat(TranscriptsInbound.contentType(message(Map.of("CamelSpringRabbitmqContentType", "application/json"))))
                .isEqualTo("application/json");
        // Spring AMQP's value for a delivery without content_type: the header decides
        assertThat(TranscriptsInbound.contentType(message(Map.of("CamelSpringRabbitmqContentType", "application/octet-stream",
                "Content-Type", "application/json".getBytes(StandardCharsets.UTF_8))))).isEqualTo("application/json");
        assertThat(TranscriptsInbound.contentType(message(Map.of()))).isNull();
    }

    // ---- reading a raw request ----

    @Test
    void rawRequest_takesItsIdsFromMassTransitsTransportHeaders() {
        Map<String, Object> headers = new HashMap<>();
        headers.put("CamelSpringRabbitmqMessageId", fixtures.messageId);
        headers.put("CamelSpringRabbitmqCorrelationId", fixtures.transcriptRequestId);
        headers.put("ConversationId", fixtures.conversationId.toUpperCase());
        headers.put("MT-InitiatorId", fixtures.eventId);
        headers.put("MT-Source-Address", "rabbitmq://localhost/m3-api");
        headers.put("MT-MessageType", URN + ";urn:message:" + NS + ":IIntegrationEvent");
        headers.put("MT-Activity-Id", fixtures.activityId);

        IncomingEnvelope raw = reader.readRaw(rawRequest(), headers);

        assertThat(raw.serializer()).isEqualTo(MessageSerializer.RAW);
        assertThat(raw.messageId()).as("the AMQP message_id").isEqualTo(fixtures.messageId);
        assertThat(raw.correlationId()).as("the AMQP correlation_id").isEqualTo(fixtures.transcriptRequestId);
        assertThat(raw.conversationId()).isEqualTo(fixtures.conversationId);
        assertThat(raw.initiatorId()).isEqualTo(fixtures.eventId);
        assertThat(raw.sourceAddress()).isEqualTo("rabbitmq://localhost/m3-api");
        assertThat(raw.messageTypes()).containsExactly(URN, "urn:message:" + NS + ":IIntegrationEvent");
        assertThat(raw.accepts(URN)).isTrue();
        assertThat(raw.header("mt-activity-id")).isEqualTo(fixtures.activityId);
        assertThat(raw.headers()).doesNotContainKeys("CamelSpringRabbitmqMessageId", "CamelSpringRabbitmqCorrelationId");
        assertThat(raw.message().get("transcriptRequestId").asText()).isEqualTo(fixtures.transcriptRequestId);
        assertThat(raw.message().get("videoUrl").asText()).isEqualTo("https://www.youtube.com/watch?v=raw");
    }

    @Test
    void rawRequest_messageIdHeaderWinsOverTheAmqpProperty_andANonGuidCountsAsAbsent() {
        String headerId = new TranscriptFixtures().messageId;
        IncomingEnvelope both = reader.readRaw(rawRequest(), Map.of("MessageId", headerId.getBytes(StandardCharsets.UTF_8),
                "CamelSpringRabbitmqMessageId", fixtures.messageId));
        assertThat(both.messageId()).as("MassTransit's RabbitMQ header provider reads the table first").isEqualTo(headerId);

        IncomingEnvelope notAGuid = reader.readRaw(rawRequest(), Map.of("MessageId", "order-17",
                "CamelSpringRabbitmqMessageId", fixtures.messageId.replace("-", "").toUpperCase()));
        assertThat(notAGuid.messageId()).isEqualTo(fixtures.messageId);

        IncomingEnvelope none = reader.readRaw(rawRequest(), Map.of("CamelSpringRabbitmqMessageId", "not-a-guid"));
        assertThat(none.messageId()).as("accept() falls back to the event id").isNull();
        assertThat(none.conversationId()).isNull();
    }

    @Test
    void rawRequest_withoutMessageTypeIsTakenByAnyConsumer_withAnotherTypeByNone() {
        IncomingEnvelope untyped = reader.readRaw(rawRequest(), Map.of());
        assertThat(untyped.messageTypes()).isEmpty();
        assertThat(untyped.accepts(URN)).as("RawSerializerOptions.Default: no types, no check").isTrue();

        IncomingEnvelope other = reader.readRaw(rawRequest(), Map.of("MT-MessageType", "urn:message:Shop:OrderPlacedEvent"));
        assertThat(other.accepts(URN)).isFalse();

        IncomingEnvelope untypedEnvelope = reader.read(fixtures.bytes("envelope-no-message.json"));
        assertThat(untypedEnvelope.serializer()).isEqualTo(MessageSerializer.ENVELOPE);
    }

    @Test
    void rawRequest_readAsTolerantlyAsAnEnvelope_andWhatIsNoObjectIsInvalid() {
        byte[] body = rawRequest();
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        assertThat(reader.readRaw(withBom, Map.of()).message().get("userId").asText()).isEqualTo(fixtures.userId);

        assertThatThrownBy(() -> reader.readRaw("[1, 2]".getBytes(StandardCharsets.UTF_8), Map.of()))
                .isInstanceOf(InvalidTranscriptMessage.class).hasMessageContaining("raw JSON message");
        assertThatThrownBy(() -> reader.readRaw("{\"id\": ".getBytes(StandardCharsets.UTF_8), Map.of()))
                .isInstanceOf(InvalidTranscriptMessage.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> reader.readRaw(new byte[0], Map.of())).isInstanceOf(InvalidTranscriptMessage.class);
    }

    // ---- writing events ----

    @Test
    void envelopeByDefault_theEventInsideAMassTransitEnvelope() throws Exception {
        Exchange exchange = progressExchange();
        events.progress(exchange);

        JsonNode envelope = json.readTree(exchange.getMessage().getBody(byte[].class));
        assertThat(exchange.getMessage().getHeader("CamelSpringRabbitmqContentType")).isEqualTo("application/vnd.masstransit+json");
        assertThat(envelope.path("messageId").asText()).isEqualTo(exchange.getMessage().getHeader("CamelSpringRabbitmqMessageId"));
        assertThat(envelope.path("message").path("status").asText()).isEqualTo("Processing");
        assertThat(exchange.getMessage().getHeaders()).doesNotContainKeys("MessageId", "MT-MessageType", "Content-Type");
    }

    @Test
    void raw_theBareEventWithMassTransitsRawTransportHeaders() throws Exception {
        events.useSerializer(MessageSerializer.RAW);
        Exchange exchange = progressExchange();
        events.progress(exchange);

        Map<String, Object> headers = exchange.getMessage().getHeaders();
        String messageId = (String) headers.get("CamelSpringRabbitmqMessageId");
        assertThat(messageId).isEqualTo(exchange.getProperty(TranscriptEvents.PUBLISHED_ID))
                .isEqualTo(DerivedMessageId.of(fixtures.messageId, 0, "progress/Processing/10"));
        assertThat(headers).containsEntry("CamelSpringRabbitmqContentType", "application/json")
                .containsEntry("CamelSpringRabbitmqDeliveryMode", MessageDeliveryMode.PERSISTENT)
                .containsEntry("CamelSpringRabbitmqCorrelationId", fixtures.transcriptRequestId)
                .containsEntry("MessageId", messageId)
                .containsEntry("CorrelationId", fixtures.transcriptRequestId)
                .containsEntry("ConversationId", fixtures.conversationId)
                .containsEntry("MT-InitiatorId", fixtures.messageId)
                .containsEntry("MT-Source-Address", "rabbitmq://broker/transcript-consumer")
                .containsEntry("MT-MessageType", "urn:message:" + NS + ":TranscriptProcessingProgressIntegrationEvent")
                .containsEntry("MT-Activity-Id", fixtures.activityId);
        assertThat(json.readTree((String) headers.get("MT-Host-Info")).path("machineName").asText()).isEqualTo("box");
        List<String> amqpHeaders = new ArrayList<>(headers.keySet().stream().filter(k -> !k.startsWith("Camel")).toList());
        assertThat(amqpHeaders).containsExactlyInAnyOrder("MessageId", "CorrelationId", "ConversationId", "MT-InitiatorId",
                "MT-Source-Address", "MT-MessageType", "MT-Host-Info", "MT-Activity-Id");

        JsonNode body = json.readTree(exchange.getMessage().getBody(byte[].class));
        List<String> keys = new ArrayList<>();
        body.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).as("the bare message, no envelope").containsExactly("id", "occurredOnUtc", "transcriptRequestId",
                "status", "progressPercentage", "message");
        assertThat(body.path("progressPercentage").asInt()).isEqualTo(10);
    }

    @Test
    void raw_aFaultListsBothItsMessageTypes() throws Exception {
        events.useSerializer(MessageSerializer.RAW);
        Exchange exchange = progressExchange();
        exchange.setProperty(FaultInfo.PROPERTY, new FaultInfo("java.io.IOException", "transcript-api unreachable", null, 4));
        events.fault(exchange);

        assertThat(exchange.getMessage().getHeader("MT-MessageType"))
                .isEqualTo("urn:message:MassTransit:Fault[[" + NS + ":TranscriptRequestedIntegrationEvent]];urn:message:MassTransit:Fault");
        JsonNode body = json.readTree(exchange.getMessage().getBody(byte[].class));
        assertThat(body.path("faultedMessageId").asText()).isEqualTo(fixtures.messageId);
        assertThat(body.path("message").path("transcriptRequestId").asText()).isEqualTo(fixtures.transcriptRequestId);
    }

    @Test
    void raw_whatTheHubWritesItReadsBackWithTheSameIds() {
        events.useSerializer(MessageSerializer.RAW);
        Exchange exchange = progressExchange();
        events.progress(exchange);

        IncomingEnvelope read = reader.readRaw(exchange.getMessage().getBody(byte[].class), exchange.getMessage().getHeaders());
        assertThat(read.messageId()).isEqualTo(exchange.getProperty(TranscriptEvents.PUBLISHED_ID));
        assertThat(read.correlationId()).isEqualTo(fixtures.transcriptRequestId);
        assertThat(read.conversationId()).isEqualTo(fixtures.conversationId);
        assertThat(read.initiatorId()).isEqualTo(fixtures.messageId);
        assertThat(read.sourceAddress()).isEqualTo("rabbitmq://broker/transcript-consumer");
        assertThat(read.accepts("urn:message:" + NS + ":TranscriptProcessingProgressIntegrationEvent")).isTrue();
        assertThat(read.accepts(URN)).isFalse();
    }

    // ---- helpers ----

    private byte[] rawRequest() {
        return ("{\"id\": \"" + fixtures.eventId + "\", \"occurredOnUtc\": \"2026-12-04T10:00:00Z\", \"transcriptRequestId\": \""
                + fixtures.transcriptRequestId + "\", \"userId\": \"" + fixtures.userId
                + "\", \"videoUrl\": \"https://www.youtube.com/watch?v=raw\", \"language\": \"en\"}").getBytes(StandardCharsets.UTF_8);
    }

    private org.apache.camel.Message message(Map<String, Object> headers) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeaders(new HashMap<>(headers));
        return exchange.getMessage();
    }

    private Exchange progressExchange() {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(TranscriptsInbound.REQUEST, new TranscriptRequest(fixtures.messageId, fixtures.conversationId,
                fixtures.transcriptRequestId, fixtures.activityId, fixtures.eventId, fixtures.transcriptRequestId,
                fixtures.userId, "https://www.youtube.com/watch?v=raw", null, new String(rawRequest(), StandardCharsets.UTF_8)));
        exchange.setProperty(TranscriptEvents.PROGRESS_STATUS, "Processing");
        exchange.setProperty(TranscriptEvents.PROGRESS_PERCENTAGE, 10);
        exchange.setProperty(TranscriptEvents.PROGRESS_MESSAGE, "Transcript processing started");
        return exchange;
    }
}
