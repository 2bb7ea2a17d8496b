package routes.liveevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SseFramesTest {

    private static String text(byte[] frame) {
        return new String(frame, StandardCharsets.UTF_8);
    }

    @Test
    void anEventHasIdTypeAndOneDataLine() {
        assertThat(text(SseFrames.event("1767225600000-7", "video.status", "{\"a\":1}")))
                .isEqualTo("id: 1767225600000-7\nevent: video.status\ndata: {\"a\":1}\n\n");
    }

    @Test
    void unnumberedEventsLeaveTheBrowsersLastIdAlone() {
        assertThat(text(SseFrames.unnumbered("heartbeat", "{}"))).isEqualTo("event: heartbeat\ndata: {}\n\n");
    }

    @Test
    void prettyPrintedJsonStaysOneDataLine() {
        assertThat(text(SseFrames.event("1-0", "error", "{\r\n  \"a\": 1\n}"))).isEqualTo("id: 1-0\nevent: error\ndata: {  \"a\": 1}\n\n");
    }

    @Test
    void theOpeningAdvisesTheReconnectDelay() {
        assertThat(text(SseFrames.opening(3000))).startsWith("retry: 3000\n").endsWith("\n\n");
    }
}
