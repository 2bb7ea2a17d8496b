package routes.faults;

import java.util.ArrayList;
import java.util.List;

/**
 * One event-bridge ingest request of the fault suite's workers: {@code events} events of one user, numbered
 * {@code seq = request * events + e} so the order Python receives them in can be checked per user.
 */
record BridgeIngestRequest(String body, List<Integer> seqs) {

    static BridgeIngestRequest of(String userId, int request, int events) {
        List<Integer> seqs = new ArrayList<>();
        StringBuilder json = new StringBuilder();
        for (int e = 0; e < events; e++) {
            int s = request * events + e;
            seqs.add(s);
            json.append(e == 0 ? "" : ",").append("{\"event_type\":\"ride_request_response\",\"user_id\":\"")
                    .append(userId).append("\",\"response\":\"accepted\",\"seq\":").append(s).append('}');
        }
        return new BridgeIngestRequest("{\"source\":\"faults\",\"events\":[" + json + "]}", List.copyOf(seqs));
    }
}
