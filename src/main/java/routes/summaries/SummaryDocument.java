package routes.summaries;

import java.util.List;

/** Out: {@code summaries/{videoId}/summary.json} (contracts/summaries/summary-document.schema.json). */
public record SummaryDocument(long videoId, String summaryText, List<Part> chunkSummaries, int chunkCount, String model,
                              String method, double qualityScore, String createdAt) {

    /** One chunk's summary with the part of the video it covers (seconds; null for a plain-text transcript). */
    public record Part(int index, Double start, Double end, String summary) {
    }
}
