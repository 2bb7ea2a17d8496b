package routes.transcripts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BrokerAddressTest {

    @Test
    void addressesAsMassTransitWritesThem() {
        assertThat(BrokerAddress.fromUrl("amqp://guest:guest@rabbitmq:5672/").address("transcript-consumer"))
                .isEqualTo("rabbitmq://rabbitmq/transcript-consumer");
        assertThat(BrokerAddress.fromUrl("amqp://u:p@broker.internal:5672/%2F").address("x"))
                .isEqualTo("rabbitmq://broker.internal/x");
        assertThat(BrokerAddress.fromUrl("amqps://u:p@broker.internal/m3").address("m3-a:b"))
                .isEqualTo("rabbitmq://broker.internal/m3/m3-a:b");
    }
}
