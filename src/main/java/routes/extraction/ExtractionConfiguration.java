package routes.extraction;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import com.fasterxml.jackson.databind.ObjectMapper;

import routes.shared.RegisteredExecutor;

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

    /**
     * The threads that publish a callback's event and wait for the broker's confirm under the circuit breaker's
     * timeout ({@code timeoutExecutorService: extractionPublishExecutor} in the YAML). Without it resilience4j starts
     * a new thread per call on a 2-core machine (the common pool is too small). Bounded: {@code publish-threads} in
     * flight, four times as many queued, beyond that the call fails at once (503), so a broker that stops answering
     * cannot pile up work.
     */
    @Bean
    RegisteredExecutor extractionPublishPool(ExtractionSettings settings) {
        int threads = settings.callback().publishThreads();
        return new RegisteredExecutor("extractionPublishExecutor", new ThreadPoolExecutor(threads, threads, 60,
                TimeUnit.SECONDS, new ArrayBlockingQueue<>(threads * 4),
                RegisteredExecutor.daemonThreads("extraction-publish"), new ThreadPoolExecutor.AbortPolicy()));
    }

    @Bean
    ExtractionCallbacks extractionCallbacks(ObjectMapper json, ExtractionSettings settings) {
        return new ExtractionCallbacks(json, settings.callback());
    }

    @Bean
    CallerRateLimiter extractionRateLimiter(ExtractionSettings settings) {
        ExtractionSettings.Callback callback = settings.callback();
        return new CallerRateLimiter(callback.rateLimitPerSecond(), callback.rateLimitBurst(), callback.rateLimitMaxClients());
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

    @Bean
    FilterRegistrationBean<CallbackBodyLimit> extractionCallbackBodyLimit(ExtractionSettings settings) {
        FilterRegistrationBean<CallbackBodyLimit> registration =
                new FilterRegistrationBean<>(new CallbackBodyLimit(settings.callback().maxBodyBytes()));
        registration.addUrlPatterns("/extraction/internal/*");
        registration.setName("extractionCallbackBodyLimit");
        return registration;
    }
}
