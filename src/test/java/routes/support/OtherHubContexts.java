package routes.support;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.camel.CamelContext;

/**
 * A test class with a Spring context of its own (the tracing ITs) shares RabbitMQ queues and PostgreSQL tables with the
 * cached context of the other ITs, whose consumers and pollers would take its messages and rows. This stops the named
 * routes in every other Camel context of the JVM (found over JMX) and starts them again on {@link #close()}.
 */
public final class OtherHubContexts implements AutoCloseable {

    private final MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
    private final List<ObjectName> stopped = new ArrayList<>();

    private OtherHubContexts() {
    }

    public static OtherHubContexts pause(CamelContext mine, String... routeIds) throws Exception {
        OtherHubContexts others = new OtherHubContexts();
        Set<String> ids = Set.of(routeIds);
        for (ObjectName route : others.jmx.queryNames(new ObjectName("org.apache.camel:type=routes,*"), null)) {
            String routeId = String.valueOf(others.jmx.getAttribute(route, "RouteId"));
            String context = String.valueOf(others.jmx.getAttribute(route, "CamelManagementName"));
            if (ids.contains(routeId) && !context.equals(mine.getManagementName())
                    && "Started".equals(String.valueOf(others.jmx.getAttribute(route, "State")))) {
                others.jmx.invoke(route, "stop", null, null);
                others.stopped.add(route);
            }
        }
        return others;
    }

    @Override
    public void close() throws Exception {
        for (ObjectName route : stopped) {
            jmx.invoke(route, "start", null, null);
        }
    }
}
