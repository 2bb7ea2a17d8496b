package routes.summaries;

import java.util.ArrayList;
import java.util.List;

/**
 * What one summarization has done so far (exchange property {@value #PROPERTY}): the chunk summaries, the
 * reduce levels, and the counts the quality score is made of. One per exchange, never shared.
 */
public final class SummaryWork {

    public static final String PROPERTY = "summaryWork";

    private final long videoId;
    private final String transcriptKey;
    private List<ChunkSummary> chunkSummaries = List.of();
    private List<String> pending = List.of();
    private int transcriptTokens;
    private int llmCalls;
    private int stoppedCalls;
    private int reduceLevels;
    private String model;

    public SummaryWork(long videoId, String transcriptKey) {
        this.videoId = videoId;
        this.transcriptKey = transcriptKey;
    }

    void mapped(List<ChunkSummary> summaries, String answeredBy) {
        this.chunkSummaries = List.copyOf(summaries);
        List<String> texts = new ArrayList<>();
        for (ChunkSummary summary : summaries) {
            transcriptTokens += summary.chunkTokens();
            count(summary.finishReason());
            if (summary.usable()) {
                texts.add(summary.text());
            }
        }
        this.pending = texts;
        this.model = answeredBy;
    }

    void reduced(List<LlmAnswer> answers) {
        reduceLevels++;
        List<String> texts = new ArrayList<>();
        for (LlmAnswer answer : answers) {
            count(answer.finishReason());
            texts.add(answer.text());
            if (answer.model() != null && !answer.model().isBlank()) {
                model = answer.model();
            }
        }
        this.pending = texts;
    }

    private void count(String finishReason) {
        llmCalls++;
        if ("stop".equals(finishReason)) {
            stoppedCalls++;
        }
    }

    public long videoId() {
        return videoId;
    }

    public String transcriptKey() {
        return transcriptKey;
    }

    public List<ChunkSummary> chunkSummaries() {
        return chunkSummaries;
    }

    /** The summaries the next reduce level combines (after the last level: the one final summary). */
    public List<String> pending() {
        return pending;
    }

    /** True once a reduce level has left one summary. */
    public boolean reduceDone() {
        return reduceLevels > 0 && pending.size() == 1;
    }

    public int reduceLevels() {
        return reduceLevels;
    }

    public int llmCalls() {
        return llmCalls;
    }

    public int stoppedCalls() {
        return stoppedCalls;
    }

    public int transcriptTokens() {
        return transcriptTokens;
    }

    public String model() {
        return model;
    }
}
