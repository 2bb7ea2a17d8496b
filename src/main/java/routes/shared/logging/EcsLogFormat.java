package routes.shared.logging;

import java.nio.charset.Charset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.logging.StackTracePrinter;
import org.springframework.boot.logging.structured.ContextPairs;
import org.springframework.boot.logging.structured.ElasticCommonSchemaProperties;
import org.springframework.boot.logging.structured.JsonWriterStructuredLogFormatter;
import org.springframework.boot.logging.structured.StructuredLoggingJsonMembersCustomizer;
import org.springframework.core.env.Environment;

/**
 * The hub's console log line: Elastic Common Schema JSON, field for field what Spring Boot's built-in {@code ecs}
 * format writes ({@code @timestamp}, {@code log.level}/{@code logger}, {@code process.pid}/{@code thread.name},
 * {@code service.*}, {@code message}, the MDC and the event's key-value pairs nested at dotted names,
 * {@code error.type}/{@code message}/{@code stack_trace}, {@code tags} from markers, {@code ecs.version}), and it honours
 * the same {@code logging.structured.json.*} customisations. Selected by
 * {@code logging.structured.format.console: routes.shared.logging.EcsLogFormat}.
 * <p>
 * Why not the built-in one: Spring Boot 3.5 turns a line into bytes through an {@code OutputStreamWriter}, one
 * synchronized encoder call per character (spring-boot issue 49428). At one audit line per extraction callback that
 * was ~12 % of a callback's CPU. This class writes the line into a {@code String} and encodes it once.
 * {@code EcsLogFormatTest} holds the two formats to the same output.
 */
public final class EcsLogFormat extends JsonWriterStructuredLogFormatter<ILoggingEvent> {

    private static final JsonWriter.PairExtractor<KeyValuePair> KEY_VALUE_PAIRS =
            JsonWriter.PairExtractor.of(pair -> pair.key, pair -> pair.value);

    public EcsLogFormat(Environment environment, StackTracePrinter stackTracePrinter, ContextPairs contextPairs,
                        ThrowableProxyConverter throwableProxyConverter,
                        StructuredLoggingJsonMembersCustomizer.Builder<?> customizerBuilder) {
        super(members -> members(environment, new StackTrace(stackTracePrinter, throwableProxyConverter), contextPairs,
                members), customizerBuilder.nested().build());
    }

    @Override
    public byte[] formatAsBytes(ILoggingEvent event, Charset charset) {
        return format(event).getBytes(charset);
    }

    private static void members(Environment environment, StackTrace stackTrace, ContextPairs contextPairs,
                                JsonWriter.Members<ILoggingEvent> members) {
        members.add("@timestamp", ILoggingEvent::getInstant);
        members.add("log").usingMembers(log -> {
            log.add("level", ILoggingEvent::getLevel);
            log.add("logger", ILoggingEvent::getLoggerName);
        });
        members.add("process").usingMembers(process -> {
            process.add("pid", environment.getProperty("spring.application.pid", Long.class))
                    .when(java.util.Objects::nonNull);
            process.add("thread").usingMembers(thread -> thread.add("name", ILoggingEvent::getThreadName));
        });
        ElasticCommonSchemaProperties.get(environment).jsonMembers(members);
        members.add("message", ILoggingEvent::getFormattedMessage);
        members.add().usingPairs(contextPairs.nested(pairs -> {
            pairs.addMapEntries(ILoggingEvent::getMDCPropertyMap);
            pairs.add(ILoggingEvent::getKeyValuePairs, KEY_VALUE_PAIRS);
        }));
        // the current span's ids when tracing is on (ECS trace.id / span.id); nothing without a span
        members.add("trace").whenNotNull(event -> TraceIds.current()).usingMembers(trace ->
                trace.add("id", event -> TraceIds.current().traceId()));
        members.add("span").whenNotNull(event -> TraceIds.current()).usingMembers(span ->
                span.add("id", event -> TraceIds.current().spanId()));
        members.add().whenNotNull(ILoggingEvent::getThrowableProxy).usingMembers(throwable ->
                throwable.add("error").usingMembers(error -> {
                    error.add("type", ILoggingEvent::getThrowableProxy).as(IThrowableProxy::getClassName);
                    error.add("message", ILoggingEvent::getThrowableProxy).as(IThrowableProxy::getMessage);
                    error.add("stack_trace", stackTrace::of);
                }));
        members.add("tags", ILoggingEvent::getMarkerList).whenNotNull().as(EcsLogFormat::markerNames).whenNotEmpty();
        members.add("ecs").usingMembers(ecs -> ecs.add("version", "8.11"));
    }

    private static Set<String> markerNames(List<Marker> markers) {
        Set<String> names = new TreeSet<>();
        markers.forEach(marker -> addMarkerNames(names, marker));
        return names;
    }

    private static void addMarkerNames(Set<String> names, Marker marker) {
        names.add(marker.getName());
        if (marker.hasReferences()) {
            marker.iterator().forEachRemaining(reference -> addMarkerNames(names, reference));
        }
    }

    /** The stack trace as Spring Boot prints it: its configured printer if any, else logback's converter. */
    private record StackTrace(StackTracePrinter printer, ThrowableProxyConverter converter) {

        String of(ILoggingEvent event) {
            if (printer != null && event.getThrowableProxy() instanceof ThrowableProxy proxy) {
                return printer.printStackTraceToString(proxy.getThrowable());
            }
            return converter.convert(event);
        }
    }
}
