package routes.liveevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.core.StreamOperations;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.lettuce.core.RedisCommandExecutionException;

/** {@link LiveEventLog#state()} on Redis's answers, as Spring Data Redis hands them over (Lettuce's error wrapped). */
class LiveEventLogTest {

    private final StringRedisTemplate redis = mock(StringRedisTemplate.class);
    @SuppressWarnings("unchecked")
    private final StreamOperations<String, Object, Object> streams = mock(StreamOperations.class);
    private final LiveEventLog log = new LiveEventLog(redis, () -> null, "hub:live-events", 1000);

    @Test
    void aStreamThatDoesNotExistYetIsEmpty() {
        // what a fresh Redis answers XINFO STREAM until the first XADD: the reader must not fail on it
        when(redis.opsForStream()).thenReturn(streams);
        when(streams.info("hub:live-events")).thenThrow(new RedisSystemException("Error in execution",
                new RedisCommandExecutionException("ERR no such key")));
        assertThat(log.state()).isEqualTo(StreamState.EMPTY);
    }

    @Test
    void anyOtherErrorIsRaised() {
        when(redis.opsForStream()).thenReturn(streams);
        when(streams.info("hub:live-events")).thenThrow(new RedisSystemException("Error in execution",
                new RedisCommandExecutionException("WRONGTYPE Operation against a key holding the wrong kind of value")));
        assertThatThrownBy(log::state).isInstanceOf(RedisSystemException.class);
    }
}
