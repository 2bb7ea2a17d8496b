package routes.liveevents;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    private static final long FIRST = 1_000_000L;

    private static StreamedEvent event(long id, String video) {
        return StreamedEvent.of(id, "video.status", video, "{\"type\":\"video.status\",\"video_id\":\"" + video + "\"}");
    }

    private static ReplayBuffer filled(int capacity, int events) {
        ReplayBuffer buffer = new ReplayBuffer(capacity);
        for (int i = 0; i < events; i++) {
            buffer.add(event(FIRST + i, i % 2 == 0 ? "even" : "odd"));
        }
        return buffer;
    }

    @Test
    void replaysEverythingAfterTheLastSeenId() {
        ReplayBuffer buffer = filled(10, 5);
        ReplayBuffer.Replay replay = buffer.after(String.valueOf(FIRST + 1), FIRST, FIRST + 4, e -> true);
        assertThat(replay).isInstanceOf(ReplayBuffer.Missed.class);
        assertThat(((ReplayBuffer.Missed) replay).events()).extracting(StreamedEvent::id).containsExactly(FIRST + 2, FIRST + 3, FIRST + 4);
    }

    @Test
    void replaysNothingWhenTheClientIsUpToDateAndEverythingFromBeforeTheFirstId() {
        ReplayBuffer buffer = filled(10, 3);
        assertThat(((ReplayBuffer.Missed) buffer.after(String.valueOf(FIRST + 2), FIRST, FIRST + 2, e -> true)).events()).isEmpty();
        assertThat(((ReplayBuffer.Missed) buffer.after(String.valueOf(FIRST - 1), FIRST, FIRST + 2, e -> true)).events()).hasSize(3);
    }

    @Test
    void appliesTheClientsFilterToTheReplay() {
        ReplayBuffer buffer = filled(10, 6);
        ReplayBuffer.Missed missed = (ReplayBuffer.Missed) buffer.after(String.valueOf(FIRST), FIRST, FIRST + 5,
                e -> "odd".equals(e.videoId()));
        assertThat(missed.events()).extracting(StreamedEvent::id).containsExactly(FIRST + 1, FIRST + 3, FIRST + 5);
    }

    @Test
    void keepsOnlyTheNewestEventsAndReportsAGapForOlderIds() {
        ReplayBuffer buffer = filled(4, 10);
        assertThat(buffer.size()).isEqualTo(4);
        // buffered: FIRST+6 .. FIRST+9; a client that saw FIRST+5 misses nothing
        assertThat(((ReplayBuffer.Missed) buffer.after(String.valueOf(FIRST + 5), FIRST, FIRST + 9, e -> true)).events())
                .extracting(StreamedEvent::id).containsExactly(FIRST + 6, FIRST + 7, FIRST + 8, FIRST + 9);
        ReplayBuffer.Replay replay = buffer.after(String.valueOf(FIRST + 2), FIRST, FIRST + 9, e -> true);
        assertThat(replay).isInstanceOf(ReplayBuffer.Gap.class);
        ReplayBuffer.Gap gap = (ReplayBuffer.Gap) replay;
        assertThat(gap.lastEventId()).isEqualTo(FIRST + 2);
        assertThat(gap.oldestAvailable()).isEqualTo(FIRST + 6);
        assertThat(gap.missed()).isEqualTo(3);
        // what is still buffered is replayed after the gap
        assertThat(gap.available()).extracting(StreamedEvent::id).containsExactly(FIRST + 6, FIRST + 7, FIRST + 8, FIRST + 9);
    }

    @Test
    void aGapStillReplaysTheBufferedEventsTheFilterKeeps() {
        ReplayBuffer buffer = filled(4, 10);
        ReplayBuffer.Gap gap = (ReplayBuffer.Gap) buffer.after(String.valueOf(FIRST), FIRST, FIRST + 9, e -> "odd".equals(e.videoId()));
        assertThat(gap.missed()).isEqualTo(5);
        assertThat(gap.available()).extracting(StreamedEvent::id).containsExactly(FIRST + 7, FIRST + 9);
    }

    @Test
    void anIdThisInstanceNeverIssuedIsUnknown() {
        ReplayBuffer buffer = filled(4, 3);
        assertThat(buffer.after("abc", FIRST, FIRST + 2, e -> true)).isEqualTo(new ReplayBuffer.Unknown("abc"));
        assertThat(buffer.after(String.valueOf(FIRST + 3), FIRST, FIRST + 2, e -> true)).isInstanceOf(ReplayBuffer.Unknown.class);
        assertThat(buffer.after("42", FIRST, FIRST + 2, e -> true)).isInstanceOf(ReplayBuffer.Unknown.class);
    }
}
