package routes.summaries;

/**
 * One piece of a transcript for one map call: at most {@code hub.summaries.chunk-tokens} tokens (cl100k_base),
 * cut at snippet boundaries. {@code start}/{@code end} are seconds into the video (null for a plain-text transcript).
 */
public record TranscriptChunk(int index, String text, int tokens, Double start, Double end) {
}
