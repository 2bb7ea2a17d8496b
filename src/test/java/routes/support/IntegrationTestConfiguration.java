package routes.support;

import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** Test-only beans shared by every integration test context. */
@TestConfiguration(proxyBeanMethods = false)
public class IntegrationTestConfiguration {

    /** Each test JVM starts from an empty {@code hub_it} schema: whatever an earlier run left is gone. */
    @Bean
    FlywayMigrationStrategy cleanThenMigrate() {
        return flyway -> {
            flyway.clean();
            flyway.migrate();
        };
    }

    @Bean
    HubResources hubResources(org.springframework.amqp.core.AmqpAdmin amqpAdmin,
                              org.springframework.jdbc.core.JdbcTemplate jdbc,
                              org.springframework.data.redis.core.StringRedisTemplate redis) {
        return new HubResources(amqpAdmin, jdbc, redis);
    }
}
