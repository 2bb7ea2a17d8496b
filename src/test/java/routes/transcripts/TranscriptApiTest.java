package routes.transcripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import routes.shared.RetryAfter;

class TranscriptApiTest {

    @Test
    void readsRetryAfterSeconds() {
        assertThat(RetryAfter.millis("3", java.time.Instant.now())).isEqualTo(3000L);
        assertThat(RetryAfter.millis(" 0 ", java.time.Instant.now())).isZero();
        assertThat(RetryAfter.millis("-5", java.time.Instant.now())).isZero();
    }

    @Test
    void readsRetryAfterHttpDate() {
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10));
        assertThat(RetryAfter.millis(inTenSeconds, java.time.Instant.now())).isBetween(8000L, 10000L);
    }

    @Test
    void ignoresWhatIsNotARetryAfter() {
        assertThat(RetryAfter.millis(null, java.time.Instant.now())).isNull();
        assertThat(RetryAfter.millis("soon", java.time.Instant.now())).isNull();
    }

    @Test
    void retryAfterBecomesTheRedeliveryDelay_cappedAndClearedWhenAbsent() {
        RetryAfterDelay delay = new RetryAfterDelay(5000);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure(Map.of("retry-after", "2")));
        delay.process(exchange);
        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).isEqualTo(2000L);

        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure(Map.of("Retry-After", "120")));
        delay.process(exchange);
        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).isEqualTo(5000L);

        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure(Map.of()));
        delay.process(exchange);
        assertThat(exchange.getMessage().getHeader(Exchange.REDELIVERY_DELAY)).as("backoff applies").isNull();
    }

    @Test
    void classifiesFailures() {
        TranscriptApi api = new TranscriptApi(new routes.shared.JsonLimits(64, 1_048_576, 100));
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        for (int status : new int[] {408, 429, 500, 502, 503, 504}) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure(status));
            assertThat(api.retriable(exchange)).as(String.valueOf(status)).isTrue();
        }
        for (int status : new int[] {400, 401, 403, 404, 409, 422}) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure(status));
            assertThat(api.retriable(exchange)).as(String.valueOf(status)).isFalse();
        }
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new java.net.SocketTimeoutException("Read timed out"));
        assertThat(api.retriable(exchange)).isTrue();
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("bug"));
        assertThat(api.retriable(exchange)).isFalse();
    }

    private static HttpOperationFailedException failure(Map<String, String> headers) {
        return new HttpOperationFailedException("http://api/x", 429, "Too Many Requests", null, headers, "");
    }

    private static HttpOperationFailedException failure(int status) {
        return new HttpOperationFailedException("http://api/x", status, "status", null, Map.of(), "");
    }
}
