package routes.summaries;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import routes.shared.LiveEvent;

/** The live events the flow publishes (through {@code direct:live-event}). */
public final class SummaryEvents {

    public LiveEvent ready(@ExchangeProperty("summaryDocument") SummaryDocument document,
                           @ExchangeProperty("summaryFileKey") String summaryFileKey,
                           @ExchangeProperty("summaryTextKey") String summaryTextKey) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("summary_file_key", summaryFileKey);
        data.put("summary_text_key", summaryTextKey);
        data.put("quality_score", document.qualityScore());
        data.put("chunk_count", document.chunkCount());
        data.put("model", document.model());
        return LiveEvent.summaryReady(String.valueOf(document.videoId()), data);
    }

    public LiveEvent deadLettered(Exchange exchange) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("flow", "summaries");
        data.put("reason", exchange.getMessage().getHeader(DeadLetters.REASON));
        data.put("exception", exchange.getMessage().getHeader(DeadLetters.EXCEPTION));
        data.put("attempts", exchange.getMessage().getHeader(DeadLetters.ATTEMPTS));
        data.put("dead_letter_topic", exchange.getProperty("deadLetterTopic"));
        Object videoId = exchange.getProperty("videoId");
        return LiveEvent.error(videoId == null ? null : String.valueOf(videoId),
                "Summary failed: " + exchange.getMessage().getHeader(DeadLetters.ERROR), data);
    }
}
