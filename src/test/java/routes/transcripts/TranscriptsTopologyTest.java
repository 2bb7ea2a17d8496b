package routes.transcripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Exchange;
import org.springframework.amqp.core.ExchangeTypes;
import org.springframework.amqp.core.Queue;

class TranscriptsTopologyTest {

    private final TranscriptsSettings settings = new TranscriptsSettings("M3.Net.Modules.Transcripts.IntegrationEvents",
            "transcript-consumer", new TranscriptsSettings.Exchanges("in-x", "progress-x", "completed-x", "fault-x"), true,
            MessageSerializer.ENVELOPE);

    @Test
    void declaresTheReceiveEndpointAsMassTransitDoes() {
        List<Declarable> all = TranscriptsTopology.declarables(settings, RedeliverySchedule.parse("transcript-consumer", ""));
        for (String name : List.of("transcript-consumer", "transcript-consumer_error", "transcript-consumer_skipped")) {
            Queue queue = find(all, Queue.class, name);
            assertThat(queue.isDurable()).isTrue();
            assertThat(queue.isAutoDelete()).isFalse();
            assertThat(queue.isExclusive()).isFalse();
            assertThat(queue.getArguments()).isEqualTo(Map.of("x-queue-type", "quorum"));
            Exchange exchange = find(all, Exchange.class, name);
            assertThat(exchange.getType()).isEqualTo(ExchangeTypes.FANOUT);
            assertThat(exchange.isDurable()).isTrue();
            assertThat(exchange.isAutoDelete()).isFalse();
            assertThat(exchange.getArguments()).isEmpty();
        }
        for (String name : List.of("in-x", "progress-x", "completed-x", "fault-x")) {
            assertThat(find(all, Exchange.class, name).getType()).isEqualTo(ExchangeTypes.FANOUT);
        }
        assertThat(all).filteredOn(d -> d instanceof Binding).map(d -> (Binding) d)
                .anySatisfy(b -> {
                    assertThat(b.getExchange()).isEqualTo("in-x");
                    assertThat(b.getDestination()).isEqualTo("transcript-consumer");
                    assertThat(b.getDestinationType()).isEqualTo(Binding.DestinationType.EXCHANGE);
                })
                .anySatisfy(b -> {
                    assertThat(b.getExchange()).isEqualTo("transcript-consumer");
                    assertThat(b.getDestination()).isEqualTo("transcript-consumer");
                    assertThat(b.getDestinationType()).isEqualTo(Binding.DestinationType.QUEUE);
                });
    }

    @Test
    void declaresNoFaultExchangeWhenFaultsAreOff() {
        TranscriptsSettings off = new TranscriptsSettings(settings.namespace(), settings.endpoint(), settings.exchanges(), false,
                settings.publishSerializer());
        assertThat(TranscriptsTopology.declarables(off, RedeliverySchedule.parse("transcript-consumer", ""))).noneMatch(d -> d instanceof Exchange e && e.getName().equals("fault-x"));
    }

    @Test
    void declaresOneDelayQueuePerRedeliveryIntervalThatDeadLettersBackToTheEndpoint() {
        List<Declarable> all = TranscriptsTopology.declarables(settings, RedeliverySchedule.parse("transcript-consumer", " 5s, 30s,2M "));
        Map<String, Long> ttl = Map.of("transcript-consumer_delay_5s", 5_000L, "transcript-consumer_delay_30s", 30_000L,
                "transcript-consumer_delay_2m", 120_000L);
        ttl.forEach((name, millis) -> {
            Queue queue = find(all, Queue.class, name);
            assertThat(queue.isDurable()).isTrue();
            assertThat(queue.isAutoDelete()).isFalse();
            assertThat(queue.getArguments()).containsEntry("x-queue-type", "quorum")
                    .containsEntry("x-message-ttl", millis)
                    .containsEntry("x-dead-letter-exchange", "")
                    .containsEntry("x-dead-letter-routing-key", "transcript-consumer")
                    .containsEntry("x-dead-letter-strategy", "at-least-once")
                    .containsEntry("x-overflow", "reject-publish");
        });
        assertThat(all).filteredOn(d -> d instanceof Binding).map(d -> ((Binding) d).getDestination())
                .as("nothing is bound to a delay queue: the hub publishes to it by name").noneMatch(ttl::containsKey);
        assertThat(TranscriptsTopology.declarables(settings, RedeliverySchedule.parse("transcript-consumer", "")))
                .as("redelivery off").noneMatch(d -> d instanceof Queue q && q.getName().contains("_delay_"));
    }

    @Test
    void redeliveryIntervalsAreCheckedAtStart() {
        RedeliverySchedule schedule = RedeliverySchedule.parse("transcript-consumer", "500ms,5s,1h");
        assertThat(schedule.next(0).delay()).hasMillis(500);
        assertThat(schedule.next(2).queue()).isEqualTo("transcript-consumer_delay_1h");
        assertThat(schedule.next(3)).as("every interval spent").isNull();
        assertThat(RedeliverySchedule.parse("transcript-consumer", " ").enabled()).isFalse();
        for (String wrong : List.of("5", "0s", "-5s", "5 s", "PT5S", "five")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> RedeliverySchedule.parse("transcript-consumer", wrong))
                    .as(wrong).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TRANSCRIPTS_REDELIVERY_INTERVALS");
        }
    }

    private static <T> T find(List<Declarable> all, Class<T> type, String name) {
        return all.stream().filter(type::isInstance).map(type::cast)
                .filter(d -> name.equals(d instanceof Queue q ? q.getName() : ((Exchange) d).getName()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }
}
