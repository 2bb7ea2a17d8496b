package routes.liveevents;

import java.nio.charset.StandardCharsets;

/**
 * Server-Sent Events framing (WHATWG HTML, "server-sent events"): {@code id:}, {@code event:} and one
 * {@code data:} line, ended by a blank line. Event JSON is compact (no raw line breaks), so one data line holds it.
 */
final class SseFrames {

    private SseFrames() {
    }

    static byte[] event(String id, String type, String json) {
        return ("id: " + id + "\nevent: " + type + "\ndata: " + oneLine(json) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** An event without an id: browsers keep their last event id (heartbeats, replay notices). */
    static byte[] unnumbered(String type, String json) {
        return ("event: " + type + "\ndata: " + oneLine(json) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The reconnect delay advice, plus a comment so the response starts (and EventSource opens) at once. */
    static byte[] opening(long retryMs) {
        return ("retry: " + retryMs + "\n: live events\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** An SSE comment: EventSource ignores it; writing it finds connections the client has closed. */
    static byte[] probe() {
        return PROBE.clone();
    }

    private static final byte[] PROBE = ":\n\n".getBytes(StandardCharsets.UTF_8);

    private static String oneLine(String json) {
        if (json.indexOf('\n') < 0 && json.indexOf('\r') < 0) {
            return json;
        }
        // a line break inside JSON is whitespace (in strings it is always escaped): drop it
        return json.replace("\r", "").replace("\n", "");
    }
}
