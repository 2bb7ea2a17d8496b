package routes.shared.deadletters;

import java.lang.management.ManagementFactory;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jmx.export.MBeanExporter;
import org.springframework.jmx.export.annotation.AnnotationJmxAttributeSource;
import org.springframework.jmx.export.assembler.MetadataMBeanInfoAssembler;

/**
 * Puts one Spring {@code @ManagedResource} object on the platform MBean server (the one Jolokia and Hawtio read)
 * when the context is ready and takes it off when the context closes. Spring Boot's own JMX export
 * ({@code spring.jmx.enabled}) stays off, as it is in this hub; the exporter here is not a bean, so it does not make
 * Boot's back off should that ever be switched on. A second hub context in the same JVM (tests) finds the name
 * taken and leaves the first one's MBean alone.
 */
public final class JmxRegistration implements SmartInitializingSingleton, DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(JmxRegistration.class);

    private final Object managed;
    private final ObjectName name;
    private MBeanExporter exporter;

    public JmxRegistration(Object managed, String objectName) {
        this.managed = managed;
        try {
            this.name = new ObjectName(objectName);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("not an MBean name: " + objectName, e);
        }
    }

    @Override
    public void afterSingletonsInstantiated() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (server.isRegistered(name)) {
            LOG.info("{} is already on JMX (another hub context in this JVM): not registered again", name);
            return;
        }
        MBeanExporter export = new MBeanExporter();
        export.setServer(server);
        export.setAssembler(new MetadataMBeanInfoAssembler(new AnnotationJmxAttributeSource()));
        export.setBeans(Map.of(name.toString(), managed));
        export.afterSingletonsInstantiated();
        exporter = export;
        LOG.info("Dead-letter operations on JMX as {}", name);
    }

    @Override
    public void destroy() {
        if (exporter != null) {
            exporter.destroy();
            exporter = null;
        }
    }
}
