package routes.liveevents;

import java.nio.charset.StandardCharsets;

/**
 * An event as this hub instance streams it: the id it assigned on receipt, the type and video it is
 * filtered by, and the SSE frame rendered once for every client.
 */
record StreamedEvent(long id, String type, String videoId, byte[] frame) {

    static StreamedEvent of(long id, String type, String videoId, String json) {
        return new StreamedEvent(id, type, videoId, SseFrames.event(id, type, json));
    }

    String text() {
        return new String(frame, StandardCharsets.UTF_8);
    }
}
