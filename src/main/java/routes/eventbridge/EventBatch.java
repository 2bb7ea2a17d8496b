package routes.eventbridge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A validated request: the events that go on to the sinks and those rejected with their reason. */
public record EventBatch(String source, List<BridgeEvent> accepted, List<Rejection> rejected) {

    /** The events alone, in the Python service's format (a batch for {@code POST /events}). */
    public List<Map<String, Object>> pythonEvents() {
        return accepted.stream().map(BridgeEvent::event).toList();
    }

    /** The 202 answer: counts and, per rejected event, its index and reason. */
    public Map<String, Object> summary() {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("source", source);
        answer.put("accepted", accepted.size());
        answer.put("rejected", rejected.size());
        answer.put("rejected_events", rejected);
        return answer;
    }
}
