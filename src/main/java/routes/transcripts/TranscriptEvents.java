package routes.transcripts;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import routes.shared.tracing.ActiveSpan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import routes.shared.JsonLimits;

/**
 * Writes the events the flow publishes as MassTransit writes them (bean {@code transcriptEvents}): the envelope
 * with every key in MassTransit's order (null keys written out), a messageId derived from the incoming messageId and
 * the event's kind ({@link DerivedMessageId}: a republish is the same message), the conversation carried over,
 * {@code initiatorId} = the request's messageId, {@code correlationId} = transcriptRequestId, the hub's receive
 * endpoint as {@code sourceAddress}, the target exchange as {@code destinationAddress}, {@code MT-Activity-Id} carried
 * on, and the hub's {@code host} block. The Camel message is replaced: body = the envelope bytes, headers = only the
 * AMQP properties (content type, persistent, message_id, correlation_id) and the MassTransit headers. With
 * TRANSCRIPTS_PUBLISH_SERIALIZER=raw the body is the bare message, content type {@code application/json}, and the
 * envelope's ids travel in MassTransit's raw transport headers ({@link #rawHeaders}).
 */
public final class TranscriptEvents {

    public static final String CONTENT_TYPE = MessageSerializer.ENVELOPE.contentType();
    static final String HOST_INFO_HEADER = "MT-Host-Info";
    /** Exchange properties a caller sets before {@code direct:transcripts-progress}. */
    public static final String PROGRESS_STATUS = "progressStatus";
    public static final String PROGRESS_PERCENTAGE = "progressPercentage";
    public static final String PROGRESS_MESSAGE = "progressMessage";
    /** The messageId of the envelope just written (for logs and tests). */
    public static final String PUBLISHED_ID = "transcriptsPublishedMessageId";

    private final TranscriptsSettings settings;
    private final MassTransitHost host;
    private final BrokerAddress address;
    private final JsonMapper json;
    /** How events are written: from TRANSCRIPTS_PUBLISH_SERIALIZER; switchable at runtime (one instance, all routes). */
    private volatile MessageSerializer serializer;

    public TranscriptEvents(TranscriptsSettings settings, MassTransitHost host, BrokerAddress address, JsonLimits limits) {
        this.json = limits.mapper().build();
        this.settings = settings;
        this.host = host;
        this.address = address;
        this.serializer = settings.publishSerializer();
    }

    public MessageSerializer serializer() {
        return serializer;
    }

    /** Writes every following event as {@code serializer} does (the configured one until then). */
    public void useSerializer(MessageSerializer serializer) {
        this.serializer = Objects.requireNonNull(serializer, "serializer");
    }

    public String sourceAddress() {
        return address.address(settings.endpoint());
    }

    /** TranscriptProcessingProgressIntegrationEvent from properties progressStatus/progressPercentage/progressMessage. */
    public void progress(Exchange exchange) {
        TranscriptRequest request = exchange.getProperty(TranscriptsInbound.REQUEST, TranscriptRequest.class);
        String status = exchange.getProperty(PROGRESS_STATUS, String.class);
        Integer percentage = exchange.getProperty(PROGRESS_PERCENTAGE, Integer.class);
        String kind = "progress/" + status + "/" + percentage;
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", derived(exchange, request, kind + "/event"));
        payload.put("occurredOnUtc", now());
        payload.put("transcriptRequestId", request.transcriptRequestId());
        payload.put("status", status);
        payload.put("progressPercentage", percentage);
        payload.put("message", exchange.getProperty(PROGRESS_MESSAGE, String.class));
        write(exchange, request, derived(exchange, request, kind), settings.exchanges().progress(),
                List.of(settings.urn(TranscriptsSettings.PROGRESS_TYPE)), payload, request.transcriptRequestId(),
                request.conversationId());
    }

    /** TranscriptProcessingCompletedIntegrationEvent from the {@link TranscriptOutcome} in property transcriptOutcome. */
    public void completed(Exchange exchange) {
        TranscriptRequest request = exchange.getProperty(TranscriptsInbound.REQUEST, TranscriptRequest.class);
        TranscriptOutcome outcome = exchange.getProperty(TranscriptsInbound.OUTCOME, TranscriptOutcome.class);
        String now = now();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", derived(exchange, request, "completed/event"));
        payload.put("occurredOnUtc", now);
        payload.put("transcriptRequestId", request.transcriptRequestId());
        payload.put("success", outcome.success());
        payload.put("transcriptContent", outcome.success() ? outcome.transcript() : null);
        payload.put("errorMessage", outcome.success() ? null : outcome.error());
        payload.put("processedAtUtc", now);
        write(exchange, request, derived(exchange, request, "completed"), settings.exchanges().completed(),
                List.of(settings.urn(TranscriptsSettings.COMPLETED_TYPE)), payload, request.transcriptRequestId(),
                request.conversationId());
    }

    /**
     * Fault&lt;TranscriptRequestedIntegrationEvent&gt; as MassTransit publishes it after a consumer failed for good;
     * correlationId and conversationId copied from the failed message.
     */
    public void fault(Exchange exchange) {
        TranscriptRequest request = exchange.getProperty(TranscriptsInbound.REQUEST, TranscriptRequest.class);
        FaultInfo fault = exchange.getProperty(FaultInfo.PROPERTY, FaultInfo.class);
        Map<String, Object> exception = new LinkedHashMap<>();
        exception.put("exceptionType", fault.exceptionType());
        exception.put("innerException", null);
        exception.put("stackTrace", fault.stackTrace());
        exception.put("message", fault.message());
        exception.put("source", "integration-hub");
        exception.put("data", null);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("faultId", derived(exchange, request, "fault/event"));
        payload.put("faultedMessageId", request.messageId());
        payload.put("timestamp", now());
        payload.put("exceptions", List.of(exception));
        payload.put("host", host.asEnvelopeHost());
        payload.put("faultMessageTypes", List.of(settings.urn(TranscriptsSettings.REQUESTED_TYPE)));
        payload.put("message", parse(request.payloadJson()));
        write(exchange, request, derived(exchange, request, "fault"), settings.exchanges().fault(), List.of(settings.faultUrn(), "urn:message:MassTransit:Fault"),
                payload, request.envelopeCorrelationId(), request.conversationId());
    }

    private static String derived(Exchange exchange, TranscriptRequest request, String kind) {
        Integer generation = exchange.getProperty(TranscriptsInbound.GENERATION, Integer.class);
        return DerivedMessageId.of(request.messageId(), generation == null ? 0 : generation, kind);
    }

    private void write(Exchange exchange, TranscriptRequest request, String messageId, String destination,
                       List<String> messageTypes, Map<String, Object> payload, String correlationId, String conversationId) {
        Map<String, Object> headers = new LinkedHashMap<>();
        // with tracing on, the publishing span continues MassTransit's activity; else the incoming one is carried over
        String activityId = ActiveSpan.traceparent().orElse(request.activityId());
        if (activityId != null) {
            headers.put(IncomingEnvelope.ACTIVITY_ID, activityId);
        }
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("messageId", messageId);
        envelope.put("requestId", null);
        envelope.put("correlationId", correlationId);
        envelope.put("conversationId", conversationId);
        envelope.put("initiatorId", request.messageId());
        envelope.put("sourceAddress", sourceAddress());
        envelope.put("destinationAddress", address.address(destination));
        envelope.put("responseAddress", null);
        envelope.put("faultAddress", null);
        envelope.put("messageType", messageTypes);
        envelope.put("message", payload);
        envelope.put("expirationTime", null);
        envelope.put("sentTime", now());
        envelope.put("headers", headers);
        envelope.put("host", host.asEnvelopeHost());
        MessageSerializer format = serializer;
        byte[] body;
        try {
            // raw: the bare message; its envelope's ids go into transport headers (MassTransit's raw serializer)
            body = json.writeValueAsBytes(format == MessageSerializer.RAW ? payload : envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("message not serializable", e);
        }
        Message out = exchange.getMessage();
        // the CamelRedelivery* headers stay: they are how Camel counts the retries of the step that called this
        // publish route, which would otherwise start from 1 on every attempt and never end (Camel headers are never sent)
        out.removeHeaders("*", "CamelRedeliver*");
        out.setBody(body);
        out.setHeader("CamelSpringRabbitmqMessageId", messageId);
        out.setHeader("CamelSpringRabbitmqContentType", format.contentType());
        out.setHeader("CamelSpringRabbitmqDeliveryMode", MessageDeliveryMode.PERSISTENT);
        if (correlationId != null) {
            out.setHeader("CamelSpringRabbitmqCorrelationId", correlationId);
        }
        if (format == MessageSerializer.RAW) {
            rawHeaders(messageId, correlationId, conversationId, request.messageId(), messageTypes).forEach(out::setHeader);
        }
        // the AMQP headers table carries the same entries as the envelope headers
        headers.forEach(out::setHeader);
        exchange.setProperty(PUBLISHED_ID, messageId);
    }

    /**
     * The transport headers MassTransit's raw JSON serializer adds (RawSerializerOptions.AddTransportHeaders, its
     * default): MessageId, CorrelationId, ConversationId, MT-InitiatorId, MT-Source-Address and MT-MessageType (URNs
     * joined by {@code ;}); and MT-Host-Info (the host block as JSON), as MassTransit 7's RawJsonMessageSerializer also
     * wrote it, which a raw reader takes as the message's host. Its Content-Type header is left out: the AMQP
     * content_type carries it (MassTransit reads that first) and camel-spring-rabbitmq does not pass a header of that
     * name on.
     */
    private Map<String, Object> rawHeaders(String messageId, String correlationId, String conversationId,
                                           String initiatorId, List<String> messageTypes) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(EnvelopeReader.MESSAGE_ID, messageId);
        if (correlationId != null) {
            headers.put(EnvelopeReader.CORRELATION_ID, correlationId);
        }
        if (conversationId != null) {
            headers.put(EnvelopeReader.CONVERSATION_ID, conversationId);
        }
        headers.put(EnvelopeReader.INITIATOR_ID, initiatorId);
        headers.put(EnvelopeReader.SOURCE_ADDRESS, sourceAddress());
        headers.put(EnvelopeReader.MT_MESSAGE_TYPE, String.join(";", messageTypes));
        try {
            headers.put(HOST_INFO_HEADER, json.writeValueAsString(host.asEnvelopeHost()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("host not serializable", e);
        }
        return headers;
    }

    private JsonNode parse(String payloadJson) {
        try {
            return json.readTree(payloadJson);
        } catch (JsonProcessingException e) {
            return json.getNodeFactory().textNode(payloadJson);
        }
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS).toString();
    }
}
