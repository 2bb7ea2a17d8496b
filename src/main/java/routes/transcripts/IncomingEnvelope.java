package routes.transcripts;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A MassTransit envelope ({@code application/vnd.masstransit+json}) as the hub read it: ids normalized to the
 * lowercase D format (null when absent), {@code message} as sent (null when absent), envelope headers as text.
 */
public record IncomingEnvelope(String messageId, String correlationId, String conversationId, String initiatorId,
                               String sourceAddress, List<String> messageTypes, ObjectNode message,
                               Map<String, String> headers) {

    public static final String ACTIVITY_ID = "MT-Activity-Id";

    /** True when any URN in {@code messageType} names {@code urn}, compared case-insensitively as MassTransit does. */
    public boolean hasMessageType(String urn) {
        return messageTypes.stream().anyMatch(urn::equalsIgnoreCase);
    }

    /** The envelope header {@code name}, looked up case-insensitively. */
    public String header(String name) {
        for (Map.Entry<String, String> entry : headers.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }
}
