package routes.shared.access;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.data.redis.core.StringRedisTemplate;

import routes.extraction.CallerRateLimiter;
import routes.shared.ProblemAnswer;

/**
 * The public port's access filters, after the body-size limit ({@code Ordered.HIGHEST_PRECEDENCE}) and the live
 * events' CORS filter ({@code +100}, which answers preflights), ahead of Spring Security ({@code -100}), Camel and MVC.
 * They run once per request: platform-http's and the SSE controller's asynchronous re-dispatches are not checked again.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AccessSettings.class)
public class AccessConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(AccessConfiguration.class);
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 200;

    @Bean
    FilterRegistrationBean<PublicCallbackRateLimit> publicCallbackRateLimit(AccessSettings settings,
            StringRedisTemplate redis, ProblemAnswer problems) {
        AccessSettings.RateLimit limit = settings.publicCallbackRateLimit();
        CallerRateLimiter limiter = new CallerRateLimiter(redis, limit.keyPrefix(), limit.perSecond(), limit.burst());
        FilterRegistrationBean<PublicCallbackRateLimit> registration = new FilterRegistrationBean<>(
                new PublicCallbackRateLimit(limiter::tryAcquire, problems));
        registration.setName("publicCallbackRateLimit");
        registration.addUrlPatterns("/internal/transcripts/*", "/api/v2/events/internal/*");
        registration.setAsyncSupported(true);
        registration.setOrder(ORDER);
        return registration;
    }

    @Bean
    FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(AccessSettings settings, ProblemAnswer problems) {
        AcceptedSecrets keys = AcceptedSecrets.parse(settings.apiKeys());
        if (!keys.configured()) {
            LOG.warn("EVENT_API_KEYS is not set: /api/ml/events/ingest and /api/ml/bridge/python are open to every caller");
        }
        FilterRegistrationBean<ApiKeyFilter> registration = new FilterRegistrationBean<>(
                new ApiKeyFilter(keys, problems));
        registration.setName("apiKeyFilter");
        registration.addUrlPatterns("/api/ml/*");
        registration.setAsyncSupported(true);
        registration.setOrder(ORDER + 10);
        return registration;
    }

    @Bean
    FilterRegistrationBean<StreamTokenFilter> streamTokenFilter(AccessSettings settings, ProblemAnswer problems) {
        AcceptedSecrets tokens = AcceptedSecrets.parse(settings.streamTokens());
        if (!tokens.configured()) {
            LOG.warn("EVENT_STREAM_TOKENS is not set: /api/v2/events/stream is open to every caller");
        }
        FilterRegistrationBean<StreamTokenFilter> registration = new FilterRegistrationBean<>(
                new StreamTokenFilter(tokens, problems));
        registration.setName("streamTokenFilter");
        registration.addUrlPatterns("/api/v2/events/stream", "/api/v2/events/stream/*");
        registration.setAsyncSupported(true);
        registration.setOrder(ORDER + 10);
        return registration;
    }
}
