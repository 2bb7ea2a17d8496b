package routes.shared.logging;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.engine.DefaultUnitOfWork;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.spi.UnitOfWorkFactory;

/**
 * Camel's unit-of-work factory for the hub (picked up from the Spring context by Camel's configurer): with
 * {@code camel.main.use-mdc-logging} on, every exchange logs with Camel's MDC keys and the hub's
 * {@code correlationId} ({@link CorrelatedUnitOfWork}); off, Camel's plain unit of work.
 * {@code camel.main.mdc-logging-keys-pattern} is not used: a key of the hub's own goes on the exchange as a property
 * and into {@link CorrelatedUnitOfWork#prepareMDC}, as {@code correlationId} does.
 */
public final class CorrelatedUnitOfWorkFactory implements UnitOfWorkFactory {

    @Override
    public UnitOfWork createUnitOfWork(Exchange exchange) {
        CamelContext context = exchange.getContext();
        boolean allowUseOriginalMessage = Boolean.TRUE.equals(context.isAllowUseOriginalMessage());
        boolean useBreadcrumb = Boolean.TRUE.equals(context.isUseBreadcrumb());
        if (Boolean.TRUE.equals(context.isUseMDCLogging())) {
            return CorrelatedUnitOfWork.of(exchange, context.getInflightRepository(), allowUseOriginalMessage,
                    useBreadcrumb);
        }
        return new DefaultUnitOfWork(exchange, context.getInflightRepository(), allowUseOriginalMessage, useBreadcrumb);
    }
}
