package routes.transcripts;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A MassTransit message as the hub read it: from an envelope ({@code application/vnd.masstransit+json}) or, with
 * {@code serializer} {@link MessageSerializer#RAW}, from a raw JSON body ({@code application/json}) and its transport
 * headers. Ids normalized to the lowercase D format (null when absent), {@code message} as sent (null when absent),
 * headers as text (the envelope's {@code headers}; for a raw message its AMQP headers).
 */
public record IncomingEnvelope(String messageId, String correlationId, String conversationId, String initiatorId,
                               String sourceAddress, List<String> messageTypes, ObjectNode message,
                               Map<String, String> headers, MessageSerializer serializer) {

    public static final String ACTIVITY_ID = "MT-Activity-Id";

    /** True when any URN in {@code messageType} names {@code urn}, compared case-insensitively as MassTransit does. */
    public boolean hasMessageType(String urn) {
        return messageTypes.stream().anyMatch(urn::equalsIgnoreCase);
    }

    /**
     * Whether a consumer of {@code urn} takes the message: its message types name it; a raw message without
     * {@code MT-MessageType} is taken by any consumer (MassTransit's raw serializer: no supported types, no check).
     */
    public boolean accepts(String urn) {
        return hasMessageType(urn) || serializer == MessageSerializer.RAW && messageTypes.isEmpty();
    }

    /** The header {@code name}, looked up case-insensitively. */
    public String header(String name) {
        for (Map.Entry<String, String> entry : headers.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }
}
