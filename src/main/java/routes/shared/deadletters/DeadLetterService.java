package routes.shared.deadletters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every dead-letter place of the hub, and the operations on them with their rules, shared by the HTTP endpoints
 * ({@link DeadLetterRequests}) and the JMX operations ({@link DeadLetterOperations}): peeks are bounded, a re-drive
 * needs an explicit limit, a purge needs a confirmation (the place's name, or the number of messages it holds
 * now). A refusal is a {@link DeadLetterRefusal} naming the parameter.
 */
public final class DeadLetterService {

    public static final int DEFAULT_PEEK = 10;

    private final Map<String, DeadLetterPlace> places = new LinkedHashMap<>();
    private final int maxPeek;

    public DeadLetterService(List<DeadLetterPlace> places, int maxPeek) {
        for (DeadLetterPlace place : places) {
            if (this.places.putIfAbsent(place.name(), place) != null) {
                throw new IllegalArgumentException("two dead-letter places are named " + place.name());
            }
        }
        this.maxPeek = maxPeek;
    }

    public int maxPeek() {
        return maxPeek;
    }

    /** Every place with its count; a place whose broker cannot be asked has a null count and the reason. */
    public List<PlaceSummary> list() {
        List<PlaceSummary> all = new ArrayList<>();
        for (DeadLetterPlace place : places.values()) {
            Long count = null;
            String error = null;
            try {
                count = place.count();
            } catch (RuntimeException e) {
                error = e.getMessage();
            }
            all.add(new PlaceSummary(place.name(), place.flow(), place.broker(), place.redrivesTo(), count, error));
        }
        return all;
    }

    public PlaceSummary summary(String name) {
        DeadLetterPlace place = place(name);
        return new PlaceSummary(place.name(), place.flow(), place.broker(), place.redrivesTo(), place.count(), null);
    }

    /** The first {@code limit} messages (null: {@value #DEFAULT_PEEK}), 1 to the maximum. */
    public Peek peek(String name, String limit) {
        DeadLetterPlace place = place(name);
        int count = peekLimit(limit);
        return new Peek(place.name(), place.count(), place.peek(count));
    }

    /** Re-drives {@code limit} messages: a number, or {@code all}. */
    public RedriveResult redrive(String name, String limit) {
        DeadLetterPlace place = place(name);
        RedriveLimit parsed;
        try {
            parsed = RedriveLimit.parse(limit);
        } catch (IllegalArgumentException e) {
            throw new DeadLetterRefusal(DeadLetterRefusal.Kind.INVALID, "limit", e.getMessage());
        }
        return place.redrive(parsed);
    }

    /**
     * Purges the place when {@code confirm} is its name, or the number of messages it holds now (a different number:
     * it changed since the caller looked, refused with CONFLICT).
     */
    public PurgeResult purge(String name, String confirm) {
        DeadLetterPlace place = place(name);
        if (confirm == null || confirm.isBlank()) {
            throw new DeadLetterRefusal(DeadLetterRefusal.Kind.INVALID, "confirm",
                    "a purge needs confirm=" + place.name() + " (the place's name) or confirm=<the number of messages it holds now>");
        }
        String value = confirm.trim();
        if (!value.equals(place.name())) {
            long expected;
            try {
                expected = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new DeadLetterRefusal(DeadLetterRefusal.Kind.INVALID, "confirm",
                        "confirm must be the place's name (" + place.name() + ") or the number of messages it holds, not '" + value + "'");
            }
            long now = place.count();
            if (now != expected) {
                throw new DeadLetterRefusal(DeadLetterRefusal.Kind.CONFLICT, "confirm",
                        place.name() + " holds " + now + " message(s), not " + expected + ": look again before purging");
            }
        }
        return new PurgeResult(place.name(), place.purge());
    }

    private DeadLetterPlace place(String name) {
        DeadLetterPlace place = name == null ? null : places.get(name);
        if (place == null) {
            throw new DeadLetterRefusal(DeadLetterRefusal.Kind.UNKNOWN_PLACE, "place",
                    "no dead-letter place named '" + name + "'; the places are " + String.join(", ", places.keySet()));
        }
        return place;
    }

    private int peekLimit(String limit) {
        if (limit == null || limit.isBlank()) {
            return Math.min(DEFAULT_PEEK, maxPeek);
        }
        int count;
        try {
            count = Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (count < 1 || count > maxPeek) {
            throw new DeadLetterRefusal(DeadLetterRefusal.Kind.INVALID, "limit",
                    "limit must be a whole number from 1 to " + maxPeek + ", not '" + limit + "'");
        }
        return count;
    }
}
