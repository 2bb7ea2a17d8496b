package routes.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class CorrelationIdTest {

    private final DefaultCamelContext context = new DefaultCamelContext();
    private final CorrelationId correlationId = new CorrelationId();

    @AfterEach
    void clear() throws Exception {
        MDC.clear();
        context.close();
    }

    @Test
    void aFlowsOwnIdWinsOverHeaders() {
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(CorrelationId.PROPERTY, "flow-id");
        exchange.getMessage().setHeader("X-Correlation-Id", "header-id");
        correlationId.process(exchange);
        assertThat(exchange.getProperty(CorrelationId.PROPERTY)).isEqualTo("flow-id");
        assertThat(MDC.get(CorrelationId.MDC_KEY)).isEqualTo("flow-id");
    }

    @Test
    void thenXCorrelationIdThenTheTraceparentTraceId() {
        Exchange withHeader = new DefaultExchange(context);
        withHeader.getMessage().setHeader("X-Correlation-Id", "header-id");
        correlationId.process(withHeader);
        assertThat(withHeader.getProperty(CorrelationId.PROPERTY)).isEqualTo("header-id");

        Exchange withTrace = new DefaultExchange(context);
        withTrace.getMessage().setHeader("traceparent", "00-1e03f9b1b84f3d40b7087f2633fadd4a-38ac2fc84b035447-00");
        correlationId.process(withTrace);
        assertThat(withTrace.getProperty(CorrelationId.PROPERTY)).isEqualTo("1e03f9b1b84f3d40b7087f2633fadd4a");
        assertThat(withTrace.getMessage().getHeaders()).doesNotContainKey(CorrelationId.PROPERTY);
    }

    @Test
    void otherwiseTheExchangeId() {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setHeader("traceparent", "garbage");
        correlationId.process(exchange);
        assertThat(exchange.getProperty(CorrelationId.PROPERTY)).isEqualTo(exchange.getExchangeId());
    }
}
