package routes.shared.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.function.Consumer;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Status;

import routes.shared.HubSettings;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;

/** The s3 health component reports every failed probe but logs the outage once, and its end once. */
class S3HealthTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(S3Health.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @AfterEach
    void detach() {
        logger.detachAppender(logged);
    }

    @Test
    @SuppressWarnings("unchecked")
    void downIsLoggedOnceNotOnEveryProbe() {
        logged.start();
        logger.addAppender(logged);
        S3Client s3 = mock(S3Client.class);
        when(s3.headBucket(any(Consumer.class)))
                .thenThrow(SdkClientException.create("Unable to execute HTTP request: Connection refused"))
                .thenThrow(SdkClientException.create("Unable to execute HTTP request: Connection refused"))
                .thenThrow(SdkClientException.create("Unable to execute HTTP request: Connection refused"))
                .thenReturn(HeadBucketResponse.builder().build());
        S3Health health = new S3Health(s3, settings());

        for (int probe = 0; probe < 3; probe++) {
            var answer = health.health();
            assertThat(answer.getStatus()).isEqualTo(Status.DOWN);
            assertThat(String.valueOf(answer.getDetails().get("error"))).contains("Connection refused");
        }
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);

        assertThat(logged.list).extracting(e -> e.getLevel().toString()).containsExactly("WARN", "INFO");
    }

    private static HubSettings settings() {
        return new HubSettings("integration-hub", new HubSettings.S3("us-east-1", "http://127.0.0.1:9000", true,
                "local", "local-secret", "youtube-ai", false), null, null, null, null);
    }
}
