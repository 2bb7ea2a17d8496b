package routes.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static routes.faults.TranscriptsFaultIT.API;
import static routes.faults.TranscriptsFaultIT.CAPTURE_COMPLETED;
import static routes.faults.TranscriptsFaultIT.CAPTURE_FAULT;
import static routes.faults.TranscriptsFaultIT.COMPLETED;
import static routes.faults.TranscriptsFaultIT.FAULT;
import static routes.faults.TranscriptsFaultIT.NAMESPACE;
import static routes.faults.TranscriptsFaultIT.REQUESTED;
import static routes.faults.TranscriptsFaultIT.SETTLE;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * One transcripts scenario's envelopes (published on the requested exchange) and everything recorded about them:
 * the completed and fault events on the suite's capture queues, and transcript-api's calls; {@link #finish} judges
 * them by the flow's guarantee (one outcome per request under one messageId per event kind, one Idempotency-Key).
 */
final class TranscriptsLoad {

    private final ObjectMapper json = new ObjectMapper();
    private final RabbitTemplate rabbit;
    private final WireMockServer peers;
    /** Events of a load drained by another load running beside it (queue/requestId), kept for their own load. */
    private final Map<String, List<JsonNode>> strays;
    final String scenario;
    final Map<String, String> messageIdByRequest = new LinkedHashMap<>();
    final Map<String, Set<String>> completedIds = new ConcurrentHashMap<>();
    final Map<String, Boolean> succeeded = new ConcurrentHashMap<>();
    final Map<String, Set<String>> faultIds = new ConcurrentHashMap<>();
    int accepted;

    /**
     * The suite's own queues on the completed and fault exchanges (declared before the hub starts, so they exist
     * when it publishes): what the load drains and judges.
     */
    static void declareCaptures(AmqpAdmin admin) {
        for (String[] capture : new String[][] {{COMPLETED, CAPTURE_COMPLETED}, {FAULT, CAPTURE_FAULT}}) {
            FanoutExchange exchange = new FanoutExchange(capture[0], true, false);
            Queue queue = new Queue(capture[1], true, false, false);
            admin.declareExchange(exchange);
            admin.declareQueue(queue);
            admin.declareBinding(BindingBuilder.bind(queue).to(exchange));
        }
    }

    TranscriptsLoad(String scenario, int count, RabbitTemplate rabbit, WireMockServer peers, Map<String, List<JsonNode>> strays) {
        this.rabbit = rabbit;
        this.peers = peers;
        this.strays = strays;
        this.scenario = scenario;
        for (int i = 0; i < count; i++) {
            messageIdByRequest.put(UUID.randomUUID().toString(), UUID.randomUUID().toString());
        }
    }

    private TranscriptsLoad(String scenario, TranscriptsLoad first) {
        this.rabbit = first.rabbit;
        this.peers = first.peers;
        this.strays = first.strays;
        this.scenario = scenario;
        this.messageIdByRequest.putAll(first.messageIdByRequest);
        this.accepted = first.accepted;
    }

    /** The same requests, recorded afresh (what a re-drive must produce again). */
    TranscriptsLoad again(String name) {
        return new TranscriptsLoad(name, this);
    }

    void publish() {
        publish(0, messageIdByRequest.size());
    }

    /** Publishes the envelopes {@code from} (inclusive) to {@code to} (exclusive), confirmed; counts them accepted. */
    void publish(int from, int to) {
        List<Map.Entry<String, String>> slice = List.copyOf(messageIdByRequest.entrySet()).subList(from, to);
        rabbit.invoke(ops -> {
            for (Map.Entry<String, String> request : slice) {
                ops.send(REQUESTED, "", envelope(request.getValue(), request.getKey()));
            }
            ops.waitForConfirmsOrDie(30_000);
            return null;
        });
        accepted += slice.size();
    }

    void collect() {
        drain(CAPTURE_COMPLETED, (requestId, envelope) -> {
            completedIds.computeIfAbsent(requestId, k -> ConcurrentHashMap.newKeySet()).add(envelope.path("messageId").asText());
            if (envelope.path("message").path("success").asBoolean()) {
                succeeded.put(requestId, true);
            }
        });
        drain(CAPTURE_FAULT, (requestId, envelope) ->
                faultIds.computeIfAbsent(requestId, k -> ConcurrentHashMap.newKeySet()).add(envelope.path("messageId").asText()));
    }

    private void drain(String queue, java.util.function.BiConsumer<String, JsonNode> record) {
        // what another load of the same scenario drained first
        for (String requestId : messageIdByRequest.keySet()) {
            List<JsonNode> kept = strays.remove(queue + "/" + requestId);
            if (kept != null) {
                kept.forEach(envelope -> record.accept(requestId, envelope));
            }
        }
        Message message;
        while ((message = rabbit.receive(queue)) != null) {
            try {
                JsonNode envelope = json.readTree(message.getBody());
                JsonNode payload = envelope.path("message");
                String requestId = payload.has("transcriptRequestId") ? payload.path("transcriptRequestId").asText()
                        : payload.path("message").path("transcriptRequestId").asText();
                if (messageIdByRequest.containsKey(requestId)) {
                    record.accept(requestId, envelope);
                } else {
                    strays.computeIfAbsent(queue + "/" + requestId, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                            .add(envelope);
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("an event that is not JSON on " + queue, e);
            }
        }
    }

    int outcomes() {
        collect();
        int done = 0;
        for (String requestId : messageIdByRequest.keySet()) {
            if (completedIds.containsKey(requestId) || faultIds.containsKey(requestId)) {
                done++;
            }
        }
        return done;
    }

    void awaitOutcomes(int atLeast, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (outcomes() < atLeast && System.nanoTime() < deadline) {
            FaultSuite.sleep(Duration.ofMillis(100));
        }
    }

    void awaitFaults(int atLeast, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            collect();
            if (faultIds.size() >= atLeast) {
                return;
            }
            FaultSuite.sleep(Duration.ofMillis(100));
        }
    }

    void awaitSuccesses(int atLeast, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            collect();
            if (succeeded.size() >= atLeast) {
                return;
            }
            FaultSuite.sleep(Duration.ofMillis(200));
        }
    }

    /** Waits until every accepted request has an outcome (or the settle time is over), then judges. */
    FaultReport finish(long faultStartedNanos, boolean crash) throws Exception {
        double faultSeconds = (System.nanoTime() - faultStartedNanos) / 1e9;
        awaitOutcomes(accepted, SETTLE);
        // a little longer: what a late redelivery would still publish twice
        FaultSuite.sleep(Duration.ofSeconds(2));
        collect();
        FaultReport report = report(faultStartedNanos, crash, false);
        report = new FaultReport(report.scenario(), report.sent(), report.accepted(), report.delivered(), report.lost(),
                report.duplicates(), faultSeconds);
        report.print();
        assertThat(report.lost()).as(scenario + ": requests without an outcome").isZero();
        assertThat(report.duplicates()).as(scenario + ": duplicate effects").isZero();
        return report;
    }

    FaultReport report(long faultStartedNanos, boolean crash, boolean print) throws Exception {
        int delivered = 0;
        int duplicates = 0;
        List<String> problems = new ArrayList<>();
        for (String requestId : messageIdByRequest.keySet()) {
            Set<String> completed = completedIds.getOrDefault(requestId, Set.of());
            Set<String> faults = faultIds.getOrDefault(requestId, Set.of());
            if (!completed.isEmpty() || !faults.isEmpty()) {
                delivered++;
            }
            if (completed.size() > 1) {
                duplicates += completed.size() - 1;
                problems.add(requestId + ": completed under " + completed.size() + " messageIds");
            }
            if (faults.size() > 1) {
                duplicates += faults.size() - 1;
                problems.add(requestId + ": Fault<T> under " + faults.size() + " messageIds");
            }
            if (Boolean.TRUE.equals(succeeded.get(requestId)) && !faults.isEmpty()) {
                duplicates++;
                problems.add(requestId + ": a Fault<T> for a success");
            }
        }
        // transcript-api: one Idempotency-Key per request (and per re-drive generation), called again only after a crash
        Map<String, Set<String>> keys = new HashMap<>();
        Map<String, Integer> calls = new HashMap<>();
        for (LoggedRequest call : peers.findAll(postRequestedFor(urlEqualTo(API)))) {
            String requestId = json.readTree(call.getBodyAsString()).path("transcript_request_id").asText();
            if (messageIdByRequest.containsKey(requestId)) {
                keys.computeIfAbsent(requestId, k -> new HashSet<>()).add(call.getHeader("Idempotency-Key"));
                calls.merge(requestId, 1, Integer::sum);
            }
        }
        int calledAgain = 0;
        for (Map.Entry<String, Set<String>> key : keys.entrySet()) {
            if (key.getValue().size() > 1) {
                duplicates++;
                problems.add(key.getKey() + ": transcript-api called with keys " + key.getValue());
            }
            if (calls.get(key.getKey()) > 1) {
                calledAgain++;
            }
        }
        if (calledAgain > 0) {
            System.out.println("[faults] " + scenario + ": transcript-api called again for " + calledAgain
                    + " requests (same Idempotency-Key)" + (crash ? "" : ": a duplicate effect without a crash"));
        }
        if (!crash) {
            // without a crash every request owns one delivery at a time: a second call is a second processing
            duplicates += calledAgain;
        }
        problems.stream().limit(10).forEach(p -> System.out.println("[faults] " + scenario + ": " + p));
        if (delivered < accepted) {
            System.out.println("[faults] " + scenario + ": inbox of the requests without an outcome: " + inboxOf(
                    messageIdByRequest.keySet().stream().filter(r -> !completedIds.containsKey(r) && !faultIds.containsKey(r))
                            .limit(5).toList()));
        }
        FaultReport report = new FaultReport(scenario, messageIdByRequest.size(), accepted, delivered, accepted - delivered,
                duplicates, (System.nanoTime() - faultStartedNanos) / 1e9);
        return print ? report.print() : report;
    }

    private String inboxOf(List<String> requestIds) throws Exception {
        StringBuilder rows = new StringBuilder();
        try (Connection db = FaultSuite.database(); Statement sql = db.createStatement()) {
            for (String id : requestIds) {
                try (ResultSet row = sql.executeQuery("SELECT status, deliveries, owner, lease_until, generation FROM transcript_inbox "
                        + "WHERE transcript_request_id = '" + id + "'")) {
                    rows.append(id).append(row.next() ? " " + row.getString(1) + " deliveries=" + row.getInt(2) + " owner="
                            + row.getString(3) + " lease=" + row.getString(4) : " (no row)").append("; ");
                }
            }
        }
        return rows.toString();
    }

    static Message envelope(String messageId, String transcriptRequestId) {
        String body = """
                {"messageId":"%s","requestId":null,"correlationId":"%s","conversationId":"%s","initiatorId":null,
                 "sourceAddress":"rabbitmq://localhost/dotnet","destinationAddress":"rabbitmq://localhost/%s",
                 "messageType":["urn:message:%s:TranscriptRequestedIntegrationEvent"],
                 "message":{"id":"%s","occurredOnUtc":"2026-12-02T04:00:00Z","transcriptRequestId":"%s",
                            "userId":"%s","videoUrl":"https://videos.example.org/%s.mp4","language":"en"},
                 "sentTime":"2026-12-02T04:00:00Z","headers":{},"host":{"machineName":"faults"}}
                """.formatted(messageId, transcriptRequestId, UUID.randomUUID(), REQUESTED, NAMESPACE, UUID.randomUUID(),
                transcriptRequestId, UUID.randomUUID(), transcriptRequestId);
        MessageProperties properties = new MessageProperties();
        properties.setContentType("application/vnd.masstransit+json");
        properties.setMessageId(messageId);
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        return new Message(body.getBytes(StandardCharsets.UTF_8), properties);
    }
}
