package routes.shared.logging;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.impl.engine.MDCUnitOfWork;
import org.apache.camel.spi.InflightRepository;
import org.apache.camel.spi.UnitOfWork;
import org.slf4j.MDC;
import routes.shared.CorrelationId;

/**
 * Camel's MDC logging (the {@code camel.*} keys) plus the hub's {@code correlationId}, taken from the exchange
 * property that {@link CorrelationId} sets, so it follows the exchange onto any thread without copying the MDC.
 * <p>
 * Camel carries custom MDC keys across threads only through {@code camel.main.mdc-logging-keys-pattern}, and that
 * copies the whole MDC map twice before every processor of every exchange (about 6 % of an extraction callback's
 * CPU). Here the key is put back from the exchange whenever Camel puts its own keys: before each processor and when
 * a processor completes on another thread; it is restored to what the thread had before when Camel clears its keys,
 * so a pooled thread never logs a stale id.
 */
final class CorrelatedUnitOfWork extends MDCUnitOfWork {

    private final InflightRepository inflightRepository;
    private final boolean allowUseOriginalMessage;
    private final boolean useBreadcrumb;
    private final String keysPattern;
    private final String threadCorrelationId;

    private CorrelatedUnitOfWork(Exchange exchange, InflightRepository inflightRepository, String keysPattern,
                                 boolean allowUseOriginalMessage, boolean useBreadcrumb, String threadCorrelationId) {
        super(exchange, inflightRepository, keysPattern, allowUseOriginalMessage, useBreadcrumb);
        this.inflightRepository = inflightRepository;
        this.allowUseOriginalMessage = allowUseOriginalMessage;
        this.useBreadcrumb = useBreadcrumb;
        this.keysPattern = keysPattern;
        this.threadCorrelationId = threadCorrelationId;
    }

    static CorrelatedUnitOfWork of(Exchange exchange, InflightRepository inflightRepository, String keysPattern,
                                   boolean allowUseOriginalMessage, boolean useBreadcrumb) {
        // read before Camel puts this exchange's keys: what clear() gives the thread back
        String threadCorrelationId = MDC.get(CorrelationId.MDC_KEY);
        return new CorrelatedUnitOfWork(exchange, inflightRepository, keysPattern, allowUseOriginalMessage,
                useBreadcrumb, threadCorrelationId);
    }

    @Override
    public UnitOfWork newInstance(Exchange exchange) {
        return of(exchange, inflightRepository, keysPattern, allowUseOriginalMessage, useBreadcrumb);
    }

    @Override
    protected void prepareMDC(Exchange exchange) {
        super.prepareMDC(exchange);
        putCorrelationId(exchange);
    }

    @Override
    public AsyncCallback beforeProcess(Processor processor, Exchange exchange, AsyncCallback callback) {
        AsyncCallback camelKeys = super.beforeProcess(processor, exchange, callback);
        return doneSync -> {
            if (!doneSync) {
                // completing on another thread (a confirm, an HTTP answer): Camel's callback puts its keys there
                putCorrelationId(exchange);
            }
            camelKeys.done(doneSync);
        };
    }

    @Override
    public void clear() {
        super.clear();
        if (threadCorrelationId != null) {
            MDC.put(CorrelationId.MDC_KEY, threadCorrelationId);
        } else {
            MDC.remove(CorrelationId.MDC_KEY);
        }
    }

    private static void putCorrelationId(Exchange exchange) {
        String id = exchange.getProperty(CorrelationId.PROPERTY, String.class);
        if (id != null) {
            MDC.put(CorrelationId.MDC_KEY, id);
        }
    }
}
