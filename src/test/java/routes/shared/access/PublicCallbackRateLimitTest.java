package routes.shared.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import routes.shared.ProblemAnswer;

/** The filter around the limiter (the token bucket itself runs against Redis in CallerRateLimiterIT and EndpointAccessIT). */
class PublicCallbackRateLimitTest {

    private final ObjectMapper json = new ObjectMapper();
    private final List<String> callers = new ArrayList<>();

    @Test
    void aCallerWithinItsLimitGoesThrough() throws Exception {
        PublicCallbackRateLimit filter = new PublicCallbackRateLimit(caller -> {
            callers.add(caller);
            return 0;
        }, new ProblemAnswer(json));
        MockHttpServletRequest request = callback("10.1.2.3");
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, new MockHttpServletResponse(), chain);
        assertThat(chain.getRequest()).isSameAs(request);
        assertThat(callers).containsExactly("10.1.2.3");
    }

    @Test
    void overTheLimitTheAnswerIs429WithRetryAfterAndAProblemBody() throws Exception {
        PublicCallbackRateLimit filter = new PublicCallbackRateLimit(caller -> 3, new ProblemAnswer(json));
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(callback("10.1.2.3"), response, chain);
        assertThat(chain.getRequest()).isNull();
        assertThat(response.getStatus()).isEqualTo(429);
        assertThat(response.getHeader("Retry-After")).isEqualTo("3");
        JsonNode body = json.readTree(response.getContentAsByteArray());
        assertThat(body.path("error").asText()).isEqualTo("rate_limited");
        assertThat(body.path("message").asText()).contains("10.1.2.3").contains("3 s");
    }

    @Test
    void whenTheLimiterCannotBeAskedTheCallGoesOn() throws Exception {
        PublicCallbackRateLimit filter = new PublicCallbackRateLimit(caller -> {
            throw new IllegalStateException("Redis down");
        }, new ProblemAnswer(json));
        MockHttpServletRequest request = callback("10.1.2.3");
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, new MockHttpServletResponse(), chain);
        assertThat(chain.getRequest()).isSameAs(request);
    }

    private static MockHttpServletRequest callback(String address) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/internal/transcripts/abc/progress");
        request.setRemoteAddr(address);
        return request;
    }
}
