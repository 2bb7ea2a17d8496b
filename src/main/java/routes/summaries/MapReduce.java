package routes.summaries;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

/**
 * The steps of the map-reduce that are data, not routing: what each LLM call is asked, how the answers are
 * collected, when the reduce is done, and the summary document with its quality score.
 */
public final class MapReduce {

    /** A safety net: with the budget check at start-up the recursion ends long before. */
    static final int MAX_REDUCE_LEVELS = 20;

    private final LlmChat chat;
    private final ReducePlan plan;
    private final TranscriptChunker chunker;
    private final String configuredModel;

    public MapReduce(LlmChat chat, ReducePlan plan, TranscriptChunker chunker, String configuredModel) {
        this.chat = chat;
        this.plan = plan;
        this.chunker = chunker;
        this.configuredModel = configuredModel;
    }

    /** A fresh record of work for one attempt at one video. */
    public SummaryWork start(@ExchangeProperty("videoId") long videoId, @ExchangeProperty("transcriptKey") String transcriptKey) {
        return new SummaryWork(videoId, transcriptKey);
    }

    public LlmChat.ChatRequest mapRequest(@Body TranscriptChunk chunk) {
        return chat.mapRequest(chunk);
    }

    public ChunkSummary chunkSummary(@ExchangeProperty("chunk") TranscriptChunk chunk, @Body LlmAnswer answer) {
        return new ChunkSummary(chunk.index(), chunk.start(), chunk.end(), chunk.tokens(), answer.text(), answer.finishReason());
    }

    /** After the map phase: keeps the chunk summaries in transcript order. */
    public void mapped(@ExchangeProperty(SummaryWork.PROPERTY) SummaryWork work, @Body List<ChunkSummary> summaries) {
        List<ChunkSummary> ordered = new ArrayList<>(summaries);
        ordered.sort((a, b) -> Integer.compare(a.index(), b.index()));
        work.mapped(ordered, configuredModel);
        if (work.pending().isEmpty()) {
            throw new LlmUnavailable(200, null, "the LLM returned no text for any of the " + ordered.size() + " chunks");
        }
    }

    /** True while the reduce has not left one final summary (at least one reduce call is always made). */
    public boolean reduceNeeded(@ExchangeProperty(SummaryWork.PROPERTY) SummaryWork work) {
        return !work.reduceDone();
    }

    /** The groups of the next reduce level. */
    public List<List<String>> reduceGroups(@ExchangeProperty(SummaryWork.PROPERTY) SummaryWork work) {
        if (work.reduceLevels() >= MAX_REDUCE_LEVELS) {
            throw new IllegalStateException("reduce did not converge after " + MAX_REDUCE_LEVELS + " levels");
        }
        return plan.groups(work.pending());
    }

    public String summaryText(@ExchangeProperty("summaryDocument") SummaryDocument document) {
        return document.summaryText();
    }

    public LlmChat.ChatRequest reduceRequest(@Body List<String> group) {
        return chat.reduceRequest(group);
    }

    public void reduced(@ExchangeProperty(SummaryWork.PROPERTY) SummaryWork work, @Body List<LlmAnswer> answers) {
        work.reduced(answers);
    }

    public SummaryDocument document(@ExchangeProperty(SummaryWork.PROPERTY) SummaryWork work) {
        String text = work.pending().get(0);
        List<SummaryDocument.Part> parts = new ArrayList<>();
        int usable = 0;
        for (ChunkSummary summary : work.chunkSummaries()) {
            parts.add(new SummaryDocument.Part(summary.index(), summary.start(), summary.end(), summary.text()));
            if (summary.usable()) {
                usable++;
            }
        }
        QualityScore quality = QualityScore.of(parts.size(), usable, work.llmCalls(), work.stoppedCalls(),
                work.transcriptTokens(), text.isBlank() ? 0 : chunker.countTokens(text));
        return new SummaryDocument(work.videoId(), text, parts, parts.size(), work.model(), "map-reduce",
                quality.score(), Instant.now().toString());
    }

    /** {@code model_info} of the {@code video_summaries} row. */
    public Map<String, Object> modelInfo(@ExchangeProperty(SummaryWork.PROPERTY) SummaryWork work,
                                         @ExchangeProperty("summaryDocument") SummaryDocument document) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("model", document.model());
        info.put("method", document.method());
        info.put("chunkCount", document.chunkCount());
        info.put("reduceLevels", work.reduceLevels());
        info.put("llmCalls", work.llmCalls());
        info.put("transcriptTokens", work.transcriptTokens());
        return info;
    }
}
