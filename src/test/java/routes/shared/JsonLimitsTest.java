package routes.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The JSON limits as Jackson applies them, and what a caller is told when a body breaks one. */
class JsonLimitsTest {

    private final JsonLimits limits = new JsonLimits(64, 1000, 20);

    @Test
    void aMapperBuiltWithTheLimitsTakesTheDepthAtTheLimitAndRefusesOneLevelMore() throws Exception {
        JsonMapper json = limits.mapper().build();
        assertThat(json.readTree(nested(64)).isArray()).isTrue();
        JsonProcessingException refused = parseError(json, nested(65));
        assertThat(refused).isInstanceOf(StreamConstraintsException.class);
        assertThat(limits.violation(refused)).hasValue(
                "the body is nested deeper than 64 levels of arrays and objects (HUB_JSON_MAX_DEPTH)");
    }

    @Test
    void longStringsAndNumbersAreRefusedNamingTheirLimit() throws Exception {
        JsonMapper json = limits.mapper().build();
        assertThat(json.readTree("{\"a\":\"" + "x".repeat(1000) + "\"}").path("a").asText()).hasSize(1000);
        assertThat(limits.violation(parseError(json, "{\"a\":\"" + "x".repeat(1001) + "\"}")))
                .hasValue("a string in the body is longer than 1000 characters (HUB_JSON_MAX_STRING_LENGTH)");
        assertThat(json.readTree("[" + "1".repeat(20) + "]").get(0).isNumber()).isTrue();
        assertThat(limits.violation(parseError(json, "[" + "1".repeat(21) + "]")))
                .hasValue("a number in the body is longer than 20 characters (HUB_JSON_MAX_NUMBER_LENGTH)");
    }

    @Test
    void applyToSetsTheLimitsOnAnExistingMapperAndOtherFailuresAreNoViolation() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(nested(200)).isArray()).as("Jackson's default: 1000 levels").isTrue();
        limits.applyTo(json);
        assertThat(json.getFactory().streamReadConstraints().getMaxNestingDepth()).isEqualTo(64);
        JsonProcessingException refused = parseError(json, nested(200));
        // wrapped, as a validator or a data format hands it on
        assertThat(limits.violation(new IllegalStateException("validation failed", refused))).isPresent();
        assertThat(limits.violation(parseError(json, "{\"a\":"))).as("truncated JSON is no limit").isEmpty();
        assertThat(limits.violation(null)).isEmpty();
    }

    @Test
    void limitsBelowOneAreRefusedNamingTheVariable() {
        assertThatThrownBy(() -> new JsonLimits(0, 10, 10)).hasMessageContaining("HUB_JSON_MAX_DEPTH");
        assertThatThrownBy(() -> new JsonLimits(10, 0, 10)).hasMessageContaining("HUB_JSON_MAX_STRING_LENGTH");
        assertThatThrownBy(() -> new JsonLimits(10, 10, 0)).hasMessageContaining("HUB_JSON_MAX_NUMBER_LENGTH");
    }

    static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private static JsonProcessingException parseError(ObjectMapper json, String text) {
        try {
            json.readTree(text);
        } catch (JsonProcessingException e) {
            return e;
        }
        throw new AssertionError("parsed: " + text.substring(0, Math.min(80, text.length())));
    }
}
