package routes.liveevents;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import routes.shared.HttpProblem;

/**
 * What one client asked for: {@code video_id} (repeatable) keeps the events about those videos, {@code types}
 * (repeatable or comma-separated) keeps those event types. Empty means everything.
 * Heartbeats and {@code stream.gap} always reach the client.
 */
record StreamFilter(Set<String> videoIds, Set<String> types) implements Predicate<StreamedEvent> {

    static final Set<String> KNOWN_TYPES = Set.of("video.status", "summary.ready", "extraction.completed", "error", "heartbeat",
            LiveEventStream.GAP);

    static StreamFilter of(List<String> videoIds, List<String> types) {
        Set<String> videos = new LinkedHashSet<>();
        for (String value : videoIds == null ? List.<String>of() : videoIds) {
            for (String id : value.split(",")) {
                if (!id.isBlank()) {
                    videos.add(id.trim());
                }
            }
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String value : types == null ? List.<String>of() : types) {
            for (String type : value.split(",")) {
                String t = type.trim();
                if (t.isEmpty()) {
                    continue;
                }
                if (!KNOWN_TYPES.contains(t)) {
                    throw HttpProblem.badRequest("types", "unknown event type '" + t + "'; known types: "
                            + String.join(", ", KNOWN_TYPES.stream().sorted().toList()));
                }
                wanted.add(t);
            }
        }
        return new StreamFilter(Set.copyOf(videos), Set.copyOf(wanted));
    }

    @Override
    public boolean test(StreamedEvent event) {
        if (!types.isEmpty() && !types.contains(event.type())) {
            return false;
        }
        return videoIds.isEmpty() || (event.videoId() != null && videoIds.contains(event.videoId()));
    }
}
