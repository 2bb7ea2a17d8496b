package routes.summaries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class LlmChatTest {

    private final ObjectMapper json = new ObjectMapper();
    private final LlmChat chat = new LlmChat(json, "gpt-test", new SummariesSettings.Llm(200, 500, 0.3, 0.2, 60_000), 60_000);

    @Test
    void mapAndReduceRequestsCarryTheirLimits() throws Exception {
        Exchange exchange = exchange();
        exchange.setProperty(LlmChat.REQUEST, chat.mapRequest(new TranscriptChunk(2, "some words", 2, 65.0, 130.5)));
        JsonNode map = json.readTree(chat.body(exchange));
        assertThat(map.path("model").asText()).isEqualTo("gpt-test");
        assertThat(map.path("max_tokens").asInt()).isEqualTo(200);
        assertThat(map.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(map.path("messages").path(1).path("content").asText()).contains("part 3 (from 0:01:05 to 0:02:11)", "some words");

        exchange.setProperty(LlmChat.REQUEST, chat.reduceRequest(List.of("first", "second")));
        JsonNode reduce = json.readTree(chat.body(exchange));
        assertThat(reduce.path("max_tokens").asInt()).isEqualTo(500);
        assertThat(reduce.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(reduce.path("messages").path(1).path("content").asText()).contains("[1] first", "[2] second");
    }

    @Test
    void readsTheFirstChoice() {
        Exchange exchange = answer(200, """
                {"model":"gpt-x","choices":[{"index":0,"message":{"role":"assistant","content":"  A summary. "},
                 "finish_reason":"length"}]}""", null);
        LlmAnswer answer = chat.answer(exchange);
        assertThat(answer).isEqualTo(new LlmAnswer("A summary.", "length", "gpt-x"));
    }

    @Test
    void tooManyRequestsIsRetriedAfterRetryAfter() {
        Exchange exchange = answer(429, "{\"error\":\"rate limited\"}", "3");
        assertThatThrownBy(() -> chat.answer(exchange)).isInstanceOfSatisfying(LlmUnavailable.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.retryAfterMillis()).isEqualTo(3000L);
        });
        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).isEqualTo(3000L);
    }

    @Test
    void serverErrorsAreRetriedWithTheUsualBackoff() {
        Exchange exchange = answer(503, "down", null);
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, 999L);
        assertThatThrownBy(() -> chat.answer(exchange)).isInstanceOf(LlmUnavailable.class).hasMessageContaining("503");
        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).isNull();
    }

    @Test
    void otherClientErrorsAreRefusals() {
        assertThatThrownBy(() -> chat.answer(answer(400, "{\"error\":\"context length exceeded\"}", null)))
                .isInstanceOfSatisfying(SummaryRejected.class, e -> assertThat(e.reason()).isEqualTo(SummaryRejected.LLM_REJECTED))
                .hasMessageContaining("context length exceeded");
        assertThatThrownBy(() -> chat.answer(answer(401, "bad key", null))).isInstanceOf(SummaryRejected.class);
    }

    @Test
    void anAnswerThatIsNotAChatCompletionIsRetried() {
        assertThatThrownBy(() -> chat.answer(answer(200, "<html>proxy</html>", null))).isInstanceOf(LlmUnavailable.class);
        assertThatThrownBy(() -> chat.answer(answer(200, "{\"choices\":[]}", null))).isInstanceOf(LlmUnavailable.class);
    }

    @Test
    void retryAfterAcceptsSecondsAndHttpDatesAndIsCapped() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(chat.retryAfterMillis("2", now)).isEqualTo(2000L);
        assertThat(chat.retryAfterMillis("0.5", now)).isEqualTo(500L);
        assertThat(chat.retryAfterMillis("Thu, 01 Jan 2026 00:00:07 GMT", now)).isEqualTo(7000L);
        assertThat(chat.retryAfterMillis("3600", now)).isEqualTo(60_000L);
        assertThat(chat.retryAfterMillis("soon", now)).isNull();
        assertThat(chat.retryAfterMillis(null, now)).isNull();
    }

    private static Exchange exchange() {
        return new DefaultExchange(new DefaultCamelContext());
    }

    private static Exchange answer(int status, String body, String retryAfter) {
        Exchange exchange = exchange();
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (retryAfter != null) {
            exchange.getMessage().setHeader("Retry-After", retryAfter);
        }
        exchange.getMessage().setBody(body);
        return exchange;
    }
}
