package routes.extraction;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import routes.shared.LiveEvent;

/**
 * The consumer side of the flow: reads an {@code extraction.completed} message, and builds the live events and
 * dead-letter headers. Lenient with what the seed's Python publisher sends ({@code {"contentId"}} only): a missing
 * eventId falls back to the AMQP {@code message_id}, then to a new UUID; a missing occurredAt to the AMQP
 * timestamp, then to now.
 */
public final class ExtractionEvents {

    public static final String EVENT = "extractionEvent";
    public static final String DEAD_LETTER_REASON = "extractionDeadLetterReason";
    private static final int MAX_HEADER_TEXT = 512;

    private final ObjectMapper json;

    public ExtractionEvents(ObjectMapper json) {
        this.json = json;
    }

    /** Parses and checks the message body; the event also goes to exchange properties for later steps. */
    public ExtractionCompleted read(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null || body.length == 0) {
            throw new InvalidExtractionEvent("empty message body");
        }
        JsonNode document;
        try {
            document = json.readTree(body);
        } catch (java.io.IOException e) {
            throw new InvalidExtractionEvent("message body is not JSON");
        }
        if (document == null || !document.isObject()) {
            throw new InvalidExtractionEvent("message body is not a JSON object");
        }
        JsonNode contentIdNode = document.get("contentId");
        String contentId = contentIdNode != null && contentIdNode.isTextual() ? contentIdNode.textValue() : null;
        String problem = ContentId.problem(contentId);
        if (problem != null) {
            throw new InvalidExtractionEvent("contentId " + problem);
        }
        String eventId = text(document, "eventId");
        if (eventId == null) {
            eventId = exchange.getMessage().getHeader(SpringRabbitMQConstants.MESSAGE_ID, String.class);
        }
        if (eventId == null || eventId.isBlank()) {
            eventId = UUID.randomUUID().toString();
        }
        if (eventId.length() > 200) {
            throw new InvalidExtractionEvent("eventId is longer than 200 characters");
        }
        String occurredAt = text(document, "occurredAt");
        if (occurredAt == null) {
            Date timestamp = exchange.getMessage().getHeader(SpringRabbitMQConstants.TIMESTAMP, Date.class);
            occurredAt = (timestamp == null ? Instant.now() : timestamp.toInstant()).toString();
        }
        ExtractionCompleted event = new ExtractionCompleted(contentId, eventId, occurredAt);
        exchange.setProperty(ExtractionCallbacks.CONTENT_ID, contentId);
        exchange.setProperty(ExtractionCallbacks.EVENT_ID, eventId);
        exchange.setProperty(EVENT, event);
        return event;
    }

    /** {@code extraction.completed} for the live event stream, once the webhook took the event. */
    public LiveEvent completedLiveEvent(Exchange exchange) {
        ExtractionCompleted event = exchange.getProperty(EVENT, ExtractionCompleted.class);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("content_id", event.contentId());
        data.put("event_id", event.eventId());
        data.put("occurred_at", event.occurredAt());
        return LiveEvent.extractionCompleted(data);
    }

    /** Headers saying why the message is dead-lettered; the body stays the original message. */
    public void deadLetterHeaders(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        var message = exchange.getMessage();
        String originalExchange = message.getHeader(SpringRabbitMQConstants.EXCHANGE_NAME, String.class);
        String originalRoutingKey = message.getHeader(SpringRabbitMQConstants.ROUTING_KEY, String.class);
        message.removeHeaders("CamelSpringRabbitmq(RoutingOverrideKey|ExchangeOverrideName|DeliveryTag|Redelivered|Channel)");
        message.setHeader("x-dead-letter-flow", "extraction");
        message.setHeader("x-dead-letter-reason", exchange.getProperty(DEAD_LETTER_REASON, "delivery failed", String.class));
        message.setHeader("x-dead-letter-at", Instant.now().toString());
        if (cause != null) {
            message.setHeader("x-dead-letter-exception", cause.getClass().getName());
            message.setHeader("x-dead-letter-error", truncate(String.valueOf(cause.getMessage())));
            if (cause instanceof HttpOperationFailedException http) {
                message.setHeader("x-dead-letter-webhook-status", http.getStatusCode());
            }
        }
        if (originalExchange != null) {
            message.setHeader("x-original-exchange", originalExchange);
        }
        if (originalRoutingKey != null) {
            message.setHeader("x-original-routing-key", originalRoutingKey);
        }
        String eventId = exchange.getProperty(ExtractionCallbacks.EVENT_ID, String.class);
        if (eventId != null) {
            message.setHeader("x-event-id", eventId);
        }
        message.setHeader(SpringRabbitMQConstants.DELIVERY_MODE, org.springframework.amqp.core.MessageDeliveryMode.PERSISTENT);
    }

    /** {@code error} for the live event stream when an event is dead-lettered. */
    public LiveEvent deadLetteredLiveEvent(Exchange exchange) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("flow", "extraction");
        putIfPresent(data, "content_id", exchange.getProperty(ExtractionCallbacks.CONTENT_ID, String.class));
        putIfPresent(data, "event_id", exchange.getProperty(ExtractionCallbacks.EVENT_ID, String.class));
        String reason = exchange.getProperty(DEAD_LETTER_REASON, "delivery failed", String.class);
        data.put("reason", reason);
        return LiveEvent.error(null, "extraction.completed dead-lettered: " + reason, data);
    }

    private static void putIfPresent(Map<String, Object> data, String key, Object value) {
        if (value != null) {
            data.put(key, value);
        }
    }

    private static String text(JsonNode document, String field) {
        JsonNode node = document.get(field);
        return node != null && node.isTextual() && !node.textValue().isBlank() ? node.textValue() : null;
    }

    private static String truncate(String text) {
        return text.length() <= MAX_HEADER_TEXT ? text : text.substring(0, MAX_HEADER_TEXT) + "...";
    }
}
