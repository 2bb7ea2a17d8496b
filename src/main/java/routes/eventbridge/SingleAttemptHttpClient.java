package routes.eventbridge;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * For the calls to the Python event API ({@code httpClientConfigurer=#pythonHttpClient}): one attempt per call.
 * Apache HttpClient would otherwise repeat a GET answered 503 or 429 after a second by itself; the health check
 * must report what it saw, and retrying is the circuit breaker's and the parking queue's job.
 */
public final class SingleAttemptHttpClient implements HttpClientConfigurer {

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.disableAutomaticRetries();
    }
}
