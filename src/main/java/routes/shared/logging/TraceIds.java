package routes.shared.logging;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/** The trace and span id of the span current on the logging thread, or none when tracing is off or no span is open. */
record TraceIds(String traceId, String spanId) {

    static TraceIds current() {
        SpanContext context = Span.current().getSpanContext();
        return context.isValid() ? new TraceIds(context.getTraceId(), context.getSpanId()) : null;
    }
}
