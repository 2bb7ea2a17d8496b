package routes.summaries;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The idempotent consumer's repository for videos being summarized right now in this hub: a second copy of an
 * event that arrives while the first is in work is skipped. A key leaves when its exchange completes, either way
 * ({@link #confirm} forgets it too): whether a finished video needs summarizing again is for {@code video_summaries}
 * to say, not for this in-memory set.
 */
public final class InFlightSummaries extends ServiceSupport implements IdempotentRepository {

    private final Set<String> keys = ConcurrentHashMap.newKeySet();

    @Override
    public boolean add(String key) {
        return keys.add(key);
    }

    @Override
    public boolean contains(String key) {
        return keys.contains(key);
    }

    @Override
    public boolean remove(String key) {
        return keys.remove(key);
    }

    @Override
    public boolean confirm(String key) {
        keys.remove(key);
        return true;
    }

    @Override
    public void clear() {
        keys.clear();
    }

    public int size() {
        return keys.size();
    }
}
