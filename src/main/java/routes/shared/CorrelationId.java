package routes.shared;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.MDC;

/**
 * Gives every exchange a correlation id as it enters the hub and puts it in the logging MDC
 * ({@code correlationId}, carried across threads by {@code routes.shared.logging.CorrelatedUnitOfWork}).
 * Taken from the first of: exchange property {@code correlationId} (a flow sets it from its own envelope),
 * header {@code X-Correlation-Id}, {@code traceparent}'s trace id; else the exchange id. Kept as an exchange
 * property, not a header, so it never leaks onto outgoing messages by accident.
 */
public final class CorrelationId implements Processor {

    public static final String PROPERTY = "correlationId";
    public static final String MDC_KEY = "correlationId";

    @Override
    public void process(Exchange exchange) {
        String id = exchange.getProperty(PROPERTY, String.class);
        if (id == null || id.isBlank()) {
            id = exchange.getMessage().getHeader("X-Correlation-Id", String.class);
        }
        if (id == null || id.isBlank()) {
            id = traceId(exchange.getMessage().getHeader("traceparent", String.class));
        }
        if (id == null || id.isBlank()) {
            id = exchange.getExchangeId();
        }
        exchange.setProperty(PROPERTY, id);
        MDC.put(MDC_KEY, id);
    }

    private static String traceId(String traceparent) {
        if (traceparent == null) {
            return null;
        }
        String[] parts = traceparent.split("-");
        return parts.length == 4 && parts[1].length() == 32 ? parts[1] : null;
    }
}
