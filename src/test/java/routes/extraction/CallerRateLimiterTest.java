package routes.extraction;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The callback's content-type check (the rate limiter itself runs against Redis in CallerRateLimiterIT). */
class CallerRateLimiterTest {

    @Test
    void contentTypesThatCountAsJson() {
        assertThat(ExtractionCallbacks.isJson("application/json")).isTrue();
        assertThat(ExtractionCallbacks.isJson("Application/JSON; charset=UTF-8")).isTrue();
        assertThat(ExtractionCallbacks.isJson("application/vnd.hub+json")).isTrue();
        assertThat(ExtractionCallbacks.isJson("text/plain")).isFalse();
        assertThat(ExtractionCallbacks.isJson("application/x-www-form-urlencoded")).isFalse();
        assertThat(ExtractionCallbacks.isJson(null)).isFalse();
    }
}
