package routes.liveevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StreamIdTest {

    @Test
    void parsesRedisEntryIds() {
        assertThat(StreamId.parse("1763763435000-0")).contains(new StreamId(1763763435000L, 0));
        assertThat(StreamId.parse(" 1763763435000-17 ")).contains(new StreamId(1763763435000L, 17));
        assertThat(StreamId.of("5-1")).hasToString("5-1");
    }

    @Test
    void refusesWhatIsNotAnEntryId() {
        // 1763763435000042: an id of the old per-instance numbering
        for (String bad : new String[] {"1763763435000042", "42", "", "-", "1-", "-1", "a-1", "1-b", "1-2-3", "-1-0", "$", "0-0-"}) {
            assertThat(StreamId.parse(bad)).as(bad).isEmpty();
        }
        assertThat(StreamId.parse(null)).isEmpty();
        assertThatThrownBy(() -> StreamId.of("42")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ordersAsRedisDoes() {
        assertThat(StreamId.of("10-5")).isLessThan(StreamId.of("11-0")).isGreaterThan(StreamId.of("10-4"));
        assertThat(StreamId.of("9-0")).isLessThan(StreamId.of("10-0"));
        assertThat(StreamId.of("10-1").isAfter(StreamId.of("10-0"))).isTrue();
        assertThat(StreamId.of("10-0").isAfter(StreamId.of("10-0"))).isFalse();
        assertThat(StreamId.ZERO).isLessThan(StreamId.of("0-1"));
    }

    @Test
    void theNextIdIsTheSmallestAfter() {
        assertThat(StreamId.of("10-5").next()).isEqualTo(StreamId.of("10-6"));
        assertThat(new StreamId(10, Long.MAX_VALUE).next()).isEqualTo(StreamId.of("11-0"));
    }
}
