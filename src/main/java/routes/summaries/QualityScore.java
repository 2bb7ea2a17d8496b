package routes.summaries;

/**
 * How much to trust a summary, from 0 to 1 (docs/flows/summaries.adoc):
 * {@code score = 0.6 * coverage + 0.2 * completeness + 0.2 * compression}, where
 * <ul>
 * <li>coverage: the share of chunks whose map call returned text (a chunk without one is missing from the summary);</li>
 * <li>completeness: the share of LLM calls (map and reduce) that ended with {@code finish_reason = "stop"}
 * rather than being cut off ({@code length}) or anything else;</li>
 * <li>compression: {@code 1 - summaryTokens / transcriptTokens}, at least 0: a summary as long as its
 * transcript summarizes nothing.</li>
 * </ul>
 * An empty summary scores 0.
 */
public record QualityScore(double coverage, double completeness, double compression, double score) {

    public static QualityScore of(int chunks, int usableChunks, int llmCalls, int stoppedCalls, int transcriptTokens,
                                  int summaryTokens) {
        if (chunks <= 0 || summaryTokens <= 0) {
            return new QualityScore(0, 0, 0, 0);
        }
        double coverage = clamp((double) usableChunks / chunks);
        double completeness = llmCalls <= 0 ? 0 : clamp((double) stoppedCalls / llmCalls);
        double compression = transcriptTokens <= 0 ? 0 : clamp(1.0 - (double) summaryTokens / transcriptTokens);
        double score = 0.6 * coverage + 0.2 * completeness + 0.2 * compression;
        return new QualityScore(round(coverage), round(completeness), round(compression), round(score));
    }

    private static double clamp(double value) {
        return Math.max(0, Math.min(1, value));
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
