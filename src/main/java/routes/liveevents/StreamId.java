package routes.liveevents;

import java.util.Optional;

/**
 * A Redis stream entry id ({@code <milliseconds>-<sequence>}), the SSE {@code id:} of a live event. Redis makes
 * them unique and increasing for the one stream all hub instances share, so an id means the same on every instance
 * and after a restart.
 */
record StreamId(long millis, long sequence) implements Comparable<StreamId> {

    static final StreamId ZERO = new StreamId(0, 0);

    StreamId {
        if (millis < 0 || sequence < 0) {
            throw new IllegalArgumentException("a stream id is two non-negative numbers");
        }
    }

    /** The id in {@code text}, or empty for anything else (an id of the old per-instance numbering, garbage). */
    static Optional<StreamId> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String id = text.trim();
        int dash = id.indexOf('-');
        if (dash < 1 || dash == id.length() - 1) {
            return Optional.empty();
        }
        try {
            long millis = Long.parseLong(id.substring(0, dash));
            long sequence = Long.parseLong(id.substring(dash + 1));
            return millis < 0 || sequence < 0 ? Optional.empty() : Optional.of(new StreamId(millis, sequence));
        } catch (NumberFormatException notAnId) {
            return Optional.empty();
        }
    }

    static StreamId of(String text) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException("not a stream id: " + text));
    }

    /** The smallest id after this one: XRANGE from it is XRANGE after this id, exclusive. */
    StreamId next() {
        return sequence == Long.MAX_VALUE ? new StreamId(millis + 1, 0) : new StreamId(millis, sequence + 1);
    }

    boolean isAfter(StreamId other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(StreamId other) {
        int byMillis = Long.compare(millis, other.millis);
        return byMillis != 0 ? byMillis : Long.compare(sequence, other.sequence);
    }

    @Override
    public String toString() {
        return millis + "-" + sequence;
    }
}
