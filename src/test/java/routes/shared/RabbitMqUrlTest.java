package routes.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RabbitMqUrlTest {

    @Test
    void theSeedsUrlWithATrailingSlashMeansTheDefaultVhost() {
        RabbitMqUrl url = RabbitMqUrl.parse("amqp://guest:guest@rabbitmq:5672/");
        assertThat(url).isEqualTo(new RabbitMqUrl("rabbitmq", 5672, "guest", "guest", "/", false));
        assertThat(url.addressPath()).isEmpty();
    }

    @Test
    void noPathAndAnEncodedSlashAlsoMeanTheDefaultVhost() {
        assertThat(RabbitMqUrl.parse("amqp://u:p@h").virtualHost()).isEqualTo("/");
        assertThat(RabbitMqUrl.parse("amqp://u:p@h:5672/%2F").virtualHost()).isEqualTo("/");
    }

    @Test
    void namedVhostPortDefaultsAndEncodedCredentials() {
        RabbitMqUrl url = RabbitMqUrl.parse("amqps://hub%40corp:p%3Ass+w@broker.example/prod");
        assertThat(url).isEqualTo(new RabbitMqUrl("broker.example", 5671, "hub@corp", "p:ss+w", "prod", true));
        assertThat(url.addressPath()).isEqualTo("/prod");
        assertThat(url.springProperties()).containsEntry("spring.rabbitmq.virtual-host", "prod")
                .containsEntry("spring.rabbitmq.ssl.enabled", true);
    }

    @Test
    void somethingElseIsAClearError() {
        assertThatThrownBy(() -> RabbitMqUrl.parse("http://h/")).hasMessageContaining("amqp://");
        assertThatThrownBy(() -> RabbitMqUrl.parse("amqp:///")).hasMessageContaining("no host");
    }
}
