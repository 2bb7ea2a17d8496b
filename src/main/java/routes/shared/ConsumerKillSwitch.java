package routes.shared;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedOperation;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MassTransit's kill switch as a Camel route policy ({@code routePolicy: <bean>} on a consuming route): when, within
 * {@code trackingPeriod}, at least {@code activationThreshold} exchanges finished and at least {@code tripThreshold}
 * percent of them failed, the route's consumer is stopped (its prefetched deliveries go back to the queue) and started
 * again {@code restartTimeout} later; the window starts empty after a restart.
 * <p>
 * A failure is an exchange that ended with an exception, handled or not: a delivery the route moved to its dead-letter
 * place counts, which Camel's {@code ThrottlingExceptionRoutePolicy} (unhandled exceptions only, a count instead of a
 * rate) would not see. Exceptions listed in {@code ignoredExceptions} (e.g. "another delivery still works on it") are
 * neither a failure nor a success.
 * <p>
 * The consumer is stopped and started on a thread of its own, never on the consumer thread that saw the failure (a
 * listener container waits for its own threads when it stops). The state shows in Hawtio (JMX: attributes
 * {@code SwitchState}, {@code GuardedRoute}, {@code Attempts}, {@code Failures}; operations {@code trip()}, {@code restart()}) and in
 * {@code /actuator/health} ({@link routes.shared.health.KillSwitchHealth}).
 */
@ManagedResource(description = "Kill switch: stops the consumer when its failure rate passes the trip threshold")
public final class ConsumerKillSwitch extends RoutePolicySupport implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerKillSwitch.class);

    /** The switch's state. */
    public enum State { CLOSED, TRIPPED, DISABLED }

    /** What the switch shows of itself. */
    public record Snapshot(String routeId, State state, int attempts, int failures, Instant trippedAt, Instant restartAt) {
    }

    private final Clock clock;
    private CamelContext camelContext;
    // thresholds, restart timeout and enabled may change at runtime (the next exchange / trip uses them);
    // the tracking period is fixed when the route starts
    private volatile boolean enabled = true;
    private volatile int activationThreshold = 10;
    private volatile int tripThreshold = 15;
    private Duration trackingPeriod = Duration.ofMinutes(1);
    private volatile Duration restartTimeout = Duration.ofMinutes(1);
    private List<Class<?>> ignored = List.of();
    private String ignoredExceptions = "";

    private Route route;
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> pendingRestart;
    private final Object lock = new Object();
    private long[] bucketSecond;
    private int[] bucketAttempts;
    private int[] bucketFailures;
    private State state = State.CLOSED;
    private Instant trippedAt;
    private Instant restartAt;

    public ConsumerKillSwitch() {
        this(Clock.systemUTC());
    }

    public ConsumerKillSwitch(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void onInit(Route route) {
        if (this.route != null && !this.route.getRouteId().equals(route.getRouteId())) {
            throw new IllegalStateException("kill switch already guards route " + this.route.getRouteId()
                    + ": declare one ConsumerKillSwitch bean per route (" + route.getRouteId() + ")");
        }
        this.route = route;
        if (activationThreshold < 1 || tripThreshold < 1 || tripThreshold > 100 || trackingPeriod.toSeconds() < 1
                || restartTimeout.isNegative() || restartTimeout.isZero()) {
            throw new IllegalArgumentException("kill switch of route " + route.getRouteId()
                    + ": activationThreshold >= 1, tripThreshold 1..100 (percent), trackingPeriod >= 1 s and"
                    + " restartTimeout > 0 are required");
        }
        int buckets = (int) trackingPeriod.toSeconds();
        synchronized (lock) {
            bucketSecond = new long[buckets];
            bucketAttempts = new int[buckets];
            bucketFailures = new int[buckets];
            state = State.CLOSED;
        }
        ignored = loadIgnored();
    }

    @Override
    public void onStart(Route route) {
        if (executor == null) {
            executor = camelContext.getExecutorServiceManager()
                    .newSingleThreadScheduledExecutor(this, "KillSwitch-" + route.getRouteId());
        }
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        Exception cause = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (cause != null && isIgnored(cause)) {
            return;
        }
        record(cause != null);
    }

    /** Counts one finished exchange; trips the switch when the window passes the thresholds. */
    void record(boolean failed) {
        boolean trip = false;
        int attempts;
        int failures;
        synchronized (lock) {
            if (!enabled || state != State.CLOSED) {
                return;
            }
            long second = clock.millis() / 1000;
            int slot = (int) (second % bucketSecond.length);
            if (bucketSecond[slot] != second) {
                bucketSecond[slot] = second;
                bucketAttempts[slot] = 0;
                bucketFailures[slot] = 0;
            }
            bucketAttempts[slot]++;
            if (failed) {
                bucketFailures[slot]++;
            }
            attempts = windowSum(bucketAttempts, second);
            failures = windowSum(bucketFailures, second);
            if (failed && attempts >= activationThreshold && failures * 100L >= (long) tripThreshold * attempts) {
                trip = true;
                markTripped();
            }
        }
        if (trip) {
            LOG.warn("Kill switch of route {} tripped: {} of {} exchanges failed within {} s (trip threshold {} %);"
                            + " the consumer stops and restarts at {}", route.getRouteId(), failures, attempts,
                    trackingPeriod.toSeconds(), tripThreshold, restartAt);
            executor.execute(this::stopNow);
        }
    }

    private int windowSum(int[] counts, long now) {
        int sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (now - bucketSecond[i] < counts.length) {
                sum += counts[i];
            }
        }
        return sum;
    }

    private void markTripped() {
        state = State.TRIPPED;
        trippedAt = clock.instant();
        restartAt = trippedAt.plus(restartTimeout);
    }

    private void stopNow() {
        try {
            stopConsumer(route.getConsumer());
        } catch (Exception e) {
            LOG.error("Kill switch of route {} could not stop the consumer", route.getRouteId(), e);
        }
        synchronized (lock) {
            if (state == State.TRIPPED) {
                pendingRestart = executor.schedule(this::startAgain, restartTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void startAgain() {
        synchronized (lock) {
            if (state != State.TRIPPED) {
                return;
            }
            state = State.CLOSED;
            trippedAt = null;
            restartAt = null;
            pendingRestart = null;
            Arrays.fill(bucketSecond, -1);
        }
        try {
            startConsumer(route.getConsumer());
            LOG.info("Kill switch of route {}: restart timeout over, the consumer started again", route.getRouteId());
        } catch (Exception e) {
            LOG.error("Kill switch of route {} could not start the consumer again", route.getRouteId(), e);
        }
    }

    /** Trips the switch now (Hawtio / JMX): the consumer stops for {@code restartTimeout}. */
    @ManagedOperation(description = "Stop the consumer now; it starts again after the restart timeout")
    public void trip() {
        synchronized (lock) {
            if (state != State.CLOSED) {
                return;
            }
            markTripped();
        }
        LOG.warn("Kill switch of route {} tripped by an operator; the consumer restarts at {}", route.getRouteId(), restartAt);
        executor.execute(this::stopNow);
    }

    /** Restarts the consumer now instead of at the end of the restart timeout (Hawtio / JMX). */
    @ManagedOperation(description = "Start the consumer again now, without waiting for the restart timeout")
    public void restart() {
        ScheduledFuture<?> pending;
        synchronized (lock) {
            pending = pendingRestart;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        executor.execute(this::startAgain);
    }

    public Snapshot snapshot() {
        synchronized (lock) {
            long now = clock.millis() / 1000;
            State shown = state == State.CLOSED && !enabled ? State.DISABLED : state;
            return new Snapshot(route != null ? route.getRouteId() : null, shown,
                    bucketAttempts == null ? 0 : windowSum(bucketAttempts, now),
                    bucketFailures == null ? 0 : windowSum(bucketFailures, now), trippedAt, restartAt);
        }
    }

    @ManagedAttribute(description = "CLOSED (consuming), TRIPPED (consumer stopped until the restart) or DISABLED")
    public String getSwitchState() {
        return snapshot().state().name();
    }

    @ManagedAttribute(description = "The route whose consumer the switch stops")
    public String getGuardedRoute() {
        return route == null ? null : route.getRouteId();
    }

    @ManagedAttribute(description = "Exchanges finished within the tracking period")
    public int getAttempts() {
        return snapshot().attempts();
    }

    @ManagedAttribute(description = "Failed exchanges within the tracking period")
    public int getFailures() {
        return snapshot().failures();
    }

    @ManagedAttribute(description = "When the consumer starts again (tripped only)")
    public String getRestartAt() {
        Instant at = snapshot().restartAt();
        return at == null ? "" : at.toString();
    }

    private boolean isIgnored(Exception cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            for (Class<?> type : ignored) {
                if (type.isInstance(t)) {
                    return true;
                }
            }
        }
        return false;
    }

    private List<Class<?>> loadIgnored() {
        List<Class<?>> types = new ArrayList<>();
        for (String name : ignoredExceptions.split(",")) {
            if (!name.isBlank()) {
                try {
                    types.add(camelContext.getClassResolver().resolveMandatoryClass(name.trim()));
                } catch (ClassNotFoundException e) {
                    throw new IllegalArgumentException("kill switch of route " + route.getRouteId()
                            + ": no exception class " + name.trim() + " (ignoredExceptions)", e);
                }
            }
        }
        return List.copyOf(types);
    }

    @Override
    protected void doStop() throws Exception {
        if (executor != null) {
            camelContext.getExecutorServiceManager().shutdownNow(executor);
            executor = null;
        }
        super.doStop();
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public void setActivationThreshold(int activationThreshold) {
        this.activationThreshold = activationThreshold;
    }

    /** Percent of failed exchanges within the tracking period that trips the switch. */
    public void setTripThreshold(int tripThreshold) {
        this.tripThreshold = tripThreshold;
    }

    public void setTrackingPeriod(String trackingPeriod) {
        this.trackingPeriod = parse(trackingPeriod);
    }

    public void setRestartTimeout(String restartTimeout) {
        this.restartTimeout = parse(restartTimeout);
    }

    /** Comma-separated exception classes that are neither a failure nor a success. */
    public void setIgnoredExceptions(String ignoredExceptions) {
        this.ignoredExceptions = ignoredExceptions == null ? "" : ignoredExceptions;
    }

    /** {@code 500ms}, {@code 30s}, {@code 2m} or ISO-8601 ({@code PT30S}). */
    static Duration parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("pt")) {
            return Duration.parse(value);
        }
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (value.charAt(value.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException("not a duration: " + text + " (use 500ms, 30s, 2m or PT30S)");
        };
    }
}
