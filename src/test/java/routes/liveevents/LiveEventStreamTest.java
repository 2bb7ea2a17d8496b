package routes.liveevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import routes.shared.HttpProblem;

/** The stream's numbering, fan-out, replay and slow-client handling, with a fake non-blocking servlet output. */
class LiveEventStreamTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final long FIRST = START.getEpochSecond() * 1_000_000L;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LiveEventStream stream = new LiveEventStream(new LiveEventsSettings("x", "q", 5, 3, 2, 3000, 65536, 5),
            new ObjectMapper(), Clock.fixed(START, ZoneOffset.UTC), meters);

    /** A servlet output the test drives: writes land in memory while {@code ready}; else the socket is "full". */
    static class FakeOutput extends ServletOutputStream {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        boolean ready = true;
        WriteListener listener;

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void setWriteListener(WriteListener writeListener) {
            this.listener = writeListener;
        }

        @Override
        public void write(int b) {
            written.write(b);
        }

        String text() {
            return written.toString(StandardCharsets.UTF_8);
        }

        void writable() throws java.io.IOException {
            ready = true;
            listener.onWritePossible();
        }
    }

    private FakeOutput connect(AsyncContext async, StreamFilter filter, String lastEventId) throws Exception {
        FakeOutput out = new FakeOutput();
        stream.admit();
        stream.open(async, out, filter, lastEventId);
        out.writable();
        return out;
    }

    private static String event(String type, String video) {
        return "{\"type\":\"" + type + "\",\"video_id\":\"" + video + "\",\"timestamp\":\"2026-01-01T00:00:00Z\"}";
    }

    @Test
    void numbersEventsFromTheStartTimeAndStreamsThemToMatchingClients() throws Exception {
        FakeOutput all = connect(mock(AsyncContext.class), StreamFilter.of(null, null), null);
        FakeOutput onlyV2 = connect(mock(AsyncContext.class), StreamFilter.of(java.util.List.of("v2"), null), null);

        assertThat(stream.dispatch(event("video.status", "v1")).id()).isEqualTo(FIRST);
        assertThat(stream.dispatch(event("summary.ready", "v2")).id()).isEqualTo(FIRST + 1);

        assertThat(all.text()).startsWith("retry: 3000\n")
                .contains("id: " + FIRST + "\nevent: video.status\ndata: {\"type\":\"video.status\",\"video_id\":\"v1\"")
                .contains("id: " + (FIRST + 1) + "\nevent: summary.ready\n");
        assertThat(onlyV2.text()).doesNotContain("video.status").contains("id: " + (FIRST + 1) + "\nevent: summary.ready\n");
        assertThat(meters.counter("hub.live_events.events").count()).isEqualTo(2);
    }

    @Test
    void addsATimestampWhenTheEventHasNone() throws Exception {
        FakeOutput out = connect(mock(AsyncContext.class), StreamFilter.of(null, null), null);
        stream.dispatch("{\"type\":\"extraction.completed\"}");
        assertThat(out.text()).contains("\"timestamp\":\"2026-01-01T00:00:00Z\"");
    }

    @Test
    void refusesWhatIsNotALiveEvent() {
        for (String bad : new String[] {"nope", "[1]", "{}", "{\"type\":\"Bad Type\\n\"}", "{\"type\":\"heartbeat\"}",
                "{\"type\":\"stream.gap\"}"}) {
            assertThatThrownBy(() -> stream.dispatch(bad)).as(bad).isInstanceOf(LiveEventStream.InvalidLiveEvent.class);
        }
        assertThat(stream.lastEventId()).isEqualTo(FIRST - 1);
    }

    @Test
    void replaysMissedEventsThenGoesOnLive() throws Exception {
        stream.dispatch(event("video.status", "v1"));
        stream.dispatch(event("video.status", "v1"));
        stream.dispatch(event("video.status", "v1"));
        FakeOutput out = connect(mock(AsyncContext.class), StreamFilter.of(null, null), String.valueOf(FIRST));
        stream.dispatch(event("summary.ready", "v1"));
        assertThat(out.text()).doesNotContain("id: " + FIRST + "\n")
                .contains("id: " + (FIRST + 1) + "\n", "id: " + (FIRST + 2) + "\n", "id: " + (FIRST + 3) + "\n");
        assertThat(out.text().indexOf("id: " + (FIRST + 1))).isLessThan(out.text().indexOf("id: " + (FIRST + 3)));
    }

    @Test
    void anIdOlderThanTheBufferGetsAGapEventBeforeTheEventsStillBuffered() throws Exception {
        // buffer of 5: after 8 events FIRST+3 .. FIRST+7 are kept; a client that saw FIRST missed FIRST+1 and FIRST+2
        for (int i = 0; i < 8; i++) {
            stream.dispatch(event("video.status", i % 2 == 0 ? "v1" : "v2"));
        }
        FakeOutput out = connect(mock(AsyncContext.class), StreamFilter.of(java.util.List.of("v2"), null), String.valueOf(FIRST));

        String text = out.text();
        JsonNode gap = gapData(text);
        assertThat(gap.path("type").asText()).isEqualTo("stream.gap");
        assertThat(gap.path("message").asText()).contains("may have been missed");
        assertThat(gap.path("data").path("code").asText()).isEqualTo("replay_gap");
        assertThat(gap.path("data").path("last_event_id").asText()).isEqualTo(String.valueOf(FIRST));
        assertThat(gap.path("data").path("oldest_available_id").asLong()).isEqualTo(FIRST + 3);
        assertThat(gap.path("data").path("missed").asLong()).isEqualTo(2);
        // the gap has no id of its own, comes first, and is followed by the buffered events the filter keeps
        assertThat(text).doesNotContain("id: " + (FIRST + 1) + "\n", "id: " + (FIRST + 4) + "\n", "id: " + (FIRST + 6) + "\n")
                .contains("id: " + (FIRST + 3) + "\n", "id: " + (FIRST + 5) + "\n", "id: " + (FIRST + 7) + "\n");
        assertThat(text.indexOf("event: stream.gap")).isLessThan(text.indexOf("id: "));
        assertThat(text.indexOf("id: " + (FIRST + 3))).isLessThan(text.indexOf("id: " + (FIRST + 7)));

        // and then the live events
        stream.dispatch(event("video.status", "v2"));
        assertThat(out.text()).contains("id: " + (FIRST + 8) + "\n");
        assertThat(out.text().split("event: stream.gap", -1)).hasSize(2);
    }

    @Test
    void anIdThisInstanceNeverIssuedGetsAGapEventAndNoReplay() throws Exception {
        stream.dispatch(event("video.status", "v1"));
        stream.dispatch(event("video.status", "v1"));
        // the filter does not hold the gap back: it is about the stream, not about an event type
        FakeOutput out = connect(mock(AsyncContext.class), StreamFilter.of(null, java.util.List.of("summary.ready")), "42");

        JsonNode gap = gapData(out.text());
        assertThat(gap.path("data").path("code").asText()).isEqualTo("replay_unavailable");
        assertThat(gap.path("data").path("last_event_id").asText()).isEqualTo("42");
        assertThat(gap.path("data").path("oldest_available_id").asLong()).isEqualTo(FIRST);
        assertThat(gap.path("data").has("missed")).isFalse();
        assertThat(gap.path("message").asText()).contains("not issued by this hub instance", "may have been missed");
        assertThat(out.text()).doesNotContain("id: ");
    }

    @Test
    void aKnownRecentIdGetsNoGapEvent() throws Exception {
        stream.dispatch(event("video.status", "v1"));
        stream.dispatch(event("video.status", "v1"));
        FakeOutput out = connect(mock(AsyncContext.class), StreamFilter.of(null, null), String.valueOf(FIRST));
        assertThat(out.text()).doesNotContain("stream.gap").contains("id: " + (FIRST + 1) + "\n");
    }

    /** The data of the one {@code stream.gap} event in a stream's text. */
    private static JsonNode gapData(String text) throws Exception {
        int event = text.indexOf("event: stream.gap\ndata: ");
        assertThat(event).as("a stream.gap event in: %s", text).isNotNegative();
        int start = event + "event: stream.gap\ndata: ".length();
        return new ObjectMapper().readTree(text.substring(start, text.indexOf('\n', start)));
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedWhenItsQueueIsFull() throws Exception {
        AsyncContext slowAsync = mock(AsyncContext.class);
        FakeOutput slow = connect(slowAsync, StreamFilter.of(null, null), null);
        FakeOutput fast = connect(mock(AsyncContext.class), StreamFilter.of(null, null), null);
        slow.ready = false;

        for (int i = 0; i < 4; i++) {
            stream.dispatch(event("video.status", "v" + i));
        }
        verify(slowAsync, times(1)).complete();
        assertThat(stream.connectedClients()).isEqualTo(1);
        assertThat(fast.text()).contains("id: " + (FIRST + 3));
        assertThat(meters.counter("hub.live_events.disconnects", "reason", "too_slow").count()).isEqualTo(1);
    }

    @Test
    void heartbeatsReachEveryClientWithoutAnId() throws Exception {
        FakeOutput out = connect(mock(AsyncContext.class), StreamFilter.of(java.util.List.of("v9"), java.util.List.of("error")), null);
        assertThat(stream.heartbeat()).isEqualTo(1);
        assertThat(out.text()).endsWith("event: heartbeat\ndata: {\"type\":\"heartbeat\",\"timestamp\":\"2026-01-01T00:00:00Z\"}\n\n");
    }

    @Test
    void probesAreSseCommentsToEveryClient() throws Exception {
        FakeOutput out = connect(mock(AsyncContext.class), StreamFilter.of(java.util.List.of("v9"), null), null);
        assertThat(stream.probe()).isEqualTo(1);
        assertThat(out.text()).endsWith("\n\n:\n\n");
    }

    @Test
    void aClientWhoseWriteFailsIsRemoved() throws Exception {
        AsyncContext async = mock(AsyncContext.class);
        FakeOutput broken = new FakeOutput() {
            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                throw new java.io.IOException("Broken pipe");
            }
        };
        stream.open(async, broken, StreamFilter.of(null, null), null);
        broken.ready = true;
        broken.listener.onWritePossible();
        assertThat(stream.connectedClients()).isZero();
        verify(async).complete();
        assertThat(meters.counter("hub.live_events.disconnects", "reason", "write_failed").count()).isEqualTo(1);
    }

    @Test
    void refusesClientsAboveTheLimitAndWhileStopping() throws Exception {
        connect(mock(AsyncContext.class), StreamFilter.of(null, null), null);
        AsyncContext second = mock(AsyncContext.class);
        connect(second, StreamFilter.of(null, null), null);
        assertThatThrownBy(stream::admit).isInstanceOfSatisfying(HttpProblem.class, p -> {
            assertThat(p.getStatus()).isEqualTo(503);
            assertThat(p.getRetryAfterSeconds()).isNotNull();
        });

        stream.start();
        stream.stop();
        verify(second).complete();
        assertThat(stream.connectedClients()).isZero();
        assertThat(stream.health()).containsEntry("status", "stopping").containsEntry("connected_clients", 0);
        assertThatThrownBy(stream::admit).isInstanceOf(HttpProblem.class);
    }

    @Test
    void healthHasTheSeedsFields() {
        assertThat(stream.health()).containsEntry("status", "healthy").containsEntry("service", "sse_events")
                .containsEntry("connected_clients", 0);
    }
}
