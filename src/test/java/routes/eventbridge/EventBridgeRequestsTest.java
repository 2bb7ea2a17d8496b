package routes.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import routes.shared.HttpProblem;

/** Batch validation: what refuses a whole request, and how a mixed batch is split into accepted and rejected. */
class EventBridgeRequestsTest {

    private final ObjectMapper json = new ObjectMapper();
    private final EventBridgeRequests requests = new EventBridgeRequests(json, new routes.shared.JsonLimits(64, 1_048_576, 100), new EventNormaliser(json,
            new EventBridgeSettings.Defaults("1.0.0", "android", "unknown", new EventBridgeSettings.Location(1, 2)),
            Instant::now), 3, "unknown");

    @Test
    void aMixedBatchKeepsTheGoodEventsAndNamesTheBadOnes() {
        EventBatch batch = requests.ingest("""
                {"source": "driver_app", "events": [
                  {"event_type": "a", "user_id": "u1"},
                  {"event_type": "a"},
                  {"event_type": "b", "user_id": "u2"}]}""");

        assertThat(batch.source()).isEqualTo("driver_app");
        assertThat(batch.accepted()).extracting(BridgeEvent::index).containsExactly(0, 2);
        assertThat(batch.rejected()).containsExactly(new Rejection(1, "user_id", "user_id is required"));
        assertThat(batch.summary()).containsEntry("accepted", 2).containsEntry("rejected", 1);
        assertThat(batch.pythonEvents()).extracting(e -> e.get("user_id")).containsExactly("u1", "u2");
    }

    @Test
    void theSourceDefaults() {
        assertThat(requests.ingest("{\"events\": [{\"event_type\": \"a\", \"user_id\": \"u\"}]}").source()).isEqualTo("unknown");
    }

    @Test
    void tooManyEventsIs413() {
        assertThatThrownBy(() -> requests.ingest("{\"events\": [{}, {}, {}, {}]}"))
                .isInstanceOfSatisfying(HttpProblem.class, p -> {
                    assertThat(p.getStatus()).isEqualTo(413);
                    assertThat(p.getCode()).isEqualTo("batch_too_large");
                    assertThat(p.getField()).isEqualTo("events");
                    assertThat(p.getMessage()).contains("4 events").contains("at most 3");
                });
    }

    @Test
    void aRequestWithoutUsableEventsIs400() {
        assertBadRequest("", null);
        assertBadRequest("not json", null);
        assertBadRequest("[1]", null);
        assertBadRequest("{}", "events");
        assertBadRequest("{\"events\": null}", "events");
        assertBadRequest("{\"events\": {}}", "events");
        assertBadRequest("{\"events\": []}", "events");
        assertBadRequest("{\"events\": [{}], \"source\": 5}", "source");
        assertBadRequest("{\"events\": [{}], \"source\": \"bad source\"}", "source");
    }

    @Test
    void commandsNeedAKnownAction() {
        assertThat(requests.command("{\"action\": \"send_batch\", \"events\": []}").action()).isEqualTo("send_batch");
        assertThatThrownBy(() -> requests.command("{\"events\": []}")).isInstanceOfSatisfying(HttpProblem.class,
                p -> assertThat(p.getField()).isEqualTo("action"));
        assertThatThrownBy(() -> requests.command("{\"action\": 1}")).isInstanceOf(HttpProblem.class);
        assertThatThrownBy(() -> requests.unknownAction("explode")).isInstanceOfSatisfying(HttpProblem.class, p -> {
            assertThat(p.getStatus()).isEqualTo(400);
            assertThat(p.getMessage()).contains("explode");
        });
        assertThatThrownBy(() -> requests.requireUserId(null)).isInstanceOf(HttpProblem.class);
        assertThatThrownBy(() -> requests.requireUserId("a b")).isInstanceOf(HttpProblem.class);
        assertThat(requests.requireUserId("driver_123")).isEqualTo("driver_123");
    }

    private void assertBadRequest(String body, String field) {
        assertThatThrownBy(() -> requests.ingest(body)).as(body).isInstanceOfSatisfying(HttpProblem.class, p -> {
            assertThat(p.getStatus()).isEqualTo(400);
            assertThat(p.getField()).isEqualTo(field);
        });
    }
}
