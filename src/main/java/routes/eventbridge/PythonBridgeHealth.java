package routes.eventbridge;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * {@code pythonBridge} in {@code /actuator/health}: the last health check of the Python event API and the
 * circuit breaker's state (DOWN when the check failed or the breaker is open, UNKNOWN before the first check).
 * Not in the readiness group: the hub keeps taking events while Python is down (they are parked).
 */
public final class PythonBridgeHealth implements HealthIndicator {

    private final PythonBridge bridge;

    public PythonBridgeHealth(PythonBridge bridge) {
        this.bridge = bridge;
    }

    @Override
    public Health health() {
        Health.Builder builder = switch (bridge.status()) {
            case "disabled" -> Health.up();
            case "unknown" -> Health.unknown();
            case "unhealthy" -> Health.down();
            default -> bridge.breakerOpen() ? Health.down() : Health.up();
        };
        return builder.withDetails(bridge.report()).build();
    }
}
