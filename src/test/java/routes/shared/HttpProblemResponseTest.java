package routes.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpProblemResponseTest {

    private final DefaultCamelContext context = new DefaultCamelContext();
    private final HttpProblemResponse response = new HttpProblemResponse();

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    private Exchange failedWith(Throwable caught) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setHeader("X-Internal-Secret", "must-not-echo");
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, caught);
        response.process(exchange);
        return exchange;
    }

    @Test
    void anHttpProblemKeepsItsStatusFieldAndRetryAfter() {
        Exchange exchange = failedWith(new HttpProblem(503, "broker_unavailable", null, "try again", 5));
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(503);
        assertThat(exchange.getMessage().getHeader("Retry-After")).isEqualTo(5);
        assertThat(exchange.getMessage().getHeader("X-Internal-Secret")).isNull();
        assertThat(exchange.getMessage().getBody(Map.class)).containsEntry("error", "broker_unavailable")
                .containsEntry("message", "try again").doesNotContainKey("field");

        Exchange badField = failedWith(HttpProblem.badRequest("contentId", "is required"));
        assertThat(badField.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        assertThat(badField.getMessage().getBody(Map.class)).containsEntry("field", "contentId");
        assertThat(badField.getMessage().getHeader("Allow")).isNull();
    }

    @Test
    void aWrongMethodIs405ListingTheAllowedOnes() {
        Exchange exchange = failedWith(HttpProblem.methodNotAllowed("GET", "POST"));
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(405);
        assertThat(exchange.getMessage().getHeader("Allow")).isEqualTo("POST");
        assertThat(exchange.getMessage().getBody(Map.class)).containsEntry("error", "method_not_allowed");
    }

    @Test
    void aRejectedSecretIsABare401() {
        Exchange exchange = failedWith(new InternalSecretGuard.UnauthorizedCaller());
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(401);
        assertThat(exchange.getMessage().getBody(Map.class)).containsOnly(Map.entry("error", "unauthorized"));
    }

    @Test
    void anythingElseIsA500NamingTheExchangeButNotTheException() {
        Exchange exchange = failedWith(new IllegalStateException("db password is hunter2"));
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(500);
        assertThat(exchange.getMessage().getBody(Map.class).toString()).contains(exchange.getExchangeId())
                .doesNotContain("hunter2");
    }
}
