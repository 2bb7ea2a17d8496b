package routes.summaries;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.DisposableBean;

/**
 * The threads that make LLM calls for the map and reduce splitters: {@code hub.summaries.map-concurrency} of them,
 * shared by every video in work, so the LLM never sees more calls at once than that. Its queue is as short as the
 * pool, and a splitter that finds it full waits: a splitter never reads a transcript faster than the LLM
 * summarizes it, so 20 long transcripts in work at once do not fill the heap with chunks waiting their turn.
 */
public final class MapPool extends ThreadPoolExecutor {

    public MapPool(int concurrency) {
        super(concurrency, concurrency, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(concurrency),
                new NamedThreads(), MapPool::waitForRoom);
    }

    /** Puts the pool in Camel's registry before the routes start, and shuts it down with the application. */
    public static final class Binding implements CamelContextConfiguration, DisposableBean {
        private final String name;
        private final MapPool pool;

        public Binding(String name, MapPool pool) {
            this.name = name;
            this.pool = pool;
        }

        @Override
        public void beforeApplicationStart(CamelContext camelContext) {
            camelContext.getRegistry().bind(name, ExecutorService.class, pool);
        }

        @Override
        public void afterApplicationStart(CamelContext camelContext) {
            // nothing to do
        }

        @Override
        public void destroy() {
            pool.shutdownNow();
        }

        public MapPool pool() {
            return pool;
        }
    }

    private static void waitForRoom(Runnable task, ThreadPoolExecutor pool) {
        if (pool.isShutdown()) {
            throw new RejectedExecutionException("the summaries map pool is shut down");
        }
        try {
            pool.getQueue().put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for a free LLM slot", e);
        }
    }

    private static final class NamedThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "summaries-llm-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
