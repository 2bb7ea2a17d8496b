package routes.liveevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.RedisConnectionFailureException;

/** The reader's position in the stream: where it starts, where it resumes after Redis errors, how it backs off. */
class LiveEventReaderTest {

    private final LiveEventLog log = mock(LiveEventLog.class);
    /** Started at 1000-0 (ms): the stream ids of these tests are older, except in the test of the start. */
    private final LiveEventReader reader = new LiveEventReader(log, 3, 2000, 1000,
            Clock.fixed(Instant.ofEpochMilli(1000 + LiveEventReader.CLOCK_MARGIN_MS), ZoneOffset.UTC));

    private static LiveEventEntry entry(String id) {
        return new LiveEventEntry(StreamId.of(id), "{\"type\":\"error\"}");
    }

    private static StreamState state(String oldest, String last, String maxDeleted) {
        return new StreamState(oldest == null ? null : StreamId.of(oldest), StreamId.of(last), StreamId.of(maxDeleted), 10);
    }

    @Test
    void startsAtTheStreamsEndAndReadsAfterTheLastEntryDelivered() {
        when(log.state()).thenReturn(state("1-0", "50-0", "0-0"));
        when(log.read(any(), anyInt(), anyLong())).thenReturn(List.of(entry("51-0"), entry("52-0")), List.of());
        assertThat(reader.resumeId()).isEqualTo("$");

        assertThat(reader.read().entries()).extracting(LiveEventEntry::id).containsExactly(StreamId.of("51-0"), StreamId.of("52-0"));
        verify(log).read(StreamId.of("50-0"), 3, 2000);
        assertThat(reader.read().entries()).isEmpty();
        verify(log).read(StreamId.of("52-0"), 3, 2000);
        assertThat(reader.resumeId()).isEqualTo("52-0");
    }

    @Test
    void entriesAppendedWhileTheHubWasStartingAreRead() {
        // the stream's end at the first read is 1500-0, but the instance started at 1000: it reads from there
        when(log.state()).thenReturn(state("900-0", "1500-0", "0-0"));
        when(log.read(any(), anyInt(), anyLong())).thenReturn(List.of(entry("1200-0"), entry("1500-0")));
        assertThat(reader.read().entries()).hasSize(2);
        verify(log).read(StreamId.of("1000-0"), 3, 2000);
    }

    @Test
    void theFirstReadAfterTheStartIsNotTakenForALoss() {
        // the start position is no entry: the oldest entry being newer says nothing
        when(log.state()).thenReturn(state(null, "0-0", "0-0"), state("1500-0", "1500-0", "0-0"));
        when(log.read(any(), anyInt(), anyLong())).thenReturn(List.of(entry("1500-0")));
        assertThat(reader.read().lost()).isFalse();
    }

    @Test
    void afterRedisErrorsItBacksOffAndResumesFromTheLastIdDelivered() {
        when(log.state()).thenReturn(StreamState.EMPTY);
        when(log.read(any(), anyInt(), anyLong())).thenReturn(List.of(entry("7-0")))
                .thenThrow(new RedisConnectionFailureException("Redis down"))
                .thenThrow(new RedisConnectionFailureException("Redis down"))
                .thenReturn(List.of(entry("8-0")));
        reader.read();
        assertThatThrownBy(reader::read).isInstanceOf(RedisConnectionFailureException.class);
        assertThat(reader.failed()).isEqualTo(100);
        assertThatThrownBy(reader::read).isInstanceOf(RedisConnectionFailureException.class);
        assertThat(reader.failed()).isEqualTo(200);
        assertThat(reader.failed()).isEqualTo(400);
        assertThat(reader.failed()).isEqualTo(800);
        assertThat(reader.failed()).as("capped at LIVE_EVENTS_READ_RETRY_MAX_MS").isEqualTo(1000);
        assertThat(reader.failed()).isEqualTo(1000);

        LiveEventBatch resumed = reader.read();
        assertThat(resumed.entries()).extracting(LiveEventEntry::id).containsExactly(StreamId.of("8-0"));
        assertThat(resumed.lost()).isFalse();
        verify(log, times(3)).read(StreamId.of("7-0"), 3, 2000);
        // a success resets the backoff
        assertThat(reader.failed()).isEqualTo(100);
    }

    @Test
    void aStartWhileRedisIsDownStartsAtTheStreamsEndOnceItIsBack() {
        when(log.state()).thenThrow(new RedisConnectionFailureException("Redis down")).thenReturn(state("1-0", "9-0", "0-0"));
        when(log.read(any(), anyInt(), anyLong())).thenReturn(List.of());
        assertThatThrownBy(reader::read).isInstanceOf(RedisConnectionFailureException.class);
        reader.failed();
        reader.read();
        verify(log).read(StreamId.of("9-0"), 3, 2000);
    }

    @Test
    void entriesTrimmedBeforeTheReaderGotThemAreReported() {
        when(log.state()).thenReturn(state("1-0", "10-0", "0-0"), state("20-0", "40-0", "19-0"));
        // the reader was stalled: 14-0 .. 19-0 were trimmed before its next read, which returns 20-0
        when(log.read(any(), anyInt(), anyLong())).thenReturn(List.of(entry("11-0"), entry("12-0"), entry("13-0")),
                List.of(entry("20-0")));
        assertThat(reader.read().lost()).isFalse();
        LiveEventBatch next = reader.read();
        assertThat(next.lost()).isTrue();
        assertThat(next.lostAfter()).isEqualTo(StreamId.of("13-0"));
        assertThat(next.oldestAvailable()).isEqualTo(StreamId.of("20-0"));
        assertThat(next.entries()).extracting(LiveEventEntry::id).containsExactly(StreamId.of("20-0"));
    }

    @Test
    void nothingIsReportedLostWhenTheStreamStillHoldsEverythingAfterTheLastId() {
        when(log.state()).thenReturn(state("1-0", "10-0", "0-0"), state("1-0", "11-0", "0-0"), state("5-0", "12-0", "4-0"));
        when(log.read(any(), anyInt(), anyLong())).thenReturn(List.of(entry("11-0"))).thenThrow(new RedisConnectionFailureException("x"))
                .thenReturn(List.of(entry("12-0")));
        reader.read();
        assertThatThrownBy(reader::read).isInstanceOf(RedisConnectionFailureException.class);
        reader.failed();
        assertThat(reader.read().lost()).isFalse();
    }
}
