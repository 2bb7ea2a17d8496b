package routes.summaries;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.kafka.KafkaClientFactory;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

import routes.HubApplication;
import routes.support.InMemoryTracing;

/**
 * The outbox relay with tracing on and Camel's real Kafka producer (a {@link MockProducer} instead of a broker): each
 * record of a batch carries the traceparent of ITS row (the trace of the video.transcribed record it answers), not the
 * traceparent the tracer puts on the relay's own message for the relay's producer span; a row without one yields a
 * record without one. Camel's Kafka producer gives every record of a batch the outer message's headers unless the
 * endpoint sets {@code batchWithIndividualHeaders}: then a relay run by the timer (a trace of its own) published
 * foreign trace ids.
 */
@CamelSpringBootTest
@SpringBootTest(classes = {HubApplication.class, InMemoryTracing.class}, properties = {
        "camel.opentelemetry2.enabled=true",
        // a publish that reaches for a real broker fails in a second, not in a minute per record
        "camel.component.kafka.max-block-ms=1000"})
@ActiveProfiles("unit")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@UseAdviceWith
class SummariesOutboxTracingTest {

    @Autowired
    CamelContext camelContext;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    SummariesSettings settings;
    @Autowired
    InMemorySpanExporter spans;
    @Autowired
    OpenTelemetrySdk openTelemetry;

    private final MockProducer<String, String> kafka = new MockProducer<>(true, new StringSerializer(), new StringSerializer());

    @Test
    void eachRelayedRecordCarriesTheTraceparentOfItsOwnRow() throws Exception {
        String first = "00-" + "1".repeat(32) + "-" + "a".repeat(16) + "-01";
        String second = "00-" + "2".repeat(32) + "-" + "b".repeat(16) + "-01";
        List<Map<String, Object>> rows = List.of(row(100, first), row(101, second), row(102, null));
        start(rows);

        Exchange relay = producer.send("direct:summaries-outbox-relay", e -> { });

        assertThat(relay.getException()).isNull();
        assertThat(camelContext.getEndpoint("mock:backoff", MockEndpoint.class).getReceivedCounter())
                .as("the publish did not fail").isZero();
        List<ProducerRecord<String, String>> records = kafka.history();
        assertThat(records).hasSize(3);
        for (int i = 0; i < 3; i++) {
            ProducerRecord<String, String> record = records.get(i);
            Map<String, Object> row = rows.get(i);
            assertThat(record.key()).isEqualTo(row.get("message_key"));
            assertThat(headerValues(record, "outboxEventId")).containsExactly(String.valueOf(row.get("id")));
            String traceparent = (String) row.get("traceparent");
            if (traceparent == null) {
                assertThat(headerValues(record, "traceparent")).as("record of a row without a trace").isEmpty();
            } else {
                assertThat(headerValues(record, "traceparent")).as("record " + i + " traceparent").containsExactly(traceparent);
            }
        }

        // tracing was on: the relay's producer span exists, and its trace is none of the rows' traces
        openTelemetry.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
        List<SpanData> publish = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(settings.outputTopic())).toList();
        assertThat(publish).as("the relay's Kafka producer span").hasSize(1);
        assertThat(publish.get(0).getTraceId()).isNotIn("1".repeat(32), "2".repeat(32));
    }

    private void start(List<Map<String, Object>> rows) throws Exception {
        camelContext.getRegistry().bind("PROPAGATION_REQUIRED", new SpringTransactionPolicy(new NoTransactions()));
        camelContext.getRegistry().bind("summariesTestKafka", new MockKafka(kafka));
        // the route's own publish endpoint (its URI as in the YAML), with the test's producer
        String publishUri = ProcessorDefinitionHelper.filterTypeInOutputs(((ModelCamelContext) camelContext)
                        .getRouteDefinition("summariesOutboxRelay").getOutputs(), ToDefinition.class).stream()
                .filter(to -> "summariesOutboxPublish".equals(to.getId())).findFirst().orElseThrow().getUri();
        AdviceWith.adviceWith(camelContext, "summariesOutboxRelay", a -> {
            a.weaveById("summariesOutboxClaim").replace().to("mock:claim");
            a.weaveById("summariesOutboxPublish").replace().to(publishUri + "&kafkaClientFactory=#summariesTestKafka");
            a.weaveById("summariesOutboxBackoff").replace().to("mock:backoff");
        });
        camelContext.start();
        MockEndpoint claim = camelContext.getEndpoint("mock:claim", MockEndpoint.class);
        claim.whenAnyExchangeReceived(e -> e.getMessage().setBody(new ArrayList<>(rows)));
        camelContext.getRouteController().startRoute("summariesOutboxRelay");
    }

    private Map<String, Object> row(int videoId, String traceparent) {
        UUID id = UUID.randomUUID();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("topic", settings.outputTopic());
        row.put("payload", "{\"id\":\"" + id + "\",\"videoId\":" + videoId + "}");
        row.put("message_key", String.valueOf(videoId));
        row.put("traceparent", traceparent);
        return row;
    }

    private static List<String> headerValues(ProducerRecord<String, String> record, String name) {
        List<String> values = new ArrayList<>();
        for (Header header : record.headers().headers(name)) {
            values.add(new String(header.value(), StandardCharsets.UTF_8));
        }
        return values;
    }

    /** The relay's producer is the test's {@link MockProducer}. */
    private record MockKafka(MockProducer<String, String> producer) implements KafkaClientFactory {
        @Override
        public Producer getProducer(Properties properties) {
            return producer;
        }

        @Override
        public Consumer getConsumer(Properties properties) {
            throw new UnsupportedOperationException("the relay only produces");
        }

        @Override
        public String getBrokers(KafkaConfiguration configuration) {
            return configuration.getBrokers();
        }
    }

    /** transacted without a database. */
    private static final class NoTransactions extends AbstractPlatformTransactionManager {
        @Override
        protected Object doGetTransaction() {
            return new Object();
        }

        @Override
        protected void doBegin(Object transaction, TransactionDefinition definition) {
            // nothing to open
        }

        @Override
        protected void doCommit(DefaultTransactionStatus status) {
            // nothing to commit
        }

        @Override
        protected void doRollback(DefaultTransactionStatus status) {
            // nothing to roll back
        }
    }
}
