package routes.shared;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * One attempt per HTTP call: Apache HttpClient would otherwise re-send a request answered 503 or 429 by itself, so a
 * route's own retry policy (transcript-api: {@code httpClientConfigurer=#transcriptApiHttpClient}) or circuit breaker and
 * parking queue (Python event API: {@code #pythonHttpClient}) is the only retry, and a health check reports what it saw.
 */
public final class SingleAttemptHttpClient implements HttpClientConfigurer {

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.disableAutomaticRetries();
    }
}
