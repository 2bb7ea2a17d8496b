package routes.shared;

import java.util.Optional;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * What every JSON parser of the hub accepts ({@code hub.json.*}, docs/security.adoc "JSON limits"): at most
 * {@code maxDepth} nested arrays and objects ({@code HUB_JSON_MAX_DEPTH}), strings of at most
 * {@code maxStringLength} characters ({@code HUB_JSON_MAX_STRING_LENGTH}) and numbers of at most
 * {@code maxNumberLength} characters ({@code HUB_JSON_MAX_NUMBER_LENGTH}), as Jackson's
 * {@link StreamReadConstraints}. Spring's {@code ObjectMapper} gets them in {@link SharedConfiguration}: the
 * json-validator endpoints use it (the registry's only one), and so does the routes' parsing Jackson data format
 * ({@code autoDiscoverObjectMapper}); the mappers a flow builds for itself are built with {@link #mapper()}.
 */
public record JsonLimits(int maxDepth, int maxStringLength, int maxNumberLength) {

    public JsonLimits {
        if (maxDepth < 1) {
            throw new IllegalArgumentException("HUB_JSON_MAX_DEPTH must be at least 1, got " + maxDepth);
        }
        if (maxStringLength < 1) {
            throw new IllegalArgumentException("HUB_JSON_MAX_STRING_LENGTH must be at least 1, got " + maxStringLength);
        }
        if (maxNumberLength < 1) {
            throw new IllegalArgumentException("HUB_JSON_MAX_NUMBER_LENGTH must be at least 1, got " + maxNumberLength);
        }
    }

    public StreamReadConstraints constraints() {
        return StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth)
                .maxStringLength(maxStringLength)
                .maxNumberLength(maxNumberLength)
                .build();
    }

    /** Applies the limits to {@code mapper}'s parser factory (every parser it creates from now on). */
    public void applyTo(ObjectMapper mapper) {
        mapper.getFactory().setStreamReadConstraints(constraints());
    }

    /** A mapper builder whose parsers apply the limits. */
    public JsonMapper.Builder mapper() {
        return JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints()).build());
    }

    /**
     * The message a caller gets when {@code error} (or one of its causes) is a parser stopping at one of the limits,
     * naming the limit and its variable; empty for any other failure.
     */
    public Optional<String> violation(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof StreamConstraintsException limit) {
                return Optional.of(describe(String.valueOf(limit.getOriginalMessage())));
            }
        }
        return Optional.empty();
    }

    private String describe(String jackson) {
        if (jackson.contains("getMaxNestingDepth")) {
            return "the body is nested deeper than " + maxDepth + " levels of arrays and objects (HUB_JSON_MAX_DEPTH)";
        }
        if (jackson.contains("getMaxStringLength")) {
            return "a string in the body is longer than " + maxStringLength + " characters (HUB_JSON_MAX_STRING_LENGTH)";
        }
        if (jackson.contains("getMaxNumberLength")) {
            return "a number in the body is longer than " + maxNumberLength + " characters (HUB_JSON_MAX_NUMBER_LENGTH)";
        }
        return "the body is over a JSON limit: " + jackson;
    }
}
