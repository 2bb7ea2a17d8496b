package routes.shared.tracing;

import java.util.Collection;
import java.util.List;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * MassTransit's trace context: with tracing on, MassTransit writes the W3C traceparent ({@code 00-<trace>-<span>-<flags>})
 * into the {@code MT-Activity-Id} header. On extract this reads {@code MT-Activity-Id} as a traceparent (a standard
 * {@code traceparent} header, when also present, wins: it is composed after this one); on inject it writes the current
 * span's traceparent into {@code MT-Activity-Id} as well, so a MassTransit consumer continues the trace.
 */
public final class MassTransitActivityPropagator implements TextMapPropagator {

    public static final String ACTIVITY_HEADER = "MT-Activity-Id";
    private static final String TRACEPARENT = "traceparent";
    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();

    @Override
    public Collection<String> fields() {
        return List.of(ACTIVITY_HEADER);
    }

    @Override
    public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
        W3C.inject(context, carrier, (c, key, value) -> {
            if (TRACEPARENT.equals(key)) {
                setter.set(c, ACTIVITY_HEADER, value);
            }
        });
    }

    @Override
    public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
        String activity = getter.get(carrier, ACTIVITY_HEADER);
        if (activity == null || activity.isBlank()) {
            return context;
        }
        return W3C.extract(context, activity.trim(), new TextMapGetter<String>() {
            @Override
            public Iterable<String> keys(String value) {
                return List.of(TRACEPARENT);
            }

            @Override
            public String get(String value, String key) {
                return TRACEPARENT.equals(key) ? value : null;
            }
        });
    }
}
