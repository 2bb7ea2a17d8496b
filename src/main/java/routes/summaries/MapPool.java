package routes.summaries;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that make LLM calls for the map and reduce splitters: {@code hub.summaries.map-concurrency} of them,
 * shared by every video in work, so the LLM never sees more calls at once than that. Its queue is as short as the
 * pool, and a splitter that finds it full waits: a splitter never reads a transcript faster than the LLM
 * summarizes it, so 20 long transcripts in work at once do not fill the heap with chunks waiting their turn.
 * <p>
 * Camel runs a parallel splitter's own loop (read the next chunk, submit it) on this pool too. A loop that finds
 * the queue full must not wait for room there: with as many videos in work as the pool has threads, every thread
 * would wait for a queue only those threads empty (a deadlock). Such a loop makes the call itself instead, in its
 * own pool thread: the LLM still never sees more calls than the pool has threads, and the loop reads on after it.
 */
public final class MapPool extends ThreadPoolExecutor {

    public MapPool(int concurrency) {
        this(concurrency, new NamedThreads());
    }

    private MapPool(int concurrency, NamedThreads threads) {
        super(concurrency, concurrency, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(concurrency), threads,
                MapPool::waitForRoom);
        threads.owner(this);
    }

    private static void waitForRoom(Runnable task, ThreadPoolExecutor pool) {
        if (pool.isShutdown()) {
            throw new RejectedExecutionException("the summaries map pool is shut down");
        }
        if (Thread.currentThread() instanceof LlmThread thread && thread.pool == pool) {
            task.run();
            return;
        }
        try {
            pool.getQueue().put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for a free LLM slot", e);
        }
    }

    /** A thread of one pool: knows it, so the pool can tell its own threads from the callers'. */
    private static final class LlmThread extends Thread {
        private final ThreadPoolExecutor pool;

        LlmThread(ThreadPoolExecutor pool, Runnable task, String name) {
            super(task, name);
            this.pool = pool;
            setDaemon(true);
        }
    }

    private static final class NamedThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();
        private ThreadPoolExecutor pool;

        void owner(ThreadPoolExecutor owner) {
            this.pool = owner;
        }

        @Override
        public Thread newThread(Runnable task) {
            return new LlmThread(pool, task, "summaries-llm-" + count.incrementAndGet());
        }
    }
}
