package routes.liveevents;

import java.time.Clock;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;

/** The live events flow's beans: the stream ({@code liveEventStream}), broadcast validation and CORS. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LiveEventsSettings.class)
public class LiveEventsConfiguration {

    @Bean
    LiveEventStream liveEventStream(LiveEventsSettings settings, ObjectMapper json, MeterRegistry meters) {
        return new LiveEventStream(settings, json, Clock.systemUTC(), meters);
    }

    @Bean
    LiveEventBroadcasts liveEventBroadcasts(LiveEventsSettings settings, ObjectMapper json) {
        return new LiveEventBroadcasts(json, settings.maxEventBytes());
    }

    @Bean
    LiveEventsCors liveEventsCors(@Value("${hub.frontend-url:}") String frontendUrl) {
        return new LiveEventsCors(frontendUrl);
    }
}
