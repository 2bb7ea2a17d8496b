package routes.shared.health;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

import routes.shared.HubSettings;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code s3} health component: the configured bucket exists and the credentials may see it. */
@Component("s3")
public final class S3Health extends AbstractHealthIndicator {

    private final S3Client s3;
    private final HubSettings.S3 settings;

    public S3Health(S3Client s3, HubSettings settings) {
        super("S3 health check failed");
        this.s3 = s3;
        this.settings = settings.s3();
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        s3.headBucket(b -> b.bucket(settings.bucket()));
        builder.up().withDetail("bucket", settings.bucket()).withDetail("endpoint",
                settings.overrideEndpoint() ? settings.endpoint() : "aws");
    }
}
