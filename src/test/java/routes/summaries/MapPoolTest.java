package routes.summaries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The LLM call pool under more splitters than it has threads: Camel runs each parallel splitter's loop on the pool
 * too, and loops that waited for a full queue would hold every thread (a deadlock, seen with 20 videos at once).
 */
class MapPoolTest {

    @Test
    // a deadlocked pool blocks the submitting test thread too: fail it (interrupted) instead of hanging the build
    @Timeout(30)
    void moreSplitterLoopsThanThreadsFinishAndNeverExceedTheConcurrency() throws Exception {
        MapPool pool = new MapPool(2);
        int loops = 6;
        int callsPerLoop = 10;
        CountDownLatch done = new CountDownLatch(loops * callsPerLoop);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        try {
            for (int l = 0; l < loops; l++) {
                // like Camel's splitter: the loop is a task of the pool and submits its calls to the same pool
                pool.submit(() -> {
                    for (int c = 0; c < callsPerLoop; c++) {
                        pool.submit(() -> {
                            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                            try {
                                Thread.sleep(5);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } finally {
                                inFlight.decrementAndGet();
                                done.countDown();
                            }
                        });
                    }
                });
            }
            assertThat(done.await(20, TimeUnit.SECONDS)).as("every call ran (no deadlock)").isTrue();
            assertThat(maxInFlight.get()).isLessThanOrEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }
}
