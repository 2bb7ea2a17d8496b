package routes.transcripts;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.amqp.core.MessageProperties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import routes.shared.CorrelationId;
import routes.shared.tracing.ActiveSpan;
import routes.shared.JsonLimits;

/**
 * The consuming side of the flow, step by step as transcripts.camel.yaml calls it (bean {@code transcriptsInbound}):
 * read the envelope, hand the payload to the JSON Schema validator, build the {@link TranscriptRequest}, claim it in
 * the inbox and decide what the delivery means (new, a resumption after a crash, or a duplicate).
 */
public final class TranscriptsInbound {

    public static final String ORIGINAL = "transcriptsOriginal";
    public static final String ENVELOPE = "transcriptsEnvelope";
    public static final String MATCHED = "transcriptsMatched";
    public static final String REQUEST = "transcript";
    public static final String OUTCOME = "transcriptOutcome";
    public static final String DECISION = "transcriptsDecision";
    /** The request's re-drive generation (0 = first processing), part of every derived event id. */
    public static final String GENERATION = "transcriptsGeneration";
    /** AMQP headers the hub's dead-lettering wrote: a delivery carrying them was moved back from _error/_skipped. */
    static final String REASON_HEADER = "MT-Reason";
    static final String FAULT_TIMESTAMP_HEADER = "MT-Fault-Timestamp";
    /** The AMQP content_type property as camel-spring-rabbitmq names it. */
    static final String CONTENT_TYPE_PROPERTY = "CamelSpringRabbitmqContentType";

    /** Decisions after the inbox claim. */
    public static final String PROCESS = "process";
    public static final String REPUBLISH = "republish";
    public static final String DUPLICATE = "duplicate";
    public static final String IN_WORK = "in-work";

    static final List<String> PAYLOAD_KEYS = List.of("id", "occurredOnUtc", "transcriptRequestId", "userId", "videoUrl",
            "language");

    private final TranscriptsSettings settings;
    private final TranscriptLeases leases;
    private final EnvelopeReader reader;
    private final JsonMapper json;

    public TranscriptsInbound(TranscriptsSettings settings, TranscriptLeases leases, JsonLimits limits) {
        this.reader = new EnvelopeReader(limits);
        this.json = limits.mapper().build();
        this.settings = settings;
        this.leases = leases;
    }

    /**
     * Keeps the delivery as it came, reads it and leaves the payload (keys made canonical) as the body: an envelope,
     * or, with content type {@code application/json}, a raw JSON message whose ids are in its transport headers
     * ({@link MessageSerializer}). Sets {@code transcriptsMatched} false when its message types do not name
     * TranscriptRequestedIntegrationEvent (a raw message without {@code MT-MessageType} is taken, as MassTransit does).
     */
    public void read(Exchange exchange) {
        Message in = exchange.getMessage();
        byte[] body = body(in.getBody());
        exchange.setProperty(ORIGINAL, new OriginalDelivery(body, in.getHeaders()));
        IncomingEnvelope envelope = switch (MessageSerializer.forContentType(contentType(in))) {
            case RAW -> reader.readRaw(body, in.getHeaders());
            case ENVELOPE -> reader.read(body);
        };
        exchange.setProperty(ENVELOPE, envelope);
        boolean matched = envelope.accepts(settings.urn(TranscriptsSettings.REQUESTED_TYPE));
        exchange.setProperty(MATCHED, matched);
        if (!matched) {
            return;
        }
        if (envelope.message() == null) {
            throw new InvalidTranscriptMessage("the envelope has no message");
        }
        in.setBody(canonicalPayload(envelope.message()).toString());
    }

    /** After schema validation: the request with normalized GUIDs, and the hub's correlation id for the logs. */
    public void accept(Exchange exchange) {
        IncomingEnvelope envelope = exchange.getProperty(ENVELOPE, IncomingEnvelope.class);
        String payloadJson = exchange.getMessage().getBody(String.class);
        JsonNode payload;
        try {
            payload = json.readTree(payloadJson);
        } catch (Exception e) {
            throw new InvalidTranscriptMessage("the payload is not JSON", e);
        }
        String eventId = DotNetGuid.normalize(payload.path("id").asText());
        String messageId = envelope.messageId();
        if (messageId == null) {
            messageId = DotNetGuid.normalize(exchange.getMessage().getHeader("CamelSpringRabbitmqMessageId", String.class));
        }
        if (messageId == null) {
            messageId = eventId;
        }
        String activityId = envelope.header(IncomingEnvelope.ACTIVITY_ID);
        if (activityId == null) {
            activityId = exchange.getMessage().getHeader(IncomingEnvelope.ACTIVITY_ID, String.class);
        }
        JsonNode language = payload.get("language");
        TranscriptRequest request = new TranscriptRequest(messageId,
                envelope.conversationId() != null ? envelope.conversationId() : messageId,
                envelope.correlationId(), activityId, eventId,
                DotNetGuid.normalize(payload.path("transcriptRequestId").asText()),
                DotNetGuid.normalize(payload.path("userId").asText()),
                payload.path("videoUrl").asText(),
                language == null || language.isNull() ? null : language.asText(),
                payloadJson);
        exchange.setProperty(REQUEST, request);
        exchange.setProperty(CorrelationId.PROPERTY, request.transcriptRequestId());
        // the MassTransit ids on the consuming span (OpenTelemetry messaging conventions), when tracing is on
        ActiveSpan.tag("messaging.message.id", request.messageId());
        ActiveSpan.tag("messaging.message.conversation_id", request.conversationId());
        ActiveSpan.tag("transcript.request_id", request.transcriptRequestId());
    }

    /**
     * Named parameters of the inbox claim ({@code transcript_inbox_claim}): the request, this delivery's claim token
     * and lease, the dead-letter mark when the delivery was moved back from _error or _skipped (a re-drive), and its
     * MT-Redelivery-Count (0 when absent).
     */
    public Map<String, Object> claimParameters(Exchange exchange) {
        TranscriptRequest request = exchange.getProperty(REQUEST, TranscriptRequest.class);
        Map<String, Object> params = new HashMap<>();
        params.put("owner", leases.token(exchange));
        params.put("leaseSeconds", leases.leaseSeconds());
        OriginalDelivery original = exchange.getProperty(ORIGINAL, OriginalDelivery.class);
        params.put("redriveOf", redriveMark(original));
        // a scheduled redelivery's copy carries the count the inbox waits for (RETRY_SCHEDULED)
        params.put("redeliveryCount", original == null ? 0
                : TranscriptRedelivery.count(original.headers().get(TranscriptRedelivery.COUNT_HEADER)));
        params.put("messageId", request.messageId());
        params.put("transcriptRequestId", request.transcriptRequestId());
        params.put("userId", request.userId());
        params.put("conversationId", request.conversationId());
        params.put("envelopeCorrelationId", request.envelopeCorrelationId());
        params.put("activityId", request.activityId());
        params.put("payload", request.payloadJson());
        return params;
    }

    /**
     * What the inbox row returned by the claim means for this delivery: {@code process} (this delivery now owns the
     * request: first delivery, a take-over after the owner's lease ran out, or a re-drive), {@code republish} (the
     * outcome is stored but its events were not all confirmed), {@code in-work} (another delivery owns it under a live
     * lease: wait), {@code duplicate} (done, waiting for transcript-api's callbacks, or waiting for a scheduled
     * redelivery this delivery is not: RETRY_SCHEDULED and a lower MT-Redelivery-Count).
     */
    public String decide(Exchange exchange) {
        Map<?, ?> row = exchange.getMessage().getBody(Map.class);
        String status = String.valueOf(row.get("status"));
        Object generation = row.get("generation");
        exchange.setProperty(GENERATION, generation == null ? 0 : ((Number) generation).intValue());
        String decision;
        if (Boolean.TRUE.equals(row.get("claimed"))) {
            decision = PROCESS;
        } else if (TranscriptOutcome.SUCCEEDED.equals(status) || TranscriptOutcome.FAILED.equals(status)) {
            exchange.setProperty(OUTCOME, storedOutcome(row));
            decision = REPUBLISH;
        } else if ("RECEIVED".equals(status)) {
            decision = IN_WORK;
        } else {
            decision = DUPLICATE;
        }
        exchange.setProperty(DECISION, decision);
        return decision;
    }

    /** Thrown while another delivery owns the request under a live lease: the claim is tried again later. */
    public void inWork(Exchange exchange) {
        throw new TranscriptInWork(exchange.getProperty(REQUEST, TranscriptRequest.class).messageId(), leases.leaseSeconds());
    }

    /** Named parameters that store this delivery's outcome (only while it still owns the request). */
    public Map<String, Object> ownedOutcomeParameters(Exchange exchange) {
        Map<String, Object> params = outcomeParameters(exchange);
        params.put("owner", exchange.getProperty(TranscriptLeases.CLAIM, String.class));
        return params;
    }

    /** {@code MT-Reason[/MT-Fault-Timestamp]} of a delivery moved back from _error/_skipped, else null. */
    static String redriveMark(OriginalDelivery original) {
        if (original == null || original.headers() == null) {
            return null;
        }
        Object reason = original.headers().get(REASON_HEADER);
        if (reason == null) {
            return null;
        }
        Object timestamp = original.headers().get(FAULT_TIMESTAMP_HEADER);
        return timestamp == null ? reason.toString() : reason + "/" + timestamp;
    }

    /** Named parameter of the statements that need only the delivery's message id. */
    public Map<String, Object> messageIdParameter(Exchange exchange) {
        return Map.of("messageId", exchange.getProperty(REQUEST, TranscriptRequest.class).messageId());
    }

    /** Named parameters that store an outcome. */
    public Map<String, Object> outcomeParameters(Exchange exchange) {
        TranscriptRequest request = exchange.getProperty(REQUEST, TranscriptRequest.class);
        TranscriptOutcome outcome = exchange.getProperty(OUTCOME, TranscriptOutcome.class);
        Map<String, Object> params = new HashMap<>();
        params.put("messageId", request.messageId());
        params.put("status", outcome.status());
        params.put("success", TranscriptOutcome.ACCEPTED.equals(outcome.status()) ? null : outcome.success());
        params.put("transcript", outcome.transcript());
        params.put("error", outcome.error());
        params.put("fault", outcome.fault());
        params.put("exceptionType", outcome.exceptionType());
        params.put("retryCount", outcome.retryCount());
        return params;
    }

    static TranscriptOutcome storedOutcome(Map<?, ?> row) {
        String status = String.valueOf(row.get("status"));
        boolean fault = Boolean.TRUE.equals(row.get("fault"));
        Object retries = row.get("retry_count");
        return new TranscriptOutcome(status, (String) row.get("transcript_content"), (String) row.get("error_message"),
                fault, (String) row.get("exception_type"), null, retries == null ? 0 : ((Number) retries).intValue());
    }

    /** The payload with its known keys spelled canonically (MassTransit matches property names case-insensitively). */
    static ObjectNode canonicalPayload(ObjectNode message) {
        ObjectNode canonical = message.objectNode();
        Map<String, String> names = new LinkedHashMap<>();
        PAYLOAD_KEYS.forEach(k -> names.put(k.toLowerCase(java.util.Locale.ROOT), k));
        message.fields().forEachRemaining(field -> {
            String name = names.getOrDefault(field.getKey().toLowerCase(java.util.Locale.ROOT), field.getKey());
            if (!canonical.has(name)) {
                canonical.set(name, field.getValue());
            }
        });
        return canonical;
    }

    /**
     * The delivery's content type as MassTransit's RabbitMQ transport takes it: the AMQP {@code content_type}
     * property, else a {@code Content-Type} header (null: MassTransit's default, the envelope). Spring AMQP reports a
     * delivery without content_type as application/octet-stream: that counts as none.
     */
    static String contentType(Message in) {
        String property = in.getHeader(CONTENT_TYPE_PROPERTY, String.class);
        if (property != null && !property.isBlank() && !MessageProperties.DEFAULT_CONTENT_TYPE.equals(property)) {
            return property;
        }
        Object header = in.getHeader("Content-Type");
        if (header instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return header == null ? null : header.toString();
    }

    private static byte[] body(Object body) {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }
}
