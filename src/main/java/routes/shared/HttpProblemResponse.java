package routes.shared;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Renders the exception caught by an HTTP route as the response: {@link HttpProblem} with its own
 * status, {@link InternalSecretGuard.UnauthorizedCaller} as a bare 401, anything else as a 500 that
 * names the exchange (for the logs) but not the exception.
 */
public final class HttpProblemResponse implements Processor {

    @Override
    public void process(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Map<String, Object> body = new LinkedHashMap<>();
        int status;
        if (caught instanceof HttpProblem problem) {
            status = problem.getStatus();
            body.put("error", problem.getCode());
            if (problem.getField() != null) {
                body.put("field", problem.getField());
            }
            body.put("message", problem.getMessage());
            if (problem.getRetryAfterSeconds() != null) {
                exchange.getMessage().setHeader("Retry-After", problem.getRetryAfterSeconds());
            }
            if (problem.getAllow() != null) {
                exchange.getMessage().setHeader("Allow", problem.getAllow());
            }
        } else if (caught instanceof InternalSecretGuard.UnauthorizedCaller) {
            status = 401;
            body.put("error", "unauthorized");
        } else {
            status = 500;
            body.put("error", "internal_error");
            body.put("message", "the hub could not process the request; reference " + exchange.getExchangeId());
        }
        exchange.getMessage().removeHeaders("*", "Retry-After", "Allow");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(body);
    }
}
