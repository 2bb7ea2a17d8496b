package routes.shared.health;

import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.CamelContext;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

import routes.shared.ConsumerKillSwitch;

/**
 * {@code killSwitch} health component: every {@link ConsumerKillSwitch} the routes declare, by route id.
 * OUT_OF_SERVICE while one has stopped its consumer (details say until when); UP otherwise. Not part of the
 * liveness or readiness groups: a tripped consumer is the switch working, not a pod to restart or take out of the
 * Service (its HTTP endpoints still serve).
 */
@Component("killSwitch")
public final class KillSwitchHealth implements HealthIndicator {

    private final CamelContext camel;

    public KillSwitchHealth(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public Health health() {
        Map<String, Object> details = new TreeMap<>();
        boolean tripped = false;
        for (ConsumerKillSwitch killSwitch : camel.getRegistry().findByType(ConsumerKillSwitch.class)) {
            ConsumerKillSwitch.Snapshot snapshot = killSwitch.snapshot();
            if (snapshot.routeId() == null) {
                continue; // declared, not on a route
            }
            Map<String, Object> route = new TreeMap<>();
            route.put("state", snapshot.state().name());
            route.put("attempts", snapshot.attempts());
            route.put("failures", snapshot.failures());
            if (snapshot.restartAt() != null) {
                route.put("trippedAt", snapshot.trippedAt().toString());
                route.put("restartAt", snapshot.restartAt().toString());
            }
            details.put(snapshot.routeId(), route);
            tripped |= snapshot.state() == ConsumerKillSwitch.State.TRIPPED;
        }
        return (tripped ? Health.outOfService() : Health.up()).withDetails(details).build();
    }
}
