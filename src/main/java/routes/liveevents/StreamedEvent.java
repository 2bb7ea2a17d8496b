package routes.liveevents;

import java.nio.charset.StandardCharsets;

/**
 * An event as this hub instance streams it: its Redis stream entry id, the type and video it is filtered by, and
 * the SSE frame rendered once for every client.
 */
record StreamedEvent(StreamId id, String type, String videoId, byte[] frame) {

    static StreamedEvent of(StreamId id, String type, String videoId, String json) {
        return new StreamedEvent(id, type, videoId, SseFrames.event(id.toString(), type, json));
    }

    String text() {
        return new String(frame, StandardCharsets.UTF_8);
    }
}
