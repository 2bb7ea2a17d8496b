package routes.liveevents;

/** One entry of the live events Redis stream: its id and the event as JSON (field {@code event}). */
record LiveEventEntry(StreamId id, String json) {
}
