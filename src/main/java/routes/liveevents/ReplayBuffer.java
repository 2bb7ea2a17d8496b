package routes.liveevents;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A cache of the last {@code capacity} events this instance's reader delivered, oldest first and without holes (the
 * stream's order): a client reconnecting with an id in it is replayed from memory, any other id is replayed from the
 * Redis stream. {@link #clear()} when the reader skipped entries. Not thread-safe: {@link LiveEventStream} guards it.
 */
final class ReplayBuffer {

    private final StreamedEvent[] ring;
    private int start;
    private int size;

    ReplayBuffer(int capacity) {
        this.ring = new StreamedEvent[capacity];
    }

    void add(StreamedEvent event) {
        if (size == ring.length) {
            ring[start] = event;
            start = (start + 1) % ring.length;
        } else {
            ring[(start + size) % ring.length] = event;
            size++;
        }
    }

    void clear() {
        for (int i = 0; i < ring.length; i++) {
            ring[i] = null;
        }
        start = 0;
        size = 0;
    }

    int size() {
        return size;
    }

    /** The newest event delivered, or null. */
    StreamedEvent newest() {
        return size == 0 ? null : ring[(start + size - 1) % ring.length];
    }

    /**
     * The cached events after {@code last} that pass the filter, oldest first, when the cache covers {@code last}
     * (from its oldest to its newest event); empty when the replay must come from the stream.
     */
    Optional<List<StreamedEvent>> after(StreamId last, Predicate<StreamedEvent> filter) {
        if (size == 0 || ring[start].id().isAfter(last) || last.isAfter(newest().id())) {
            return Optional.empty();
        }
        List<StreamedEvent> events = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            StreamedEvent event = ring[(start + i) % ring.length];
            if (event.id().isAfter(last) && filter.test(event)) {
                events.add(event);
            }
        }
        return Optional.of(events);
    }
}
