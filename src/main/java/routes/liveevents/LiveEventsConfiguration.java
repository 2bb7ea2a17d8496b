package routes.liveevents;

import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.core.Ordered;
import org.springframework.web.filter.CorsFilter;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.MeterRegistry;

import routes.shared.RegisteredExecutor;
import routes.shared.JsonLimits;

/**
 * The live events flow's beans: the Redis stream ({@code liveEventLog}), its reader ({@code liveEventReader}), this
 * instance's clients ({@code liveEventStream}), broadcast validation and CORS.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LiveEventsSettings.class)
public class LiveEventsConfiguration {

    /**
     * The shared Redis stream. XADD, XRANGE and XINFO use the hub's Spring Data Redis connection; the reader's
     * blocking XREAD gets a Lettuce connection of its own from the same client (same host, password, timeouts).
     */
    @Bean
    LiveEventLog liveEventLog(LiveEventsSettings settings, StringRedisTemplate redis, LettuceConnectionFactory connections) {
        return new LiveEventLog(redis, () -> ((RedisClient) connections.getNativeClient()).connect(StringCodec.UTF8),
                settings.stream(), settings.replaySize());
    }

    @Bean
    LiveEventReader liveEventReader(LiveEventsSettings settings, LiveEventLog log) {
        return new LiveEventReader(log, settings.readBatch(), settings.readBlockMs(), settings.readRetryMaxMs(), Clock.systemUTC());
    }

    @Bean
    LiveEventStream liveEventStream(LiveEventsSettings settings, ObjectMapper json, MeterRegistry meters, LiveEventLog log) {
        return new LiveEventStream(settings, json, Clock.systemUTC(), meters, log);
    }

    /**
     * The one thread every flow's {@code wireTap} to {@code direct:live-event} runs on
     * ({@code executorService: liveEventPublisher}): taps leave in the order the flows made them, so a stream never
     * shows PROCESSING before QUEUED. An XADD takes well under a millisecond; should the queue ever fill (Redis
     * slow or down: each append then waits up to spring.data.redis.timeout), the tapping thread appends itself
     * rather than drop the event.
     */
    @Bean
    RegisteredExecutor liveEventPublisher(@Value("${hub.live-events.publish-queue-size:10000}") int queueSize) {
        return new RegisteredExecutor("liveEventPublisher", new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueSize), RegisteredExecutor.daemonThreads("live-event-publisher"),
                new ThreadPoolExecutor.CallerRunsPolicy()));
    }

    @Bean
    LiveEventBroadcasts liveEventBroadcasts(LiveEventsSettings settings, ObjectMapper json) {
        return new LiveEventBroadcasts(json, settings.maxEventBytes());
    }

    @Bean
    BroadcastSchemaProblems liveEventBroadcastSchemaProblems(JsonLimits jsonLimits) {
        return new BroadcastSchemaProblems(jsonLimits);
    }

    @Bean
    FilterRegistrationBean<CorsFilter> liveEventsCorsFilter(@Value("${hub.frontend-url:}") String frontendUrl) {
        FilterRegistrationBean<CorsFilter> registration = new FilterRegistrationBean<>(new CorsFilter(LiveEventsCors.source(frontendUrl)));
        registration.setName("liveEventsCors");
        registration.addUrlPatterns("/api/v2/events/*");
        registration.setAsyncSupported(true);
        // ahead of Spring Security's filter chain (order -100), so preflights are answered before any login check
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
        return registration;
    }
}
