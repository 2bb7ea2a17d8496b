package routes.summaries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

import routes.HubApplication;

/**
 * The outbox relay route (summariesOutboxRelay) with its claim, its Kafka publish and its backoff mocked: the claimed
 * rows go out as one batch in claim order, keyed by videoId, carrying only their own headers; a failed publish
 * records the error and the backoff for exactly the claimed ids, and the relay's exchange ends handled.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class)
@ActiveProfiles("unit")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@UseAdviceWith
class SummariesOutboxRelayTest {

    private static final String RELAY = "direct:summaries-outbox-relay";

    @Autowired
    CamelContext camelContext;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    SummariesSettings settings;

    private final List<Map<String, Object>> claimed = new ArrayList<>();
    /** The one bound in the context (JUnit makes a new test instance per test, the context stays). */
    private FakeTransactions transactions;

    @BeforeEach
    void adviseOnce() throws Exception {
        if (!camelContext.getStatus().isStarted()) {
            // transacted without a database: a transaction manager that only counts
            FakeTransactions fake = new FakeTransactions();
            camelContext.getRegistry().bind("summariesTestTransactions", fake);
            camelContext.getRegistry().bind("PROPAGATION_REQUIRED", new SpringTransactionPolicy(fake));
            AdviceWith.adviceWith(camelContext, "summariesOutboxRelay", a -> {
                a.weaveById("summariesOutboxClaim").replace().to("mock:claim");
                a.weaveById("summariesOutboxPublish").replace().to("mock:kafka");
                a.weaveById("summariesOutboxBackoff").replace().to("mock:backoff");
            });
            camelContext.start();
            camelContext.getRouteController().startRoute("summariesOutboxRelay");
        }
        MockEndpoint.resetMocks(camelContext);
        transactions = camelContext.getRegistry().lookupByNameAndType("summariesTestTransactions", FakeTransactions.class);
        claimed.clear();
        transactions.commits = 0;
        transactions.rollbacks = 0;
        mock("mock:claim").whenAnyExchangeReceived(e -> e.getMessage().setBody(new ArrayList<>(claimed)));
    }

    @Test
    void theClaimedRowsGoToKafkaAsOneBatchInClaimOrderAndTheTransactionCommits() throws Exception {
        List<UUID> ids = rows(3);
        mock("mock:claim").expectedMessageCount(1);
        mock("mock:kafka").expectedMessageCount(1);
        mock("mock:backoff").expectedMessageCount(0);
        // the pipeline's headers are not the records' headers
        Exchange relay = producer.send(RELAY, e -> e.getMessage().setHeader("someCallerHeader", "x"));

        MockEndpoint.assertIsSatisfied(camelContext);
        assertThat(relay.getException()).isNull();
        Exchange claim = mock("mock:claim").getExchanges().get(0);
        assertThat(claim.getProperty("outboxTopic")).isEqualTo(settings.outputTopic());
        Exchange published = mock("mock:kafka").getExchanges().get(0);
        assertThat(published.getMessage().getHeaders()).as("headers of the outer exchange go to every record").isEmpty();
        @SuppressWarnings("unchecked")
        List<Message> records = published.getMessage().getBody(List.class);
        assertThat(records).hasSize(3);
        for (int i = 0; i < 3; i++) {
            Message record = records.get(i);
            assertThat(record.getHeader("outboxEventId")).isEqualTo(ids.get(i).toString());
            assertThat(record.getHeader(KafkaConstants.KEY)).isEqualTo(String.valueOf(100 + i));
            assertThat(record.getHeader(KafkaConstants.OVERRIDE_TOPIC)).isEqualTo(settings.outputTopic());
            assertThat(record.getBody(String.class)).contains("\"id\":\"" + ids.get(i) + "\"");
        }
        // the ids, as one array parameter, for the backoff should the publish fail
        assertThat(published.getProperty("outboxIds")).isEqualTo("{" + ids.get(0) + "," + ids.get(1) + "," + ids.get(2) + "}");
        assertThat(transactions.commits).isEqualTo(1);
        assertThat(transactions.rollbacks).isZero();
    }

    @Test
    void aFailedPublishBacksOffTheClaimedRowsAndCommitsThat() throws Exception {
        List<UUID> ids = rows(2);
        mock("mock:kafka").whenAnyExchangeReceived(e -> {
            throw new org.apache.kafka.common.errors.TimeoutException("Expiring 2 record(s): broker down");
        });
        mock("mock:backoff").expectedMessageCount(1);

        Exchange relay = producer.send(RELAY, e -> { });

        MockEndpoint.assertIsSatisfied(camelContext);
        assertThat(relay.getException()).as("the failure is recorded in the rows, not thrown").isNull();
        Exchange backoff = mock("mock:backoff").getExchanges().get(0);
        assertThat(backoff.getProperty("outboxIds")).isEqualTo("{" + ids.get(0) + "," + ids.get(1) + "}");
        assertThat(backoff.getProperty("outboxError", String.class)).contains("broker down");
        // committed: the rows keep the counted attempt, the error and the next attempt time
        assertThat(transactions.commits).as("commits (rollbacks: " + transactions.rollbacks + ")").isEqualTo(1);
        assertThat(transactions.rollbacks).isZero();
    }

    @Test
    void nothingToClaimPublishesNothing() throws Exception {
        mock("mock:claim").expectedMessageCount(1);
        mock("mock:kafka").expectedMessageCount(0);
        mock("mock:backoff").expectedMessageCount(0);

        Exchange relay = producer.send(RELAY, e -> { });

        MockEndpoint.assertIsSatisfied(camelContext);
        assertThat(relay.getException()).isNull();
    }

    private List<UUID> rows(int count) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", id);
            row.put("topic", settings.outputTopic());
            row.put("payload", "{\"id\":\"" + id + "\",\"videoId\":" + (100 + i) + "}");
            row.put("message_key", String.valueOf(100 + i));
            claimed.add(row);
        }
        return ids;
    }

    private MockEndpoint mock(String uri) {
        return camelContext.getEndpoint(uri, MockEndpoint.class);
    }

    /** Begins, commits and rolls back nothing but counters. */
    private static final class FakeTransactions extends AbstractPlatformTransactionManager {
        int commits;
        int rollbacks;

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
            commits++;
        }

        @Override
        protected void doRollback(DefaultTransactionStatus status) {
            rollbacks++;
        }
    }
}
