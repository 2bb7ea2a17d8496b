package routes.liveevents;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The last {@code capacity} events, oldest first, for {@code Last-Event-ID} replay. Ids are consecutive, so an
 * event is found by arithmetic. Not thread-safe: {@link LiveEventStream} guards it.
 */
final class ReplayBuffer {

    /** What a reconnecting client gets: the events it missed, or why they cannot be replayed. */
    sealed interface Replay {
    }

    record Missed(List<StreamedEvent> events) implements Replay {
    }

    /**
     * The events after {@code lastEventId} are partly gone: {@code missed} events (ids up to
     * {@code oldestAvailable - 1}) cannot be replayed; {@code available} are the buffered ones the client wants.
     */
    record Gap(long lastEventId, long oldestAvailable, long missed, List<StreamedEvent> available) implements Replay {
    }

    /** The id was never issued by this instance (another instance, an earlier run, or not an id at all). */
    record Unknown(String lastEventId) implements Replay {
    }

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

    int size() {
        return size;
    }

    /**
     * What to send a client whose last received event is {@code lastEventId}, given that this instance issues ids
     * from {@code firstId} and has issued up to {@code lastIssued}.
     */
    Replay after(String lastEventId, long firstId, long lastIssued, Predicate<StreamedEvent> filter) {
        long last;
        try {
            last = Long.parseLong(lastEventId.trim());
        } catch (NumberFormatException notAnId) {
            return new Unknown(lastEventId);
        }
        if (last > lastIssued || last < firstId - 1) {
            return new Unknown(lastEventId);
        }
        long oldest = size == 0 ? lastIssued + 1 : ring[start].id();
        if (last < oldest - 1) {
            return new Gap(last, oldest, oldest - 1 - last, from(0, filter));
        }
        return new Missed(from((int) (last + 1 - oldest), filter));
    }

    /** The buffered events from position {@code first} (0 is the oldest) that pass the filter, oldest first. */
    private List<StreamedEvent> from(int first, Predicate<StreamedEvent> filter) {
        List<StreamedEvent> events = new ArrayList<>();
        for (int i = first; i < size; i++) {
            StreamedEvent event = ring[(start + i) % ring.length];
            if (filter.test(event)) {
                events.add(event);
            }
        }
        return events;
    }
}
