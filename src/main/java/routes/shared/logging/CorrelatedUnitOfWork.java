package routes.shared.logging;

import java.util.Objects;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;
import org.apache.camel.impl.engine.MDCUnitOfWork;
import org.apache.camel.spi.InflightRepository;
import org.apache.camel.spi.UnitOfWork;
import org.slf4j.MDC;
import routes.shared.CorrelationId;

/**
 * Camel's MDC logging (the {@code camel.*} keys) plus the hub's {@code correlationId}, taken from the exchange
 * property that {@link CorrelationId} sets, at a fraction of Camel's per-step cost.
 * <p>
 * Camel's {@code MDCUnitOfWork} puts its keys before every processor and removes them after it: ~20 MDC operations
 * (each a thread-local lookup) per step of every exchange, and with {@code camel.main.mdc-logging-keys-pattern} two
 * copies of the whole MDC on top, the only way it carries a custom key to another thread. Here, before a processor,
 * the keys are put only when the thread's MDC does not already hold this exchange and message (another exchange ran
 * on the thread meanwhile, or the exchange moved threads), and again when a processor completes on another thread
 * (a confirm, an HTTP answer). They stay on the thread between steps; when the exchange is done they are restored to
 * what the thread had before, so a pooled thread never logs a stale id. Route changes ({@code direct:}) update
 * {@code camel.routeId} as in Camel.
 */
final class CorrelatedUnitOfWork extends MDCUnitOfWork {

    private static final String EXCHANGE_ID = "camel.exchangeId";
    private static final String MESSAGE_ID = "camel.messageId";
    private static final String STEP_ID = "camel.stepId";

    private final InflightRepository inflightRepository;
    private final boolean allowUseOriginalMessage;
    private final boolean useBreadcrumb;
    private final String threadCorrelationId;

    private CorrelatedUnitOfWork(Exchange exchange, InflightRepository inflightRepository,
                                 boolean allowUseOriginalMessage, boolean useBreadcrumb, String threadCorrelationId) {
        // no keys pattern: Camel's pattern handling (copying the MDC before every step, clearing all of it at the end
        // with "*") is what this class replaces
        super(exchange, inflightRepository, null, allowUseOriginalMessage, useBreadcrumb);
        this.inflightRepository = inflightRepository;
        this.allowUseOriginalMessage = allowUseOriginalMessage;
        this.useBreadcrumb = useBreadcrumb;
        this.threadCorrelationId = threadCorrelationId;
    }

    static CorrelatedUnitOfWork of(Exchange exchange, InflightRepository inflightRepository,
                                   boolean allowUseOriginalMessage, boolean useBreadcrumb) {
        // read before Camel puts this exchange's keys: what clear() gives the thread back
        String threadCorrelationId = MDC.get(CorrelationId.MDC_KEY);
        return new CorrelatedUnitOfWork(exchange, inflightRepository, allowUseOriginalMessage, useBreadcrumb,
                threadCorrelationId);
    }

    @Override
    public UnitOfWork newInstance(Exchange exchange) {
        return of(exchange, inflightRepository, allowUseOriginalMessage, useBreadcrumb);
    }

    @Override
    public AsyncCallback beforeProcess(Processor processor, Exchange exchange, AsyncCallback callback) {
        if (!holdsKeysOf(exchange)) {
            prepareMDC(exchange);
        }
        return doneSync -> {
            if (!doneSync) {
                // completed on another thread: that thread's MDC holds nothing of this exchange yet
                prepareMDC(exchange);
            }
            callback.done(doneSync);
        };
    }

    @Override
    protected void prepareMDC(Exchange exchange) {
        super.prepareMDC(exchange);
        putCorrelationId(exchange);
        String stepId = exchange.getProperty(ExchangePropertyKey.STEP_ID, String.class);
        if (stepId != null) {
            MDC.put(STEP_ID, stepId);
        } else {
            MDC.remove(STEP_ID);
        }
    }

    private static boolean holdsKeysOf(Exchange exchange) {
        return exchange.getExchangeId().equals(MDC.get(EXCHANGE_ID))
                && exchange.getMessage().getMessageId().equals(MDC.get(MESSAGE_ID))
                && Objects.equals(exchange.getProperty(ExchangePropertyKey.STEP_ID, String.class), MDC.get(STEP_ID));
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
