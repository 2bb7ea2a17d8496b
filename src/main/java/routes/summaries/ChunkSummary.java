package routes.summaries;

/** The map phase's answer for one chunk. */
public record ChunkSummary(int index, Double start, Double end, int chunkTokens, String text, String finishReason) {

    public boolean usable() {
        return text != null && !text.isBlank();
    }
}
