package routes.transcripts;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Moves a delivery to {@code transcript-consumer_error} or {@code _skipped} the way MassTransit does (bean
 * {@code transcriptDeadLetters}): the body unchanged, the original AMQP properties and headers kept, and the reason
 * added as AMQP headers: {@code MT-Reason: dead-letter} for _skipped; {@code MT-Reason: fault} plus the
 * {@code MT-Fault-*} and {@code MT-Host-*} headers for _error.
 */
public final class DeadLetters {

    /** Properties of the received delivery that describe that delivery only and must not be re-sent. */
    private static final Set<String> DELIVERY_ONLY = Set.of(
            "CamelSpringRabbitmqRedelivered", "CamelSpringRabbitmqDeliveryTag", "CamelSpringRabbitmqExchangeName",
            "CamelSpringRabbitmqRoutingKey", "CamelSpringRabbitmqContentLength", "CamelSpringRabbitmqUserId",
            "CamelSpringRabbitmqExpiration", "CamelSpringRabbitmqExchangeOverrideName",
            "CamelSpringRabbitmqRoutingOverrideKey",
            // the quorum queue's count of this delivery: a re-driven copy starts again from its first delivery
            "x-delivery-count");

    private final TranscriptsSettings settings;
    private final MassTransitHost host;
    private final String inputAddress;

    public DeadLetters(TranscriptsSettings settings, MassTransitHost host, String inputAddress) {
        this.settings = settings;
        this.host = host;
        this.inputAddress = inputAddress;
    }

    /** In an onException block: the caught exception (and the retries spent on it) becomes the fault to report. */
    public void caught(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Integer retries = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        exchange.setProperty(FaultInfo.PROPERTY, error != null ? FaultInfo.of(error, retries == null ? 0 : retries)
                : new FaultInfo("java.lang.IllegalStateException", "unknown failure", null, 0));
    }

    /** A delivery the queue handed out more often than the delivery limit: the fault to report, no retries. */
    public void deliveryLimit(Exchange exchange) {
        Object count = exchange.getMessage().getHeader("x-delivery-count");
        exchange.setProperty(FaultInfo.PROPERTY, new FaultInfo("routes.transcripts.DeliveryLimitExceeded",
                "delivered " + (count == null ? "too many" : count + " more") + " times without being completed: moved to _error",
                null, 0));
    }

    /** The failed request's stored outcome becomes the fault to report. */
    public void outcomeFault(Exchange exchange) {
        exchange.setProperty(FaultInfo.PROPERTY, FaultInfo.of(exchange.getProperty(TranscriptsInbound.OUTCOME, TranscriptOutcome.class)));
    }

    /** The original delivery with {@code MT-Reason: fault} and the fault headers, ready for the _error exchange. */
    public void error(Exchange exchange) {
        FaultInfo fault = exchange.getProperty(FaultInfo.PROPERTY, FaultInfo.class);
        Message message = original(exchange);
        message.setHeader("MT-Reason", "fault");
        message.setHeader("MT-Fault-ExceptionType", fault.exceptionType());
        message.setHeader("MT-Fault-Message", fault.message());
        if (fault.stackTrace() != null) {
            message.setHeader("MT-Fault-StackTrace", fault.stackTrace());
        }
        message.setHeader("MT-Fault-Timestamp", Instant.now().toString());
        message.setHeader("MT-Fault-InputAddress", inputAddress);
        message.setHeader("MT-Fault-ConsumerType", "integration-hub:transcriptsConsume");
        if (Boolean.TRUE.equals(exchange.getProperty(TranscriptsInbound.MATCHED, Boolean.class))) {
            message.setHeader("MT-Fault-MessageType", settings.urn(TranscriptsSettings.REQUESTED_TYPE));
        }
        if (fault.retryCount() > 0) {
            message.setHeader("MT-Fault-RetryCount", fault.retryCount());
        }
        host.asFaultHeaders().forEach(message::setHeader);
    }

    /** The original delivery with {@code MT-Reason: dead-letter}, ready for the _skipped exchange. */
    public void skipped(Exchange exchange) {
        original(exchange).setHeader("MT-Reason", "dead-letter");
    }

    /** The delivery as it was received (body, AMQP properties and headers), without what described that delivery only. */
    static Message restore(Exchange exchange) {
        return original(exchange);
    }

    private static Message original(Exchange exchange) {
        OriginalDelivery original = exchange.getProperty(TranscriptsInbound.ORIGINAL, OriginalDelivery.class);
        Message message = exchange.getMessage();
        if (original == null) {
            // failed before the delivery was kept: what the message holds is still the delivery as received
            DELIVERY_ONLY.forEach(message::removeHeader);
            return message;
        }
        // Camel counts the retries of a failed step in the message's CamelRedelivery* headers: they stay, or a step
        // retried after this restore would count from 1 again, and never stop (Camel headers are never sent)
        message.removeHeaders("*", "CamelRedeliver*");
        message.setBody(original.body());
        for (Map.Entry<String, Object> header : original.headers().entrySet()) {
            if (header.getValue() != null && !DELIVERY_ONLY.contains(header.getKey())) {
                message.setHeader(header.getKey(), header.getValue());
            }
        }
        return message;
    }
}
