package routes.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * What the extraction webhook (WireMock, {@code POST path}) received: the eventIds per contentId, the calls per
 * Idempotency-Key, and the calls whose key was not their body's eventId.
 */
record WebhookJournal(Map<String, Set<String>> eventsByContent, Map<String, Integer> callsByKey, int keyMismatches) {

    static WebhookJournal read(WireMockServer peers, ObjectMapper json, String path) throws IOException {
        Map<String, Set<String>> eventsByContent = new HashMap<>();
        Map<String, Integer> callsByKey = new HashMap<>();
        int keyMismatches = 0;
        for (LoggedRequest call : peers.findAll(postRequestedFor(urlEqualTo(path)))) {
            JsonNode body = json.readTree(call.getBodyAsString());
            String eventId = body.path("eventId").asText();
            eventsByContent.computeIfAbsent(body.path("contentId").asText(), k -> new HashSet<>()).add(eventId);
            callsByKey.merge(String.valueOf(call.getHeader("Idempotency-Key")), 1, Integer::sum);
            if (!eventId.equals(call.getHeader("Idempotency-Key"))) {
                keyMismatches++;
            }
        }
        return new WebhookJournal(eventsByContent, callsByKey, keyMismatches);
    }

    /**
     * Accepted contents with an event at the webhook. Per content: the content window may deliver an earlier event
     * of the same content instead of the accepted one (the earlier one's 200 was lost to a kill and the worker called
     * again).
     */
    int delivered(Set<String> acceptedContents) {
        return (int) acceptedContents.stream().filter(eventsByContent::containsKey).count();
    }

    /** Calls under a key other than their eventId, and a second event for one accepted content. */
    int duplicates(Set<String> acceptedContents) {
        int duplicates = keyMismatches;
        for (Map.Entry<String, Set<String>> content : eventsByContent.entrySet()) {
            if (acceptedContents.contains(content.getKey())) {
                duplicates += content.getValue().size() - 1;
            }
        }
        return duplicates;
    }

    /** Calls again for an eventId already called (a crash mid-call: the same Idempotency-Key). */
    int repeatedCalls() {
        return callsByKey.values().stream().mapToInt(count -> count - 1).sum();
    }
}
