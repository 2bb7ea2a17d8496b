package routes.transcripts;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.jsonvalidator.JsonValidationException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.ValidationMessage;

import routes.shared.CorrelationId;
import routes.shared.HttpProblem;
import routes.shared.JsonLimits;

/**
 * The callbacks transcript-api makes after answering 202 (bean {@code transcriptCallbacks}):
 * {@code POST /internal/transcripts/{transcriptRequestId}/progress} and {@code /completed}. Each finds the request's
 * inbox row (its envelope context) and becomes the matching MassTransit event. Bad input is a 4xx naming the field.
 */
public final class TranscriptCallbacks {

    public static final String ROW = "transcriptsInboxRow";

    private final JsonMapper json;
    private final JsonLimits limits;

    public TranscriptCallbacks(JsonLimits limits) {
        this.json = limits.mapper().build();
        this.limits = limits;
    }

    /** Checks the path's transcriptRequestId (400 when it is not a GUID) and makes it the correlation id. */
    public void checkRequestId(Exchange exchange) {
        requestId(exchange);
    }

    /** The path's transcriptRequestId in lowercase D form, or 400. */
    String requestId(Exchange exchange) {
        String raw = exchange.getMessage().getHeader("transcriptRequestId", String.class);
        String id = DotNetGuid.normalize(raw);
        if (id == null) {
            throw HttpProblem.badRequest("transcriptRequestId", "must be a GUID, got: " + raw);
        }
        exchange.setProperty(CorrelationId.PROPERTY, id);
        return id;
    }

    /**
     * In the callback routes' onException: the body failed its JSON Schema. The caught exception becomes an
     * {@link HttpProblem} 400 naming the field at fault (the first error that names one), for httpProblemResponse.
     */
    public void invalidBody(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        HttpProblem problem = HttpProblem.badRequest("body", limits.violation(error).orElseGet(() -> "the body must be a JSON object: "
                + (error == null ? "unreadable" : error.getMessage())));
        if (error instanceof JsonValidationException invalid && invalid.getErrors() != null && !invalid.getErrors().isEmpty()) {
            ValidationMessage chosen = null;
            String chosenField = "";
            for (ValidationMessage candidate : invalid.getErrors()) {
                String field = field(candidate);
                if (chosen == null || (chosenField.isEmpty() && !field.isEmpty())) {
                    chosen = candidate;
                    chosenField = field;
                }
            }
            problem = HttpProblem.badRequest(chosenField.isEmpty() ? "body" : chosenField, chosen.getMessage());
        }
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, problem);
    }

    private static String field(ValidationMessage message) {
        String field = message.getInstanceLocation() == null ? "" : message.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
        if ("required".equals(message.getType()) && message.getProperty() != null) {
            field = field.isEmpty() ? message.getProperty() : field + "." + message.getProperty();
        }
        return field;
    }

    /** Lookup parameters for the inbox row of the path's transcriptRequestId. */
    public Map<String, Object> lookupParameters(Exchange exchange) {
        return Map.of("transcriptRequestId", requestId(exchange));
    }

    /**
     * The inbox row (property transcriptsInboxRow) as the request context of the events to publish: 404 when the hub
     * never received the request, 409 when the request is already completed.
     */
    public void context(Exchange exchange) {
        Map<?, ?> row = exchange.getProperty(ROW, Map.class);
        String id = requestId(exchange);
        if (row == null || !row.containsKey("message_id")) {
            throw new HttpProblem(404, "not_found", "transcriptRequestId", "no transcript request " + id + " was received", null);
        }
        String status = String.valueOf(row.get("status"));
        if (!"RECEIVED".equals(status) && !"ACCEPTED".equals(status)) {
            throw new HttpProblem(409, "conflict", "transcriptRequestId", "transcript request " + id + " is already completed", null);
        }
        exchange.setProperty(TranscriptsInbound.REQUEST, new TranscriptRequest((String) row.get("message_id"),
                (String) row.get("conversation_id"), (String) row.get("envelope_correlation_id"),
                (String) row.get("activity_id"), null, (String) row.get("transcript_request_id"), (String) row.get("user_id"),
                null, null, (String) row.get("payload")));
        Object generation = row.get("generation");
        exchange.setProperty(TranscriptsInbound.GENERATION, generation == null ? 0 : ((Number) generation).intValue());
    }

    /** The progress callback body as the progress event's status, percentage and message. */
    public void progress(Exchange exchange) {
        JsonNode body = body(exchange);
        exchange.setProperty(TranscriptEvents.PROGRESS_STATUS, body.path("status").asText());
        exchange.setProperty(TranscriptEvents.PROGRESS_PERCENTAGE, body.path("progress_percentage").asInt());
        JsonNode message = body.get("message");
        exchange.setProperty(TranscriptEvents.PROGRESS_MESSAGE, message == null || message.isNull() ? null : message.asText());
    }

    /** The completed callback body as the request's outcome. */
    public void completed(Exchange exchange) {
        JsonNode body = body(exchange);
        TranscriptOutcome outcome;
        if (body.path("success").asBoolean()) {
            outcome = TranscriptOutcome.succeeded(body.path("transcript").asText());
        } else {
            JsonNode error = body.get("error");
            outcome = TranscriptOutcome.failed(error == null || error.isNull() ? "transcript-api reported a failure" : error.asText());
        }
        exchange.setProperty(TranscriptsInbound.OUTCOME, outcome);
    }

    /** The JSON answer to the callback. */
    public void answer(Exchange exchange) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "published");
        answer.put("transcriptRequestId", exchange.getProperty(TranscriptsInbound.REQUEST, TranscriptRequest.class).transcriptRequestId());
        answer.put("messageId", exchange.getProperty(TranscriptEvents.PUBLISHED_ID, String.class));
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        try {
            exchange.getMessage().setBody(json.writeValueAsString(answer));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode body(Exchange exchange) {
        String text = exchange.getProperty("transcriptsCallbackBody", String.class);
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw HttpProblem.badRequest("body", limits.violation(e).orElse("the body must be a JSON object"));
        }
    }
}
