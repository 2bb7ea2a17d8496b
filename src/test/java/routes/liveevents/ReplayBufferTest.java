package routes.liveevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The in-memory cache of the newest events: which reconnects it can replay, and which must go to the Redis stream. */
class ReplayBufferTest {

    /** Stream ids as Redis makes them: increasing, not consecutive (two in one millisecond, then gaps). */
    private static StreamId id(int n) {
        return new StreamId(1_700_000_000_000L + n / 2 * 7, n % 2);
    }

    private static StreamedEvent event(int n, String video) {
        return StreamedEvent.of(id(n), "video.status", video, "{\"type\":\"video.status\",\"video_id\":\"" + video + "\"}");
    }

    private static ReplayBuffer filled(int capacity, int events) {
        ReplayBuffer buffer = new ReplayBuffer(capacity);
        for (int i = 0; i < events; i++) {
            buffer.add(event(i, i % 2 == 0 ? "even" : "odd"));
        }
        return buffer;
    }

    private static List<StreamId> ids(Optional<List<StreamedEvent>> events) {
        assertThat(events).as("covered by the cache").isPresent();
        return events.get().stream().map(StreamedEvent::id).toList();
    }

    @Test
    void replaysEverythingAfterTheLastSeenId() {
        ReplayBuffer buffer = filled(10, 5);
        assertThat(ids(buffer.after(id(1), e -> true))).containsExactly(id(2), id(3), id(4));
    }

    @Test
    void replaysNothingWhenTheClientIsUpToDate() {
        ReplayBuffer buffer = filled(10, 3);
        assertThat(ids(buffer.after(id(2), e -> true))).isEmpty();
        assertThat(ids(buffer.after(id(0), e -> true))).containsExactly(id(1), id(2));
    }

    @Test
    void anIdBetweenTwoEntriesReplaysTheLaterOnes() {
        ReplayBuffer buffer = filled(10, 6);
        // between id(3) and id(4) (the stream never issued it; a client cannot have it, but the cache copes)
        StreamId between = new StreamId(id(3).millis() + 1, 0);
        assertThat(between).isGreaterThan(id(3)).isLessThan(id(4));
        assertThat(ids(buffer.after(between, e -> true))).containsExactly(id(4), id(5));
    }

    @Test
    void appliesTheClientsFilterToTheReplay() {
        ReplayBuffer buffer = filled(10, 6);
        assertThat(ids(buffer.after(id(0), e -> "odd".equals(e.videoId())))).containsExactly(id(1), id(3), id(5));
    }

    @Test
    void keepsOnlyTheNewestEventsAndLeavesOlderIdsToTheStream() {
        ReplayBuffer buffer = filled(4, 10);
        assertThat(buffer.size()).isEqualTo(4);
        assertThat(buffer.newest().id()).isEqualTo(id(9));
        // cached: id(6) .. id(9)
        assertThat(ids(buffer.after(id(6), e -> true))).containsExactly(id(7), id(8), id(9));
        assertThat(buffer.after(id(5), e -> true)).as("older than the cache: replay from the stream").isEmpty();
        assertThat(buffer.after(new StreamId(id(9).millis() + 1, 0), e -> true)).as("newer than this instance has read").isEmpty();
    }

    @Test
    void anEmptyOrClearedCacheCoversNothing() {
        assertThat(new ReplayBuffer(4).after(id(0), e -> true)).isEmpty();
        ReplayBuffer buffer = filled(4, 3);
        buffer.clear();
        assertThat(buffer.size()).isZero();
        assertThat(buffer.newest()).isNull();
        assertThat(buffer.after(id(1), e -> true)).isEmpty();
        buffer.add(event(5, "even"));
        assertThat(ids(buffer.after(id(5), e -> true))).isEmpty();
        assertThat(buffer.after(id(4), e -> true)).as("the hole before the entry after a clear").isEmpty();
    }
}
