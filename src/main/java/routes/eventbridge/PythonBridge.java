package routes.eventbridge;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;

import routes.shared.HttpProblem;
import routes.shared.LiveEvent;

/**
 * What the bridge knows about the Python event API, and the parking rule that keeps its events in order.
 * <ul>
 * <li>The last health check ({@code GET /health} every 30 s, route {@code eventBridgePythonHealthCheck}).</li>
 * <li>The circuit breaker's state, read from the {@code eventBridgePythonBreaker} step of the YAML route: a failed
 * health check opens it at once, a passed one half-opens it so the replay's calls probe the service.</li>
 * <li>The backlog: once a batch is parked in the durable parking queue, every later batch is parked behind it
 * (never sent past it) until the replay has emptied the queue. That is what keeps the Python service's view of
 * the events in their original order. With several instances the parking queue is what they share: an instance
 * without a backlog of its own still parks while the queue holds batches or has a replay consumer (another
 * instance's replay, whose batch in work may go back to the head), and counts a backlog drained only when the queue
 * is empty and no other instance's replay is attached.</li>
 * </ul>
 */
public final class PythonBridge {

    public static final String BREAKER_ID = "eventBridgePythonBreaker";
    public static final String REPLAY_ROUTE_ID = "eventBridgePythonReplay";
    public static final String HEALTH_STARTED = "pythonHealthStarted";
    private static final Logger LOG = LoggerFactory.getLogger(PythonBridge.class);

    private final CamelContext camel;
    private final AmqpAdmin amqp;
    private final boolean enabled;
    private final String url;
    private final String parkingQueue;
    private final String deadLetterQueue;

    private final Object lock = new Object();
    private boolean backlog;
    private int parking;

    private volatile HealthCheck lastCheck;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong parkFailures = new AtomicLong();

    /** One health check's outcome. */
    public record HealthCheck(boolean healthy, Instant at, long latencyMs, Integer httpStatus, String error) {
    }

    public PythonBridge(CamelContext camel, AmqpAdmin amqp, boolean enabled, String url, String parkingQueue,
                        String deadLetterQueue) {
        this.camel = camel;
        this.amqp = amqp;
        this.enabled = enabled;
        this.url = url;
        this.parkingQueue = parkingQueue;
        this.deadLetterQueue = deadLetterQueue;
    }

    /** For the actions that only talk to Python: a 503 when {@code ENABLE_PYTHON_BRIDGE=false}. */
    public void requireEnabled() {
        if (!enabled) {
            throw new HttpProblem(503, "python_bridge_disabled", null,
                    "the Python bridge is switched off (ENABLE_PYTHON_BRIDGE=false)", null);
        }
    }

    /** The live event published when Python refused a batch (4xx) and it was dead-lettered. */
    public LiveEvent refusedBatch(Exchange exchange) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("flow", "event-bridge");
        data.put("queue", deadLetterQueue);
        data.put("http_status", exchange.getProperty(FanOut.PYTHON_STATUS));
        return LiveEvent.error(null, "The Python event API refused a batch of events; it is in queue " + deadLetterQueue, data);
    }

    // ---- health check ------------------------------------------------------------------------------------

    public void beginHealthCheck(Exchange exchange) {
        exchange.setProperty(HEALTH_STARTED, System.nanoTime());
    }

    /** The service answered: healthy on a 2xx. */
    public void healthAnswered(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        boolean healthy = status != null && status >= 200 && status < 300;
        record(new HealthCheck(healthy, Instant.now(), elapsedMs(exchange), status, healthy ? null : "HTTP " + status));
    }

    /** The service did not answer (refused, timed out). */
    public void healthFailed(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String error = caught == null ? "unknown error" : caught.getClass().getSimpleName() + ": " + caught.getMessage();
        record(new HealthCheck(false, Instant.now(), elapsedMs(exchange), null, error));
    }

    private void record(HealthCheck check) {
        HealthCheck previous = lastCheck;
        lastCheck = check;
        if (previous == null || previous.healthy() != check.healthy()) {
            if (check.healthy()) {
                LOG.info("Python event API at {} is healthy ({} ms)", url, check.latencyMs());
            } else {
                LOG.warn("Python event API at {} is unhealthy: {}", url, check.error());
            }
        }
    }

    private static long elapsedMs(Exchange exchange) {
        Long started = exchange.getProperty(HEALTH_STARTED, Long.class);
        return started == null ? -1 : (System.nanoTime() - started) / 1_000_000;
    }

    public boolean healthy() {
        HealthCheck check = lastCheck;
        return check != null && check.healthy();
    }

    // ---- circuit breaker -----------------------------------------------------------------------------------

    private ResilienceProcessor breaker() {
        try {
            return camel.getProcessor(BREAKER_ID, ResilienceProcessor.class);
        } catch (RuntimeException notThere) {
            return null;
        }
    }

    public String breakerState() {
        ResilienceProcessor breaker = breaker();
        return breaker == null ? "UNKNOWN" : breaker.getCircuitBreakerState();
    }

    public boolean breakerOpen() {
        String state = breakerState();
        return "OPEN".equals(state) || "FORCED_OPEN".equals(state);
    }

    /** A failed health check: stop sending at once rather than after the breaker's own count of failures. */
    public void openBreaker() {
        ResilienceProcessor breaker = breaker();
        if (breaker != null && !breakerOpen()) {
            LOG.warn("Opening the Python circuit breaker (was {}): health check failed", breaker.getCircuitBreakerState());
            breaker.transitionToOpenState();
        }
    }

    /** A passed health check: let the next calls (the replay's) probe the service. */
    public void halfOpenBreaker() {
        ResilienceProcessor breaker = breaker();
        if (breaker != null && "OPEN".equals(breaker.getCircuitBreakerState())) {
            LOG.info("Half-opening the Python circuit breaker: health check passed");
            breaker.transitionToHalfOpenState();
        }
    }

    // ---- parking and replay --------------------------------------------------------------------------------

    /**
     * Whether the next batch must be parked behind a backlog instead of being sent. When it must, the caller
     * has a parking in progress and must call {@link #parkFinished()} once the publish is done.
     */
    public boolean shouldPark() {
        synchronized (lock) {
            if (!backlog) {
                // The parking queue is the truth every instance shares: batches parked by an earlier run or by another
                // instance (whose outbox consumer was the active one before this one), or a replay running anywhere
                // (its consumer holds a batch that may still go back to the head of the queue), come first.
                // Unreadable queue: park this batch (the park most likely fails too and the outbox message goes back to
                // its queue), without remembering a backlog nobody could see.
                QueueInformation queue = parkingQueueState();
                if (queue == null) {
                    parking++;
                    return true;
                }
                backlog = queue.getMessageCount() > 0 || queue.getConsumerCount() > 0;
                if (backlog) {
                    LOG.info("Python batches are parked behind {} (ready {}, replay consumers {})", parkingQueue,
                            queue.getMessageCount(), queue.getConsumerCount());
                }
            }
            if (backlog) {
                parking++;
            }
            return backlog;
        }
    }

    /** Sending failed (or the breaker is open): this batch and every later one are parked until the replay. */
    public void parkStarted() {
        synchronized (lock) {
            backlog = true;
            parking++;
        }
    }

    /** The parking publish is over, whether it worked or not. */
    public void parkFinished() {
        synchronized (lock) {
            parking = Math.max(0, parking - 1);
        }
    }

    /** RabbitMQ confirmed a parked batch. */
    public void parked() {
        parked.incrementAndGet();
    }

    /**
     * A batch could be neither delivered nor parked (RabbitMQ down too): the exchange fails, so the outbox message
     * holding the batch goes back to its queue and is read again.
     */
    public void parkFailed() {
        parkFailures.incrementAndGet();
    }

    /**
     * After a replayed batch was delivered: true when the parking queue is empty and no batch is being parked,
     * so batches go straight to Python again and the replay route can stop.
     */
    public boolean replayDrained() {
        replayed.incrementAndGet();
        return drained(true);
    }

    private boolean drained(boolean fromReplay) {
        synchronized (lock) {
            if (parking > 0) {
                return false;
            }
            // A replay stopping here (after a failed batch, an unhealthy check) has cancelled its consumer while its
            // batch is still in work: the queue shows it neither ready nor consumed until the nack puts it back first.
            // Not drained until the replay route has stopped: sending now would overtake that batch.
            if (!fromReplay && !replayStopped()) {
                return false;
            }
            QueueInformation queue = parkingQueueState();
            // another instance's replay still holds a batch (its consumer is on the queue): not drained until it stops
            int ownConsumers = replaying() ? 1 : 0;
            if (queue != null && queue.getMessageCount() == 0 && queue.getConsumerCount() <= ownConsumers) {
                if (backlog) {
                    LOG.info("Python parking queue {} is empty: batches go straight to the Python event API again", parkingQueue);
                }
                backlog = false;
                return true;
            }
            return false;
        }
    }

    /**
     * After a health check: true when Python is healthy and parked batches wait, i.e. the replay route should
     * run. A backlog whose queue turned out empty is cleared here.
     */
    public boolean replayDue() {
        // running, or stopping with a batch still in work (it goes back to the head of the queue): not now
        if (!enabled || !healthy() || !replayStopped()) {
            return false;
        }
        synchronized (lock) {
            if (backlog) {
                return !drained(false);
            }
            return parkedBatches() > 0;
        }
    }

    /** A replayed batch could not be delivered: it goes back to the head of the queue. */
    public void replayFailed(Exchange exchange) {
        LOG.warn("Replay of parked Python batches paused: the batch could not be delivered ({}); it stays first in {}",
                exchange.getProperty("pythonOutcome"), parkingQueue);
    }

    public void delivered() {
        delivered.incrementAndGet();
    }

    public void deadLettered() {
        deadLettered.incrementAndGet();
    }

    public boolean replaying() {
        ServiceStatus status = camel.getRouteController().getRouteStatus(REPLAY_ROUTE_ID);
        return status != null && (status.isStarted() || status.isStarting());
    }

    /** The replay route is stopped (or was never started): none of its batches is in work. */
    private boolean replayStopped() {
        ServiceStatus status = camel.getRouteController().getRouteStatus(REPLAY_ROUTE_ID);
        return status == null || status.isStopped() || status == ServiceStatus.Initialized;
    }

    /** Ready messages in the parking queue; -1 when RabbitMQ cannot be asked. */
    public long parkedBatches() {
        QueueInformation info = parkingQueueState();
        return info == null ? -1 : info.getMessageCount();
    }

    /** The parking queue's ready messages and consumers (none when it is missing); null when RabbitMQ cannot be asked. */
    private QueueInformation parkingQueueState() {
        try {
            QueueInformation info = amqp.getQueueInfo(parkingQueue);
            return info != null ? info : new QueueInformation(parkingQueue, 0, 0);
        } catch (RuntimeException unreachable) {
            LOG.debug("Parking queue {} not readable: {}", parkingQueue, unreachable.getMessage());
            return null;
        }
    }

    public boolean backlog() {
        synchronized (lock) {
            return backlog;
        }
    }

    // ---- report --------------------------------------------------------------------------------------------

    /** {@code healthy}, {@code unhealthy}, {@code unknown} (not checked yet) or {@code disabled}. */
    public String status() {
        if (!enabled) {
            return "disabled";
        }
        HealthCheck check = lastCheck;
        return check == null ? "unknown" : check.healthy() ? "healthy" : "unhealthy";
    }

    /** The health answer of {@code GET /api/ml/bridge/python?action=health} and of the actuator component. */
    public Map<String, Object> report() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("service", "python-event-api");
        report.put("url", url);
        report.put("enabled", enabled);
        report.put("status", status());
        HealthCheck check = lastCheck;
        if (check != null) {
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("healthy", check.healthy());
            last.put("at", check.at().toString());
            last.put("latency_ms", check.latencyMs());
            if (check.httpStatus() != null) {
                last.put("http_status", check.httpStatus());
            }
            if (check.error() != null) {
                last.put("error", check.error());
            }
            report.put("last_check", last);
        }
        Map<String, Object> circuit = new LinkedHashMap<>();
        ResilienceProcessor breaker = breaker();
        circuit.put("state", breaker == null ? "UNKNOWN" : breaker.getCircuitBreakerState());
        if (breaker != null) {
            circuit.put("failure_rate", breaker.getFailureRate());
            circuit.put("buffered_calls", breaker.getNumberOfBufferedCalls());
            circuit.put("failed_calls", breaker.getNumberOfFailedCalls());
            circuit.put("not_permitted_calls", breaker.getNumberOfNotPermittedCalls());
        }
        report.put("circuit_breaker", circuit);
        report.put("parked_batches", parkedBatches());
        report.put("backlog", backlog());
        report.put("replaying", replaying());
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("delivered_batches", delivered.get());
        totals.put("parked_batches", parked.get());
        totals.put("replayed_batches", replayed.get());
        totals.put("dead_lettered_batches", deadLettered.get());
        totals.put("park_failures", parkFailures.get());
        report.put("totals", totals);
        return report;
    }
}
