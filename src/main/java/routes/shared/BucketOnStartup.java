package routes.shared;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/** Creates the bucket at start-up when {@code AWS_CREATE_BUCKET=true} (local S3 servers; never needed on AWS). */
final class BucketOnStartup implements InitializingBean {

    private static final Logger LOG = LoggerFactory.getLogger(BucketOnStartup.class);

    private final S3Client s3;
    private final HubSettings.S3 settings;

    BucketOnStartup(S3Client s3, HubSettings.S3 settings) {
        this.s3 = s3;
        this.settings = settings;
    }

    @Override
    public void afterPropertiesSet() {
        if (!settings.createBucket()) {
            return;
        }
        try {
            s3.headBucket(b -> b.bucket(settings.bucket()));
        } catch (NoSuchBucketException missing) {
            try {
                s3.createBucket(b -> b.bucket(settings.bucket()));
                LOG.info("Created S3 bucket {}", settings.bucket());
            } catch (BucketAlreadyOwnedByYouException raced) {
                // another instance made it first
            }
        } catch (RuntimeException unreachable) {
            LOG.warn("S3 at {} not reachable at start-up, bucket {} not checked: {}", settings.endpoint(), settings.bucket(),
                    unreachable.getMessage());
        }
    }
}
