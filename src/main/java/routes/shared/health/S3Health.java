package routes.shared.health;

import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

import routes.shared.HubSettings;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code s3} health component: the configured bucket exists and the credentials may see it. A failing store is
 * logged once when it goes down (WARN) and once when it is back (INFO), not on every probe; the health answer
 * carries the error each time.
 */
@Component("s3")
public final class S3Health implements HealthIndicator {

    private static final Logger LOG = LoggerFactory.getLogger(S3Health.class);

    private final S3Client s3;
    private final HubSettings.S3 settings;
    private final AtomicBoolean down = new AtomicBoolean();

    public S3Health(S3Client s3, HubSettings settings) {
        this.s3 = s3;
        this.settings = settings.s3();
    }

    @Override
    public Health health() {
        Health.Builder builder = new Health.Builder().withDetail("bucket", settings.bucket())
                .withDetail("endpoint", settings.overrideEndpoint() ? settings.endpoint() : "aws");
        try {
            s3.headBucket(b -> b.bucket(settings.bucket()));
        } catch (RuntimeException e) { // SdkException and whatever else the client throws
            if (down.compareAndSet(false, true)) {
                LOG.warn("S3 bucket {} not reachable: {}", settings.bucket(), e.getMessage());
            }
            return builder.down().withDetail("error", e.getClass().getName() + ": " + e.getMessage()).build();
        }
        if (down.compareAndSet(true, false)) {
            LOG.info("S3 bucket {} reachable again", settings.bucket());
        }
        return builder.up().build();
    }
}
