package routes.summaries;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The summaries flow's settings ({@code hub.summaries.*} in config/summaries.yaml). */
@ConfigurationProperties(prefix = "hub.summaries")
public record SummariesSettings(String inputTopic, String deadLetterTopic, String outputTopic, Retry retry,
                                int chunkTokens, int reduceInputTokens, int mapConcurrency, Llm llm, Outbox outbox) {

    public SummariesSettings {
        if (chunkTokens < 100) {
            throw new IllegalArgumentException("hub.summaries.chunk-tokens must be at least 100, got " + chunkTokens);
        }
        if (mapConcurrency < 1) {
            throw new IllegalArgumentException("hub.summaries.map-concurrency must be at least 1, got " + mapConcurrency);
        }
        int largestAnswer = Math.max(llm.mapMaxTokens(), llm.reduceMaxTokens());
        if (reduceInputTokens < 2 * largestAnswer) {
            // every reduce group must hold at least two summaries, or the recursion would never end
            throw new IllegalArgumentException("hub.summaries.reduce-input-tokens (" + reduceInputTokens
                    + ") must be at least twice the largest LLM answer (" + largestAnswer + " tokens)");
        }
        if (retry.attempts() < 1) {
            throw new IllegalArgumentException("hub.summaries.retry.attempts must be at least 1, got " + retry.attempts());
        }
    }

    public record Retry(int attempts, long delayMs) {
    }

    public record Llm(int mapMaxTokens, int reduceMaxTokens, double mapTemperature, double reduceTemperature,
                      long retryMaxDelayMs) {
    }

    public record Outbox(boolean relayEnabled, long retryDelayMs, long retryMaxDelayMs) {
    }
}
