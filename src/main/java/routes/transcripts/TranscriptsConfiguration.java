package routes.transcripts;

import java.util.UUID;

import org.apache.camel.CamelContext;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import routes.shared.JsonLimits;
import routes.shared.SingleAttemptHttpClient;

/** The beans transcripts.camel.yaml calls. */
@Configuration(proxyBeanMethods = false)
public class TranscriptsConfiguration {

    @Bean
    MassTransitHost transcriptsHost(@Value("${hub.name:integration-hub}") String name, CamelContext camel) {
        String version = TranscriptsConfiguration.class.getPackage().getImplementationVersion();
        return MassTransitHost.current(name, version != null ? version : "0.1.0", camel.getVersion());
    }

    /** {@code rabbitmq://<host>[/<vhost>]}, the prefix of every address the flow writes. */
    @Bean
    BrokerAddress transcriptsBrokerAddress(@Value("${hub.rabbitmq.url}") String rabbitMqUrl) {
        return BrokerAddress.fromUrl(rabbitMqUrl);
    }

    /** Claim tokens and inbox leases; the instance part of a token names the host and this start. */
    @Bean
    TranscriptLeases transcriptLeases(@Value("${HOSTNAME:hub}") String host,
                                      @Value("${hub.transcripts.inbox.lease-seconds}") int leaseSeconds,
                                      NamedParameterJdbcTemplate jdbc) {
        return new TranscriptLeases(host + "-" + UUID.randomUUID().toString().substring(0, 8), leaseSeconds, jdbc);
    }

    @Bean
    TranscriptsInbound transcriptsInbound(TranscriptsSettings settings, TranscriptLeases transcriptLeases, JsonLimits jsonLimits) {
        return new TranscriptsInbound(settings, transcriptLeases, jsonLimits);
    }

    @Bean
    TranscriptEvents transcriptEvents(TranscriptsSettings settings, MassTransitHost transcriptsHost, BrokerAddress transcriptsBrokerAddress,
                                      JsonLimits jsonLimits) {
        return new TranscriptEvents(settings, transcriptsHost, transcriptsBrokerAddress, jsonLimits);
    }

    @Bean
    DeadLetters transcriptDeadLetters(TranscriptsSettings settings, MassTransitHost transcriptsHost, BrokerAddress transcriptsBrokerAddress) {
        return new DeadLetters(settings, transcriptsHost, transcriptsBrokerAddress.address(settings.endpoint()));
    }

    /** The delayed redelivery intervals and their queues (TRANSCRIPTS_REDELIVERY_INTERVALS; empty: off). */
    @Bean
    RedeliverySchedule transcriptsRedeliverySchedule(TranscriptsSettings settings,
                                                     @Value("${hub.transcripts.redelivery.intervals:}") String intervals) {
        return RedeliverySchedule.parse(settings.endpoint(), intervals);
    }

    @Bean
    TranscriptRedelivery transcriptRedelivery(RedeliverySchedule transcriptsRedeliverySchedule) {
        return new TranscriptRedelivery(transcriptsRedeliverySchedule);
    }

    @Bean
    TranscriptApi transcriptApi(JsonLimits jsonLimits) {
        return new TranscriptApi(jsonLimits);
    }

    @Bean
    SingleAttemptHttpClient transcriptApiHttpClient() {
        return new SingleAttemptHttpClient();
    }

    @Bean
    RetryAfterDelay transcriptApiRetryAfter(@Value("${hub.transcripts.api.max-retry-delay-ms}") long maxDelayMs) {
        return new RetryAfterDelay(maxDelayMs);
    }

    @Bean
    TranscriptLiveEvents transcriptLiveEvents(TranscriptsSettings settings) {
        return new TranscriptLiveEvents(settings);
    }

    @Bean
    TranscriptCallbacks transcriptCallbacks(JsonLimits jsonLimits) {
        return new TranscriptCallbacks(jsonLimits);
    }
}
