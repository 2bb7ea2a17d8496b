package routes.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * What the Python event API (WireMock, {@code POST /python/events}) received for a run's users, in arrival order
 * (the journal's order is the order Python was called): per user the {@code seq} of each event, per event
 * ({@code user/seq}) the Idempotency-Keys it arrived under, and how many of the run's calls had no key.
 */
record PythonJournal(Map<String, List<Integer>> receivedByUser, Map<String, Set<String>> keysByEvent, int keyless,
                     Map<String, List<String>> callsByUser) {

    static PythonJournal read(WireMockServer peers, ObjectMapper json, Set<String> users) throws IOException {
        Map<String, List<Integer>> receivedByUser = new HashMap<>();
        Map<String, Set<String>> keysByEvent = new HashMap<>();
        // per user, for each event received: its call's key and when Python logged it (to diagnose an order failure)
        Map<String, List<String>> callsByUser = new HashMap<>();
        int keyless = 0;
        for (LoggedRequest call : peers.findAll(postRequestedFor(urlEqualTo("/python/events")))) {
            String key = call.getHeader("Idempotency-Key");
            boolean ours = false;
            for (JsonNode event : json.readTree(call.getBodyAsString())) {
                String userId = event.path("user_id").asText();
                if (users.contains(userId)) {
                    ours = true;
                    int eventSeq = event.path("data").path("seq").asInt();
                    receivedByUser.computeIfAbsent(userId, k -> new ArrayList<>()).add(eventSeq);
                    callsByUser.computeIfAbsent(userId, k -> new ArrayList<>()).add(key + " at " + call.getLoggedDate().toInstant());
                    keysByEvent.computeIfAbsent(userId + "/" + eventSeq, k -> new HashSet<>()).add(String.valueOf(key));
                }
            }
            if (ours && key == null) {
                keyless++;
            }
        }
        return new PythonJournal(receivedByUser, keysByEvent, keyless, callsByUser);
    }

    /** How many of the accepted events (seqs per user) Python received at least once. */
    int delivered(Map<String, List<Integer>> acceptedByUser) {
        int delivered = 0;
        for (Map.Entry<String, List<Integer>> user : acceptedByUser.entrySet()) {
            Set<Integer> got = Set.copyOf(receivedByUser.getOrDefault(user.getKey(), List.of()));
            delivered += (int) user.getValue().stream().filter(got::contains).count();
        }
        return delivered;
    }

    /** Events received again after their first arrival (redeliveries under their key, which Python can drop). */
    int repeats() {
        return firstSightings(true);
    }

    /** Events whose first arrival came before that of an event their user sent earlier. */
    int outOfOrder() {
        return firstSightings(false);
    }

    /** Each event whose first arrival came after a later one of its user's: the two calls (key, time) and the user's arrivals. */
    List<String> outOfOrderEvents() {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> user : receivedByUser.entrySet()) {
            List<Integer> firstSeen = new ArrayList<>();
            List<String> firstCall = new ArrayList<>();
            List<String> calls = callsByUser.get(user.getKey());
            for (int i = 0; i < user.getValue().size(); i++) {
                if (!firstSeen.contains(user.getValue().get(i))) {
                    firstSeen.add(user.getValue().get(i));
                    firstCall.add(calls.get(i));
                }
            }
            for (int i = 1; i < firstSeen.size(); i++) {
                if (firstSeen.get(i) < firstSeen.get(i - 1)) {
                    found.add(user.getKey() + " event " + firstSeen.get(i) + " (" + firstCall.get(i) + ") first reached Python after event "
                            + firstSeen.get(i - 1) + " (" + firstCall.get(i - 1) + "); the user's arrivals: " + user.getValue());
                }
            }
        }
        return found;
    }

    /** Events received under two or more different Idempotency-Keys: duplicates Python cannot tell apart. */
    int duplicates() {
        return (int) keysByEvent.values().stream().filter(keys -> keys.size() > 1).count();
    }

    private int firstSightings(boolean countRepeats) {
        int repeats = 0;
        int outOfOrder = 0;
        for (List<Integer> seqs : receivedByUser.values()) {
            List<Integer> firstSeen = new ArrayList<>();
            for (int s : seqs) {
                if (firstSeen.contains(s)) {
                    repeats++;
                } else {
                    firstSeen.add(s);
                }
            }
            for (int i = 1; i < firstSeen.size(); i++) {
                if (firstSeen.get(i) < firstSeen.get(i - 1)) {
                    outOfOrder++;
                }
            }
        }
        return countRepeats ? repeats : outOfOrder;
    }
}
