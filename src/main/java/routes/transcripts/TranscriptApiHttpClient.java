package routes.transcripts;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * The HTTP client of the transcript-api endpoint ({@code httpClientConfigurer=#transcriptApiHttpClient}): Apache
 * HttpClient's own retries (it re-sends on 429/503 by itself) are off, so the route's retry policy is the only one.
 */
public final class TranscriptApiHttpClient implements HttpClientConfigurer {

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.disableAutomaticRetries();
    }
}
