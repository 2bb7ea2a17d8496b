package routes.shared.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.api.common.AttributeKey;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tracing for every flow: when {@code camel.opentelemetry2.enabled} ({@code TRACING_ENABLED}, off by default) is true,
 * camel-opentelemetry2 opens a span per route and endpoint and this configuration gives it an OpenTelemetry SDK that
 * exports over OTLP/HTTP to {@code OTEL_EXPORTER_OTLP_ENDPOINT}. Context comes in and goes out as W3C
 * {@code traceparent} (RabbitMQ/Kafka/HTTP headers) and as MassTransit's {@code MT-Activity-Id}.
 * Off, none of these beans exist and Camel registers no tracer: the flows pay nothing.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "camel.opentelemetry2.enabled", havingValue = "true")
public class TracingConfiguration {

    @Bean
    SpanExporter otlpSpanExporter(@Value("${hub.tracing.otlp-endpoint}") String endpoint) {
        return OtlpHttpSpanExporter.builder().setEndpoint(endpoint.replaceAll("/+$", "") + "/v1/traces").build();
    }

    @Bean(destroyMethod = "close")
    OpenTelemetrySdk openTelemetry(SpanExporter exporter, @Value("${hub.name:integration-hub}") String serviceName) {
        SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(
                        io.opentelemetry.api.common.Attributes.of(AttributeKey.stringKey("service.name"), serviceName))))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build();
        return OpenTelemetrySdk.builder().setTracerProvider(tracerProvider).setPropagators(propagators()).build();
    }

    /** Found by type by camel-opentelemetry2 (it falls back to GlobalOpenTelemetry, which stays unset). */
    @Bean
    Tracer camelTracer(OpenTelemetry openTelemetry) {
        return openTelemetry.getTracer("camel");
    }

    @Bean
    ContextPropagators contextPropagators(OpenTelemetry openTelemetry) {
        return openTelemetry.getPropagators();
    }

    private static ContextPropagators propagators() {
        // composite extract applies in order: the standard traceparent, when present, overrides MT-Activity-Id
        return ContextPropagators.create(TextMapPropagator.composite(
                new MassTransitActivityPropagator(), W3CTraceContextPropagator.getInstance()));
    }
}
