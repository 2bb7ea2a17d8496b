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
record PythonJournal(Map<String, List<Integer>> receivedByUser, Map<String, Set<String>> keysByEvent, int keyless) {

    static PythonJournal read(WireMockServer peers, ObjectMapper json, Set<String> users) throws IOException {
        Map<String, List<Integer>> receivedByUser = new HashMap<>();
        Map<String, Set<String>> keysByEvent = new HashMap<>();
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
                    keysByEvent.computeIfAbsent(userId + "/" + eventSeq, k -> new HashSet<>()).add(String.valueOf(key));
                }
            }
            if (ours && key == null) {
                keyless++;
            }
        }
        return new PythonJournal(receivedByUser, keysByEvent, keyless);
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
