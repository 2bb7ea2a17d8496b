package routes.summaries;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The OpenAI-compatible chat completions contract ({@code POST {LLM_BASE_URL}/chat/completions}; OpenAI, Groq,
 * Ollama, vLLM): builds the map and reduce requests and reads the answers. The HTTP call itself, its retries and
 * the circuit breaker are in summaries.camel.yaml.
 */
import routes.shared.RetryAfter;

public final class LlmChat {

    /** Exchange property holding the {@link ChatRequest} a route sends to {@code direct:summaries-llm}. */
    public static final String REQUEST = "llmRequest";

    static final String MAP_PROMPT = "You summarize one part of a video transcript. Write a concise summary of "
            + "its key points, facts and conclusions in plain prose. Do not invent anything that is not in the text.";
    static final String REDUCE_PROMPT = "You combine partial summaries of consecutive parts of one video into a "
            + "single coherent summary. Keep the order of topics, merge repetitions, keep every key point.";

    private final ObjectMapper json;
    private final String model;
    private final SummariesSettings.Llm settings;
    private final long maxRetryAfterMillis;

    public LlmChat(ObjectMapper json, String model, SummariesSettings.Llm settings, long maxRetryAfterMillis) {
        this.json = json;
        this.model = model;
        this.settings = settings;
        this.maxRetryAfterMillis = maxRetryAfterMillis;
    }

    /** One chat completion to make: which phase, the prompts and the limits. */
    public record ChatRequest(String phase, String system, String user, double temperature, int maxTokens) {
    }

    public ChatRequest mapRequest(TranscriptChunk chunk) {
        String where = chunk.start() == null ? "" : " (from " + clock(chunk.start()) + " to " + clock(chunk.end()) + ")";
        return new ChatRequest("map", MAP_PROMPT, "Transcript part " + (chunk.index() + 1) + where + ":\n\n" + chunk.text(),
                settings.mapTemperature(), settings.mapMaxTokens());
    }

    public ChatRequest reduceRequest(List<String> summaries) {
        StringBuilder user = new StringBuilder("Partial summaries, in order:\n");
        for (int i = 0; i < summaries.size(); i++) {
            user.append("\n[").append(i + 1).append("] ").append(summaries.get(i)).append('\n');
        }
        return new ChatRequest("reduce", REDUCE_PROMPT, user.toString(), settings.reduceTemperature(), settings.reduceMaxTokens());
    }

    /** The request body for the chat request in exchange property {@value #REQUEST}. */
    public byte[] body(Exchange exchange) throws JsonProcessingException {
        ChatRequest request = exchange.getProperty(REQUEST, ChatRequest.class);
        return json.writeValueAsBytes(Map.of(
                "model", model,
                "messages", List.of(Map.of("role", "system", "content", request.system()),
                        Map.of("role", "user", "content", request.user())),
                "temperature", request.temperature(),
                "max_tokens", request.maxTokens()));
    }

    /**
     * Reads the LLM's HTTP answer. 2xx: the first choice. 429 and 5xx: {@link LlmUnavailable} (retried), with
     * {@code CamelRedeliveryDelay} set from {@code Retry-After} so the retry waits as long as the LLM asked.
     * Any other status: {@link SummaryRejected} (asking again would get the same answer).
     */
    public LlmAnswer answer(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String body = exchange.getMessage().getBody(String.class);
        int code = status == null ? 0 : status;
        if (code == 429 || code >= 500) {
            Long retryAfter = retryAfterMillis(exchange.getMessage().getHeader("Retry-After", String.class), Instant.now());
            if (retryAfter != null) {
                exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, retryAfter);
            } else {
                exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
            }
            throw new LlmUnavailable(code, retryAfter, "LLM answered HTTP " + code + (retryAfter == null ? "" :
                    " (Retry-After " + retryAfter + " ms)") + ": " + abbreviate(body));
        }
        if (code < 200 || code >= 300) {
            throw new SummaryRejected(SummaryRejected.LLM_REJECTED, "LLM refused the request with HTTP " + code + ": "
                    + abbreviate(body));
        }
        try {
            JsonNode root = json.readTree(body == null ? "" : body);
            JsonNode choice = root.path("choices").path(0);
            if (choice.isMissingNode()) {
                throw new LlmUnavailable(code, null, "LLM answer has no choices: " + abbreviate(body));
            }
            String text = choice.path("message").path("content").asText("");
            String finish = choice.path("finish_reason").asText("unknown");
            return new LlmAnswer(text.strip(), finish, root.path("model").asText(model));
        } catch (JsonProcessingException e) {
            throw new LlmUnavailable(code, null, "LLM answer is not JSON: " + abbreviate(body));
        }
    }

    /** The circuit breaker refused the call (no exception of its own): fail it as "LLM unavailable". */
    public void breakerOpen() {
        throw new LlmUnavailable(0, null, "LLM circuit breaker is open: calls are paused after repeated failures");
    }

    /** {@code Retry-After} as seconds or an HTTP date, in milliseconds from {@code now}, at most the retry ceiling. */
    Long retryAfterMillis(String header, Instant now) {
        Long millis = RetryAfter.millis(header, now);
        return millis == null ? null : Math.min(millis, maxRetryAfterMillis);
    }

    private static String clock(Double seconds) {
        if (seconds == null) {
            return "?";
        }
        long s = Math.round(seconds);
        return String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "(no body)";
        }
        return body.length() <= 300 ? body : body.substring(0, 300) + "...";
    }
}
