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
 * Reads a MassTransit envelope as tolerantly as MassTransit itself: a UTF-8 BOM, comments and trailing commas are
 * accepted, key names match case-insensitively, unknown keys are ignored, GUIDs may be in any .NET format, and an
 * envelope may carry only {@code message} and {@code messageType}. What is not JSON, or not a JSON object, is an
 * {@link InvalidTranscriptMessage}.
 */
public final class EnvelopeReader {

    private final JsonMapper json;

    public EnvelopeReader(JsonLimits limits) {
        this.json = limits.mapper()
                .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA)
                .build();
    }

    public IncomingEnvelope read(byte[] body) {
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
            throw new InvalidTranscriptMessage("the message body is not a JSON object (a MassTransit envelope)");
        }
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
                headers(fields.get("headers")));
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
