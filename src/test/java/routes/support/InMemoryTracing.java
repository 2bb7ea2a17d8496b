package routes.support;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * For the tracing ITs (with {@code camel.opentelemetry2.enabled=true}): finished spans are kept in memory instead of
 * going to OTLP. The tracing ITs import exactly this and set exactly that property, so they share one context.
 */
@TestConfiguration(proxyBeanMethods = false)
public class InMemoryTracing {

    @Bean
    @Primary
    InMemorySpanExporter inMemorySpanExporter() {
        return InMemorySpanExporter.create();
    }
}
