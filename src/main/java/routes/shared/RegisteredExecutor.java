package routes.shared;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.DisposableBean;

/**
 * A thread pool bound by name in Camel's registry before the routes start, and shut down with the application.
 * Routes name it ({@code executorService: <name>}); Java beans take it from {@link #executor()}. Deliberately not a Spring bean of
 * type {@code Executor}: one would make Spring Boot skip its own task executor, which platform-http runs requests on.
 */
public final class RegisteredExecutor implements CamelContextConfiguration, DisposableBean {

    private final String name;
    private final ExecutorService executor;

    public RegisteredExecutor(String name, ExecutorService executor) {
        this.name = name;
        this.executor = executor;
    }

    /** Daemon threads named {@code <prefix>-1}, {@code <prefix>-2}, ... */
    public static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    public ExecutorService executor() {
        return executor;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        camelContext.getRegistry().bind(name, ExecutorService.class, executor);
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        // nothing to do
    }

    @Override
    public void destroy() {
        // Camel has stopped its routes (waiting for exchanges in flight) before Spring destroys beans
        executor.shutdown();
    }
}
