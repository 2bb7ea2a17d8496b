package routes.liveevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.RedisConnectionFailureException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import routes.shared.HttpProblem;

/**
 * The stream's fan-out, replay (from the cache and from the Redis stream, mocked) and gap events, and slow-client
 * handling, with a fake non-blocking servlet output.
 */
class LiveEventStreamTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LiveEventLog log = mock(LiveEventLog.class);
    private final LiveEventStream stream = new LiveEventStream(
            new LiveEventsSettings("hub:live-events", 5, 3, 2, 2, 3000, 65536, 5, 2000, 100, 5000),
            new ObjectMapper(), Clock.fixed(START, ZoneOffset.UTC), meters, log);
    private int entries;
    private int callers;

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
        String caller = "10.0.0." + (++callers);
        stream.admit(caller);
        stream.open(async, out, filter, lastEventId, caller);
        out.writable();
        return out;
    }

    /** The n-th entry's id: as Redis makes them, increasing but not consecutive. */
    private static String id(int n) {
        return (1_767_225_600_000L + n * 3L) + "-" + (n % 2);
    }

    private static String event(String type, String video) {
        return "{\"type\":\"" + type + "\",\"video_id\":\"" + video + "\",\"timestamp\":\"2026-01-01T00:00:00Z\"}";
    }

    private LiveEventEntry entry(String type, String video) {
        return new LiveEventEntry(StreamId.of(id(entries++)), event(type, video));
    }

    private StreamedEvent dispatch(String type, String video) {
        return stream.dispatch(entry(type, video));
    }

    @Test
    void streamsEachEntryWithItsStreamIdToTheClientsThatWantIt() throws Exception {
        FakeOutput all = connect(mock(AsyncContext.class), StreamFilter.of(null, null), null);
        FakeOutput onlyV2 = connect(mock(AsyncContext.class), StreamFilter.of(List.of("v2"), null), null);

        assertThat(dispatch("video.status", "v1").id()).hasToString(id(0));
        assertThat(dispatch("summary.ready", "v2").id()).hasToString(id(1));

        assertThat(all.text()).startsWith("retry: 3000\n")
                .contains("id: " + id(0) + "\nevent: video.status\ndata: {\"type\":\"video.status\",\"video_id\":\"v1\"")
                .contains("id: " + id(1) + "\nevent: summary.ready\n");
        assertThat(onlyV2.text()).doesNotContain("video.status").contains("id: " + id(1) + "\nevent: summary.ready\n");
        assertThat(meters.counter("hub.live_events.events").count()).isEqualTo(2);
        assertThat(stream.lastEventId()).isEqualTo(id(1));
        assertThat(stream.health()).containsEntry("last_event_id", id(1)).containsEntry("buffered_events", 2);
    }

    @Test
    void anEntryDeliveredTwiceIsStreamedOnce() throws Exception {
        FakeOutput out = connect(mock(AsyncContext.class), StreamFilter.of(null, null), null);
        LiveEventEntry first = entry("video.status", "v1");
        stream.dispatch(first);
        stream.dispatch(first);
        assertThat(out.text().split("id: " + id(0), -1)).hasSize(2);
    }

    @Test
    void addsATimestampWhenTheEventHasNone() throws Exception {
        FakeOutput out = connect(mock(AsyncContext.class), StreamFilter.of(null, null), null);
        stream.dispatch(new LiveEventEntry(StreamId.of("1-0"), "{\"type\":\"extraction.completed\"}"));
        assertThat(out.text()).contains("\"timestamp\":\"2026-01-01T00:00:00Z\"");
    }

    @Test
    void refusesWhatIsNotALiveEventAndDeliverSkipsIt() throws Exception {
        for (String bad : new String[] {"nope", "[1]", "{}", "{\"type\":\"Bad Type\\n\"}", "{\"type\":\"heartbeat\"}",
                "{\"type\":\"stream.gap\"}", null}) {
            assertThatThrownBy(() -> stream.dispatch(new LiveEventEntry(StreamId.of("1-0"), bad))).as(bad)
                    .isInstanceOf(LiveEventStream.InvalidLiveEvent.class);
        }
        assertThat(stream.lastEventId()).isNull();

        FakeOutput out = connect(mock(AsyncContext.class), StreamFilter.of(null, null), null);
        stream.deliver(LiveEventBatch.of(List.of(new LiveEventEntry(StreamId.of("1-0"), "nope"), entry("error", "v1"))));
        assertThat(out.text()).contains("id: " + id(0) + "\nevent: error\n").doesNotContain("id: 1-0");
    }

    @Test
    void aReconnectWithACachedIdIsReplayedFromMemoryThenGoesOnLive() throws Exception {
        dispatch("video.status", "v1");
        dispatch("video.status", "v1");
        dispatch("video.status", "v1");
        FakeOutput out = connect(mock(AsyncContext.class), StreamFilter.of(null, null), id(0));
        dispatch("summary.ready", "v1");
        assertThat(out.text()).doesNotContain("id: " + id(0) + "\n")
                .contains("id: " + id(1) + "\n", "id: " + id(2) + "\n", "id: " + id(3) + "\n");
        assertThat(out.text().indexOf("id: " + id(1))).isLessThan(out.text().indexOf("id: " + id(3)));
        verifyNoInteractions(log);
    }

    @Test
    void anIdOlderThanTheCacheIsReplayedFromTheRedisStreamWhateverInstanceIssuedIt() throws Exception {
        // this instance has read id(10) onwards; the client saw id(3), e.g. on another instance
        entries = 10;
        dispatch("video.status", "v1");
        dispatch("video.status", "v1");
        when(log.state()).thenReturn(new StreamState(StreamId.of(id(0)), StreamId.of(id(11)), StreamId.ZERO, 12));
        when(log.after(StreamId.of(id(3)), 100)).thenReturn(List.of(
                new LiveEventEntry(StreamId.of(id(4)), event("video.status", "v1")),
                new LiveEventEntry(StreamId.of(id(5)), event("video.status", "v2")),
                new LiveEventEntry(StreamId.of(id(10)), event("video.status", "v1")),
                new LiveEventEntry(StreamId.of(id(11)), event("video.status", "v1"))));

        FakeOutput out = connect(mock(AsyncContext.class), StreamFilter.of(List.of("v1"), null), id(3));
        dispatch("summary.ready", "v1");

        String text = out.text();
        assertThat(text).doesNotContain("stream.gap", "id: " + id(5) + "\n")
                .contains("id: " + id(4) + "\n", "id: " + id(10) + "\n", "id: " + id(11) + "\n", "id: " + id(12) + "\n");
        assertThat(text.split("id: " + id(10) + "\n", -1)).as("once").hasSize(2);
        assertThat(text.indexOf("id: " + id(4))).isLessThan(text.indexOf("id: " + id(12)));
    }

    @Test
    void liveEventsArrivingDuringTheReplayFollowItInOrderAndOnce() throws Exception {
        when(log.state()).thenReturn(new StreamState(StreamId.of(id(0)), StreamId.of(id(2)), StreamId.ZERO, 3));
        when(log.after(StreamId.of(id(0)), 100)).thenAnswer(call -> {
            // while the replay is read, the reader delivers id(1) (in the replay too) and id(3) (not yet in it)
            stream.dispatch(new LiveEventEntry(StreamId.of(id(1)), event("video.status", "v1")));
            stream.dispatch(new LiveEventEntry(StreamId.of(id(3)), event("video.status", "v1")));
            return List.of(new LiveEventEntry(StreamId.of(id(1)), event("video.status", "v1")),
                    new LiveEventEntry(StreamId.of(id(2)), event("video.status", "v1")));
        });
        FakeOutput out = connect(mock(AsyncContext.class), StreamFilter.of(null, null), id(0));
        String text = out.text();
        assertThat(text.split("id: " + id(1) + "\n", -1)).hasSize(2);
        assertThat(text.indexOf("id: " + id(1))).isLessThan(text.indexOf("id: " + id(2)));
        assertThat(text.indexOf("id: " + id(2))).isLessThan(text.indexOf("id: " + id(3)));
    }

    @Test
    void anIdWhoseSuccessorsWereTrimmedGetsAReplayGapBeforeWhatTheStreamStillHolds() throws Exception {
        when(log.state()).thenReturn(new StreamState(StreamId.of(id(6)), StreamId.of(id(7)), StreamId.of(id(5)), 2));
        when(log.after(StreamId.of(id(1)), 100)).thenReturn(List.of(
                new LiveEventEntry(StreamId.of(id(6)), event("video.status", "v1")),
                new LiveEventEntry(StreamId.of(id(7)), event("video.status", "v2"))));
        FakeOutput out = connect(mock(AsyncContext.class), StreamFilter.of(List.of("v2"), null), id(1));

        String text = out.text();
        JsonNode gap = gapData(text);
        assertThat(gap.path("type").asText()).isEqualTo("stream.gap");
        assertThat(gap.path("message").asText()).contains("may have been missed", "no longer in the live events stream");
        assertThat(gap.path("data").path("code").asText()).isEqualTo("replay_gap");
        assertThat(gap.path("data").path("last_event_id").asText()).isEqualTo(id(1));
        assertThat(gap.path("data").path("oldest_available_id").asText()).isEqualTo(id(6));
        // the gap has no id of its own, comes first, and is followed by the entries the filter keeps
        assertThat(text).doesNotContain("id: " + id(6) + "\n").contains("id: " + id(7) + "\n");
        assertThat(text.indexOf("event: stream.gap")).isLessThan(text.indexOf("id: "));
        assertThat(meters.counter("hub.live_events.gaps", "code", "replay_gap").count()).isEqualTo(1);
    }

    @Test
    void aReplayRedisCannotServeIsReplayUnavailableAndTheStreamGoesOnLive() throws Exception {
        when(log.state()).thenThrow(new RedisConnectionFailureException("Unable to connect to Redis"));
        // the filter does not hold the gap back: it is about the stream, not about an event type
        FakeOutput out = connect(mock(AsyncContext.class), StreamFilter.of(null, List.of("summary.ready")), id(3));

        JsonNode gap = gapData(out.text());
        assertThat(gap.path("data").path("code").asText()).isEqualTo("replay_unavailable");
        assertThat(gap.path("data").path("last_event_id").asText()).isEqualTo(id(3));
        assertThat(gap.path("message").asText()).contains("cannot be read", "may have been missed");
        assertThat(out.text()).doesNotContain("id: ");

        entries = 4;
        dispatch("summary.ready", "v1");
        assertThat(out.text()).contains("id: " + id(4) + "\n");
    }

    @Test
    void anIdThatIsNotOneOfTheStreamsGetsReplayUnavailableAndNoReplay() throws Exception {
        dispatch("video.status", "v1");
        // the old per-instance numbering
        FakeOutput old = connect(mock(AsyncContext.class), StreamFilter.of(null, null), "1763763435000042");
        assertThat(gapData(old.text()).path("data").path("code").asText()).isEqualTo("replay_unavailable");
        assertThat(gapData(old.text()).path("message").asText()).contains("not an id of the live events stream");
        assertThat(old.text()).doesNotContain("id: ");
        verifyNoInteractions(log);

        // newer than anything the stream issued (another Redis, a restored one)
        when(log.state()).thenReturn(new StreamState(StreamId.of(id(0)), StreamId.of(id(0)), StreamId.ZERO, 1));
        FakeOutput future = connect(mock(AsyncContext.class), StreamFilter.of(null, null), "99999999999999-0");
        assertThat(gapData(future.text()).path("data").path("code").asText()).isEqualTo("replay_unavailable");
        dispatch("video.status", "v1");
        assertThat(future.text()).as("goes on live").contains("id: " + id(1) + "\n");
    }

    @Test
    void entriesTheReaderSkippedAreToldToEveryClientAsEventsLost() throws Exception {
        FakeOutput filtered = connect(mock(AsyncContext.class), StreamFilter.of(List.of("v9"), List.of("error")), null);
        dispatch("video.status", "v1");
        stream.deliver(new LiveEventBatch(List.of(new LiveEventEntry(StreamId.of(id(20)), event("error", "v9"))),
                StreamId.of(id(0)), StreamId.of(id(20))));

        JsonNode gap = gapData(filtered.text());
        assertThat(gap.path("data").path("code").asText()).isEqualTo("events_lost");
        assertThat(gap.path("data").path("oldest_available_id").asText()).isEqualTo(id(20));
        assertThat(filtered.text().indexOf("event: stream.gap")).isLessThan(filtered.text().indexOf("id: " + id(20)));
        // the cache has a hole now: it holds only what came after the loss
        assertThat(stream.health()).containsEntry("buffered_events", 1);
    }

    /** The data of the one {@code stream.gap} event in a stream's text. */
    private static JsonNode gapData(String text) throws Exception {
        int event = text.indexOf("event: stream.gap\ndata: ");
        assertThat(event).as("a stream.gap event in: %s", text).isNotNegative();
        assertThat(text.indexOf("event: stream.gap", event + 1)).as("only one").isNegative();
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
            dispatch("video.status", "v" + i);
        }
        verify(slowAsync, times(1)).complete();
        assertThat(stream.connectedClients()).isEqualTo(1);
        assertThat(fast.text()).contains("id: " + id(3));
        assertThat(meters.counter("hub.live_events.disconnects", "reason", "too_slow").count()).isEqualTo(1);
    }

    @Test
    void heartbeatsReachEveryClientWithoutAnId() throws Exception {
        FakeOutput out = connect(mock(AsyncContext.class), StreamFilter.of(List.of("v9"), List.of("error")), null);
        assertThat(stream.heartbeat()).isEqualTo(1);
        assertThat(out.text()).endsWith("event: heartbeat\ndata: {\"type\":\"heartbeat\",\"timestamp\":\"2026-01-01T00:00:00Z\"}\n\n");
    }

    @Test
    void probesAreSseCommentsToEveryClient() throws Exception {
        FakeOutput out = connect(mock(AsyncContext.class), StreamFilter.of(List.of("v9"), null), null);
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
        stream.admit("10.9.9.9");
        stream.open(async, broken, StreamFilter.of(null, null), null, "10.9.9.9");
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
        assertThatThrownBy(() -> stream.admit("10.1.1.1")).isInstanceOfSatisfying(HttpProblem.class, p -> {
            assertThat(p.getStatus()).isEqualTo(503);
            assertThat(p.getRetryAfterSeconds()).isNotNull();
        });

        stream.start();
        stream.stop();
        verify(second).complete();
        assertThat(stream.connectedClients()).isZero();
        assertThat(stream.health()).containsEntry("status", "stopping").containsEntry("connected_clients", 0);
        assertThatThrownBy(() -> stream.admit("10.1.1.1")).isInstanceOf(HttpProblem.class);
    }

    @Test
    void refusesAClientAboveItsStreams_andCountsAStreamOnlyUntilItCloses() throws Exception {
        LiveEventStream perClient = new LiveEventStream(
                new LiveEventsSettings("hub:live-events", 5, 3, 10, 2, 3000, 65536, 5, 2000, 100, 5000),
                new ObjectMapper(), Clock.fixed(START, ZoneOffset.UTC), meters, log);
        AsyncContext first = mock(AsyncContext.class);
        FakeOutput out = new FakeOutput();
        perClient.admit("192.0.2.7");
        perClient.open(first, out, StreamFilter.of(null, null), null, "192.0.2.7");
        out.writable();
        perClient.admit("192.0.2.7");
        perClient.release("192.0.2.7"); // admitted, never opened (the request failed before)
        perClient.admit("192.0.2.7");
        perClient.open(mock(AsyncContext.class), new FakeOutput(), StreamFilter.of(null, null), null, "192.0.2.7");
        assertThat(perClient.streamsOf("192.0.2.7")).isEqualTo(2);

        assertThatThrownBy(() -> perClient.admit("192.0.2.7")).isInstanceOfSatisfying(HttpProblem.class, p -> {
            assertThat(p.getStatus()).isEqualTo(429);
            assertThat(p.getCode()).isEqualTo("too_many_streams");
            assertThat(p.getRetryAfterSeconds()).isNotNull();
        });
        perClient.admit("192.0.2.8"); // another client still gets in
        assertThat(meters.counter("hub.live_events.refused", "reason", "too_many_streams").count()).isEqualTo(1);

        // the streams close (here: shutdown), their slots are free again
        perClient.stop();
        assertThat(perClient.streamsOf("192.0.2.7")).isZero();
    }

    @Test
    void healthHasTheSeedsFields() {
        assertThat(stream.health()).containsEntry("status", "healthy").containsEntry("service", "sse_events")
                .containsEntry("connected_clients", 0);
    }
}
