package routes.summaries;

import java.util.UUID;

/** In: the {@code video.transcribed} event (contracts/summaries/video-transcribed.schema.json). */
public record VideoTranscribed(UUID id, long videoId, String transcriptFileKey, Integer snippetCount, String ts) {
}
