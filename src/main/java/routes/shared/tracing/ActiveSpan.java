package routes.shared.tracing;

import java.util.Optional;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * The span camel-opentelemetry2 made current for the step running on this thread. With tracing off there is none:
 * {@link #traceparent()} is empty and {@link #tag} does nothing.
 */
public final class ActiveSpan {

    private ActiveSpan() {
    }

    /** The current span as a W3C traceparent ({@code 00-<trace>-<span>-<flags>}), if a span is open. */
    public static Optional<String> traceparent() {
        SpanContext context = Span.current().getSpanContext();
        if (!context.isValid()) {
            return Optional.empty();
        }
        return Optional.of("00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex());
    }

    /** {@link #traceparent()} or null: for a route step that keeps it in an exchange property. */
    public static String traceparentOrNull() {
        return traceparent().orElse(null);
    }

    /** Puts an attribute on the current span (no-op without one or for a null value). */
    public static void tag(String key, String value) {
        Span span = Span.current();
        if (value != null && span.getSpanContext().isValid()) {
            span.setAttribute(key, value);
        }
    }
}
