package routes.transcripts;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import routes.shared.JsonLimits;

/**
 * Reads a MassTransit envelope, or a raw JSON message with its transport headers, as tolerantly as MassTransit
 * itself: a UTF-8 BOM, comments and trailing commas are accepted, key names match case-insensitively, unknown keys are
 * ignored, GUIDs may be in any .NET format, and an envelope may carry only {@code message} and {@code messageType}.
 * What is not JSON, or not a JSON object, is an {@link InvalidTranscriptMessage}.
 */
public final class EnvelopeReader {

    /** The transport headers of MassTransit's raw serializer (MassTransit's MessageHeaders). */
    public static final String MESSAGE_ID = "MessageId";
    public static final String CORRELATION_ID = "CorrelationId";
    public static final String CONVERSATION_ID = "ConversationId";
    public static final String INITIATOR_ID = "MT-InitiatorId";
    public static final String SOURCE_ADDRESS = "MT-Source-Address";
    public static final String MT_MESSAGE_TYPE = "MT-MessageType";
    /** The AMQP properties as camel-spring-rabbitmq names them. */
    static final String AMQP_MESSAGE_ID = "CamelSpringRabbitmqMessageId";
    static final String AMQP_CORRELATION_ID = "CamelSpringRabbitmqCorrelationId";

    private final JsonMapper json;

    public EnvelopeReader(JsonLimits limits) {
        this.json = limits.mapper()
                .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA)
                .build();
    }

    /** A MassTransit envelope ({@code application/vnd.masstransit+json}). */
    public IncomingEnvelope read(byte[] body) {
        JsonNode root = parse(body, "a MassTransit envelope");
        Map<String, JsonNode> fields = caseInsensitive(root);
        JsonNode message = fields.get("message");
        if (message != null && !message.isNull() && !message.isObject()) {
            throw new InvalidTranscriptMessage("the envelope's message is not a JSON object");
        }
        return new IncomingEnvelope(
                guid(fields, "messageId"),
                guid(fields, "correlationId"),
                guid(fields, "conversationId"),
                guid(fields, "initiatorId"),
                text(fields.get("sourceAddress")),
                messageTypes(fields.get("messageType")),
                message != null && message.isObject() ? (ObjectNode) message : null,
                headers(fields.get("headers")),
                MessageSerializer.ENVELOPE);
    }

    /**
     * A raw JSON message ({@code application/json}): the body is the message, the envelope's ids come from the
     * transport headers as MassTransit's raw serializer writes and reads them. {@code headers} are the delivery's Camel
     * headers: the AMQP headers table plus the AMQP properties (CamelSpringRabbitmq*). The message id is the
     * {@code MessageId} header, else the AMQP {@code message_id} property; the correlation id the {@code CorrelationId}
     * header, else the AMQP {@code correlation_id} (MassTransit's RabbitMQ header provider: the table first). A value
     * that is not a GUID counts as absent, as MassTransit's header conversion drops it; {@code MT-MessageType} lists
     * URNs separated by {@code ;}.
     */
    public IncomingEnvelope readRaw(byte[] body, Map<String, Object> headers) {
        JsonNode root = parse(body, "the raw JSON message");
        Map<String, String> transport = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, value) -> {
            String text = headerText(value);
            if (text != null && !text.isBlank()) {
                transport.putIfAbsent(name, text);
            }
        });
        List<String> types = new ArrayList<>();
        String messageType = transport.get(MT_MESSAGE_TYPE);
        if (messageType != null) {
            for (String urn : messageType.split(";")) {
                if (!urn.isBlank()) {
                    types.add(urn.trim());
                }
            }
        }
        Map<String, String> applicationHeaders = new LinkedHashMap<>();
        transport.forEach((name, value) -> {
            if (!name.startsWith("Camel")) {
                applicationHeaders.put(name, value);
            }
        });
        return new IncomingEnvelope(
                firstGuid(transport.get(MESSAGE_ID), transport.get(AMQP_MESSAGE_ID)),
                firstGuid(transport.get(CORRELATION_ID), transport.get(AMQP_CORRELATION_ID)),
                firstGuid(transport.get(CONVERSATION_ID)),
                firstGuid(transport.get(INITIATOR_ID)),
                transport.get(SOURCE_ADDRESS),
                types,
                (ObjectNode) root,
                applicationHeaders,
                MessageSerializer.RAW);
    }

    /** The body as a JSON object, read tolerantly; else an {@link InvalidTranscriptMessage} naming {@code what}. */
    private JsonNode parse(byte[] body, String what) {
        if (body == null || body.length == 0) {
            throw new InvalidTranscriptMessage("the message body is empty");
        }
        int start = body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF ? 3 : 0;
        JsonNode root;
        try {
            root = json.readTree(new String(body, start, body.length - start, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new InvalidTranscriptMessage("the message body is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidTranscriptMessage("the message body is not a JSON object (" + what + ")");
        }
        return root;
    }

    private static String firstGuid(String... candidates) {
        for (String candidate : candidates) {
            String guid = candidate == null ? null : DotNetGuid.normalize(candidate.trim());
            if (guid != null) {
                return guid;
            }
        }
        return null;
    }

    private static String headerText(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return value.toString();
    }

    /** The keys of {@code node} mapped case-insensitively (the first spelling wins, as in System.Text.Json). */
    static Map<String, JsonNode> caseInsensitive(JsonNode node) {
        Map<String, JsonNode> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            fields.putIfAbsent(field.getKey(), field.getValue());
        }
        return fields;
    }

    private static String guid(Map<String, JsonNode> fields, String name) {
        String value = text(fields.get(name));
        if (value == null || value.isBlank()) {
            return null;
        }
        String guid = DotNetGuid.normalize(value);
        if (guid == null) {
            throw new InvalidTranscriptMessage("the envelope's " + name + " is not a GUID: " + value);
        }
        return guid;
    }

    private static List<String> messageTypes(JsonNode node) {
        List<String> types = new ArrayList<>();
        if (node == null || node.isNull()) {
            return types;
        }
        if (node.isTextual()) {
            types.add(node.asText());
        } else if (node.isArray()) {
            node.forEach(type -> {
                if (type.isTextual()) {
                    types.add(type.asText());
                }
            });
        }
        return types;
    }

    private static Map<String, String> headers(JsonNode node) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(h -> {
                if (!h.getValue().isNull()) {
                    headers.put(h.getKey(), h.getValue().isValueNode() ? h.getValue().asText() : h.getValue().toString());
                }
            });
        }
        return headers;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
