package routes.extraction;

import java.time.Clock;

import org.slf4j.LoggerFactory;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import com.fasterxml.jackson.databind.ObjectMapper;

import routes.shared.MandatoryPublisher;
import routes.shared.JsonLimits;

/** The beans extraction.camel.yaml refers to, and the flow's RabbitMQ topology. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ExtractionSettings.class)
public class ExtractionConfiguration {

    /**
     * The topology, declared by Spring's RabbitAdmin whenever the hub opens a broker connection, before any route
     * publishes or consumes: topic exchange {@code extraction.events} (durable), durable queue
     * {@code extraction.completed} bound with {@code extraction.completed}, and the durable dead-letter queue. The
     * queue also dead-letters to the DLQ on the broker side, a last resort should the route itself fail to
     * publish there (a rejected message is then not lost). Declared here once, so the callback can never publish
     * to an exchange with no queue bound (an unroutable message would be confirmed and dropped).
     */
    @Bean
    Declarables extractionTopology(ExtractionSettings settings) {
        TopicExchange exchange = ExchangeBuilder.topicExchange(settings.exchange()).durable(true).build();
        Queue queue = QueueBuilder.durable(settings.queue())
                .deadLetterExchange("")
                .deadLetterRoutingKey(settings.deadLetterQueue())
                .build();
        Queue deadLetters = QueueBuilder.durable(settings.deadLetterQueue()).build();
        Binding binding = BindingBuilder.bind(queue).to(exchange).with(settings.routingKey());
        return new Declarables(exchange, queue, deadLetters, binding);
    }

    /** The callback's publish: mandatory, confirmed within the callback's confirm timeout. */
    @Bean
    MandatoryPublisher extractionEventPublisher(ConnectionFactory connections, ExtractionSettings settings,
                                                @Value("${hub.extraction.callback.confirm-timeout-ms}") long confirmTimeoutMs) {
        return new MandatoryPublisher(connections, settings.exchange(), settings.routingKey(), confirmTimeoutMs);
    }

    @Bean
    ExtractionCallbacks extractionCallbacks(ObjectMapper json, JsonLimits jsonLimits, ExtractionSettings settings) {
        return new ExtractionCallbacks(json, jsonLimits, settings.callback());
    }

    @Bean
    CallerRateLimiter extractionRateLimiter(ExtractionSettings settings, StringRedisTemplate redis) {
        ExtractionSettings.Callback callback = settings.callback();
        return new CallerRateLimiter(redis, CallerRateLimiter.DEFAULT_KEY_PREFIX, callback.rateLimitPerSecond(),
                callback.rateLimitBurst());
    }

    /**
     * Signs every webhook delivery (Standard Webhooks headers) with {@code EXTRACTION_WEBHOOK_SECRET} and, during a
     * rotation, {@code EXTRACTION_WEBHOOK_SECRET_PREVIOUS}; a malformed secret stops start-up here, naming it.
     */
    @Bean
    WebhookSignature extractionWebhookSignature(@Value("${hub.security.extraction-webhook-secret:}") String current,
            @Value("${hub.security.extraction-webhook-secret-previous:}") String previous) {
        WebhookSignature signature = new WebhookSignature(current, previous, Clock.systemUTC());
        if (!signature.signs()) {
            // prod refuses to start without it (ProductionSecrets)
            LoggerFactory.getLogger(WebhookSignature.class).warn(
                    "EXTRACTION_WEBHOOK_SECRET is not set: extraction webhook deliveries are sent unsigned");
        }
        return signature;
    }

    @Bean
    CallbackAudit extractionCallbackAudit() {
        return new CallbackAudit();
    }

    @Bean
    ExtractionEvents extractionEvents(ObjectMapper json) {
        return new ExtractionEvents(json);
    }

    /** eventIds already delivered (kept until the retention cleanup). */
    @Bean
    ClaimingIdempotentRepository extractionEventIds(NamedParameterJdbcTemplate jdbc, ExtractionSettings settings) {
        return new ClaimingIdempotentRepository(jdbc, "event", 0, settings.idempotency().claimLeaseSeconds());
    }

    /** contentIds delivered within the window: a second event for the same content is skipped. */
    @Bean
    ClaimingIdempotentRepository extractionContentWindow(NamedParameterJdbcTemplate jdbc, ExtractionSettings settings) {
        return new ClaimingIdempotentRepository(jdbc, "content", settings.idempotency().contentWindowSeconds(),
                settings.idempotency().claimLeaseSeconds());
    }
}
