package routes.shared.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.UnitOfWorkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import routes.shared.CorrelationId;

/**
 * The correlation id is on every step's MDC, on the caller's thread and after a hop onto a pool thread, and it is
 * gone from both threads once the exchange is done (no stale id on the next log line of a pooled thread).
 */
class CorrelatedUnitOfWorkTest {

    private final DefaultCamelContext context = new DefaultCamelContext();
    private final ExecutorService pool = Executors.newSingleThreadExecutor();
    private final List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
    private ProducerTemplate template;

    @BeforeEach
    void start() throws Exception {
        context.setUseMDCLogging(true);
        context.getCamelContextExtension().addContextPlugin(UnitOfWorkFactory.class, new CorrelatedUnitOfWorkFactory());
        context.getRegistry().bind("correlationId", new CorrelationId());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").routeId("correlated")
                        .process("correlationId")
                        .process(exchange -> record("caller"))
                        .threads().executorService(pool)
                        .process(exchange -> record("pool"));
                from("direct:outer").routeId("outer")
                        .process("correlationId")
                        .process(exchange -> record("outer-before"))
                        .to("direct:inner")
                        .process(exchange -> record("outer-after"));
                from("direct:inner").routeId("inner")
                        .process(exchange -> record("inner"));
            }
        });
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stop() throws Exception {
        MDC.clear();
        context.close();
        pool.shutdownNow();
    }

    @Test
    void everyStepLogsTheExchangesCorrelationIdOnEitherThread() {
        template.sendBodyAndHeader("direct:in", "one", "X-Correlation-Id", "corr-1");
        template.sendBodyAndHeader("direct:in", "two", "X-Correlation-Id", "corr-2");

        assertThat(seen).extracting(step -> step.get("step") + ":" + step.get(CorrelationId.MDC_KEY))
                .containsExactly("caller:corr-1", "pool:corr-1", "caller:corr-2", "pool:corr-2");
        assertThat(seen).allSatisfy(step -> {
            assertThat(step.get("camel.routeId")).isEqualTo("correlated");
            assertThat(step.get("camel.exchangeId")).isNotBlank();
        });
    }

    @Test
    void theRouteIdFollowsTheExchangeIntoAnotherRouteAndBack() {
        template.sendBodyAndHeader("direct:outer", "one", "X-Correlation-Id", "corr-1");

        assertThat(seen).extracting(step -> step.get("step") + ":" + step.get("camel.routeId") + ":"
                        + step.get(CorrelationId.MDC_KEY))
                .containsExactly("outer-before:outer:corr-1", "inner:inner:corr-1", "outer-after:outer:corr-1");
    }

    @Test
    void noThreadKeepsTheIdOnceTheExchangeIsDone() throws Exception {
        template.sendBodyAndHeader("direct:in", "one", "X-Correlation-Id", "corr-1");

        assertThat(MDC.get(CorrelationId.MDC_KEY)).isNull();
        assertThat(pool.submit(() -> MDC.get(CorrelationId.MDC_KEY)).get(5, TimeUnit.SECONDS)).isNull();
        assertThat(pool.submit(() -> MDC.get("camel.exchangeId")).get(5, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void aThreadsOwnIdIsGivenBackAfterAnExchangeRanOnIt() {
        MDC.put(CorrelationId.MDC_KEY, "callers-own");

        template.sendBodyAndHeader("direct:in", "one", "X-Correlation-Id", "corr-1");

        assertThat(seen.get(0).get(CorrelationId.MDC_KEY)).isEqualTo("corr-1");
        assertThat(MDC.get(CorrelationId.MDC_KEY)).isEqualTo("callers-own");
    }

    private void record(String step) {
        Map<String, String> mdc = new java.util.HashMap<>(MDC.getCopyOfContextMap());
        mdc.put("step", step);
        seen.add(mdc);
    }
}
