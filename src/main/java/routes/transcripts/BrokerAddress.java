package routes.transcripts;

import routes.shared.RabbitMqUrl;

/** {@code rabbitmq://<host>[/<vhost>]}: how MassTransit writes addresses on the broker of RABBITMQ_URL. */
public record BrokerAddress(String base) {

    public static BrokerAddress fromUrl(String rabbitMqUrl) {
        RabbitMqUrl url = RabbitMqUrl.parse(rabbitMqUrl);
        return new BrokerAddress("rabbitmq://" + url.host() + url.addressPath());
    }

    public String address(String exchangeOrQueue) {
        return base + "/" + exchangeOrQueue;
    }
}
