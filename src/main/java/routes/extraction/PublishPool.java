package routes.extraction;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.DisposableBean;

/**
 * The threads that publish a callback's event and wait for the broker's confirm, under the circuit breaker's
 * timeout. Without it resilience4j starts a new thread per call on a 2-core machine (the common pool is too small).
 * Bounded: {@code threads} in flight, four times as many queued, beyond that the call fails at once (503), so a
 * broker that stops answering cannot pile up work. Bound in Camel's registry as {@value #NAME}.
 */
final class PublishPool implements CamelContextConfiguration, DisposableBean {

    static final String NAME = "extractionPublishExecutor";

    private final ThreadPoolExecutor executor;

    PublishPool(int threads) {
        AtomicInteger count = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(threads * 4),
                runnable -> {
                    Thread thread = new Thread(runnable, "extraction-publish-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        camelContext.getRegistry().bind(NAME, executor);
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        // nothing to do
    }

    @Override
    public void destroy() {
        executor.shutdown();
    }
}
