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
        List<Declarable> all = TranscriptsTopology.declarables(settings);
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
        assertThat(TranscriptsTopology.declarables(off)).noneMatch(d -> d instanceof Exchange e && e.getName().equals("fault-x"));
    }

    private static <T> T find(List<Declarable> all, Class<T> type, String name) {
        return all.stream().filter(type::isInstance).map(type::cast)
                .filter(d -> name.equals(d instanceof Queue q ? q.getName() : ((Exchange) d).getName()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }
}
