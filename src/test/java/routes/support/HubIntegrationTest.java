package routes.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

import routes.HubApplication;

/**
 * An integration test of the whole hub against real services: the machine's RabbitMQ, PostgreSQL (schema
 * {@code hub_it}, cleaned and migrated once per test JVM) and Redis, an in-JVM Kafka KRaft broker, an S3
 * server process and WireMock for HTTP peers ({@link TestInfrastructure}). Every class carrying exactly this
 * annotation shares one Spring context, so keep per-class settings out of it: isolate by cleaning up the
 * queues, rows and keys a test uses ({@link HubResources}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@CamelSpringBootTest
@DisableJmx(false)
@ActiveProfiles("it")
@EmbeddedKafka(kraft = true, count = 1, partitions = 2, bootstrapServersProperty = "hub.kafka.brokers",
        topics = {"video.transcribed", "video.transcribed.DLT", "video.summarized"})
@ContextConfiguration(initializers = TestInfrastructure.class)
@Import(IntegrationTestConfiguration.class)
public @interface HubIntegrationTest {
}
