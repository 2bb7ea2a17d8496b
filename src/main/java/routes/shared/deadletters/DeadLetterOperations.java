package routes.shared.deadletters;

import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedOperationParameter;
import org.springframework.jmx.export.annotation.ManagedOperationParameters;
import org.springframework.jmx.export.annotation.ManagedResource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The dead-letter operations as a JMX MBean, so Hawtio (JMX tab, {@code integration-hub > DeadLetters}) and Jolokia
 * ({@code /actuator/jolokia/exec/integration-hub:type=DeadLetters/count/<place>}) can run them: registered on the
 * platform MBean server as {@value #OBJECT_NAME} by {@link JmxRegistration}. Each operation answers JSON text, the same documents as the HTTP endpoints; a refusal
 * (unknown place, bad limit, missing or stale confirmation) fails the operation with the reason.
 */
@ManagedResource(objectName = DeadLetterOperations.OBJECT_NAME, description = "Dead letters of every flow: count, peek, re-drive, purge")
public final class DeadLetterOperations {

    public static final String OBJECT_NAME = "integration-hub:type=DeadLetters";

    private final DeadLetterService service;
    private final ObjectMapper json;

    public DeadLetterOperations(DeadLetterService service, ObjectMapper json) {
        this.service = service;
        this.json = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
    }

    @ManagedOperation(description = "Every dead-letter place with its count and where a re-drive sends its messages")
    public String listPlaces() {
        return write(service.list());
    }

    @ManagedOperation(description = "How many messages wait in a place (its name, e.g. transcript-consumer_error)")
    @ManagedOperationParameters({
            @ManagedOperationParameter(name = "place", description = "the place's name, e.g. transcript-consumer_error (listPlaces names them all)")})
    public long count(String place) {
        return refusalsAsErrors(() -> service.summary(place).count());
    }

    @ManagedOperation(description = "The first messages of a place (body, properties, every header) without moving them; limit 1 to the maximum")
    @ManagedOperationParameters({
            @ManagedOperationParameter(name = "place", description = "the place's name, e.g. transcript-consumer_error (listPlaces names them all)"),
            @ManagedOperationParameter(name = "limit", description = "how many messages, 1 to the maximum (100 by default)")})
    public String peek(String place, int limit) {
        return write(refusalsAsErrors(() -> service.peek(place, Integer.toString(limit))));
    }

    @ManagedOperation(description = "Re-drives a number of messages, or all, back to where they came from; answers how many moved")
    @ManagedOperationParameters({
            @ManagedOperationParameter(name = "place", description = "the place's name, e.g. transcript-consumer_error (listPlaces names them all)"),
            @ManagedOperationParameter(name = "limit", description = "a number of messages, or all")})
    public String redrive(String place, String limit) {
        return write(refusalsAsErrors(() -> service.redrive(place, limit)));
    }

    @ManagedOperation(description = "Purges a place; confirm is the place's name or the number of messages it holds now")
    @ManagedOperationParameters({
            @ManagedOperationParameter(name = "place", description = "the place's name, e.g. transcript-consumer_error (listPlaces names them all)"),
            @ManagedOperationParameter(name = "confirm", description = "the place's name, or the number of messages it holds now")})
    public String purge(String place, String confirm) {
        return write(refusalsAsErrors(() -> service.purge(place, confirm)));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the answer as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static <T> T refusalsAsErrors(java.util.function.Supplier<T> operation) {
        try {
            return operation.get();
        } catch (DeadLetterRefusal refusal) {
            // JMX clients see the message (Jolokia's "error"); the refusal's own class is unknown to them
            throw new IllegalArgumentException(refusal.getMessage());
        }
    }
}
