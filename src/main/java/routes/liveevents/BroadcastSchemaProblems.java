package routes.liveevents;

import java.util.Comparator;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.component.jsonvalidator.JsonValidatorErrorHandler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;

import routes.shared.HttpProblem;
import routes.shared.JsonLimits;

/**
 * Bean {@code liveEventBroadcastSchemaProblems}, the json-validator's {@code errorHandler} on the broadcast route:
 * schema violations and unparsable JSON become a 400 {@link HttpProblem} naming the field (the first, by path) and
 * listing every violation.
 */
public final class BroadcastSchemaProblems implements JsonValidatorErrorHandler {

    private final JsonLimits limits;

    public BroadcastSchemaProblems(JsonLimits limits) {
        this.limits = limits;
    }

    @Override
    public void handleErrors(Exchange exchange, JsonSchema schema, Set<ValidationMessage> errors) {
        if (errors.isEmpty()) {
            return;
        }
        ValidationMessage first = errors.stream()
                .min(Comparator.comparing(BroadcastSchemaProblems::field).thenComparing(ValidationMessage::getMessage))
                .orElseThrow();
        throw HttpProblem.badRequest(field(first),
                String.join("; ", errors.stream().map(ValidationMessage::getMessage).sorted().toList()));
    }

    @Override
    public void handleErrors(Exchange exchange, JsonSchema schema, Exception e) {
        if (e instanceof HttpProblem problem) {
            // the validator hands what the other handleErrors threw to this one
            throw problem;
        }
        String limit = limits.violation(e).orElse(null);
        if (limit != null) {
            throw HttpProblem.badRequest("body", limit);
        }
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String detail = cause instanceof JsonProcessingException parse ? parse.getOriginalMessage() : cause.getMessage();
        throw HttpProblem.badRequest("body", "the request body is not valid JSON: " + detail);
    }

    static String field(ValidationMessage message) {
        String location = message.getInstanceLocation() == null ? "$" : message.getInstanceLocation().toString();
        String field = location.startsWith("$.") ? location.substring(2) : "$".equals(location) ? "" : location;
        if (field.isEmpty() && message.getProperty() != null) {
            field = message.getProperty();
        }
        return field.isEmpty() ? "body" : field;
    }
}
