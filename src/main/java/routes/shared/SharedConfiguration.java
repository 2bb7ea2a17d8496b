package routes.shared;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.config.RetryInterceptorBuilder;
import org.springframework.amqp.rabbit.retry.ImmediateRequeueMessageRecoverer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.retry.interceptor.RetryOperationsInterceptor;
import org.springframework.retry.policy.NeverRetryPolicy;

import routes.shared.logging.CorrelatedUnitOfWorkFactory;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Beans every flow uses: the secret guard, the HTTP error rendering, the S3 client and the RabbitMQ listener containers. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HubSettings.class)
public class SharedConfiguration {

    @Bean
    InternalSecretGuard internalSecretGuard(HubSettings settings) {
        HubSettings.Security security = settings.security();
        Instant previousExpiry = security.previousSecretExpiry();
        InternalSecretGuard guard = new InternalSecretGuard(security.internalSecret(), security.internalSecretPrevious(),
                previousExpiry, InternalSecretGuard.Mode.parse(security.internalAuth()),
                Duration.ofSeconds(security.signatureToleranceSeconds()), security.internalSignatureV1Accepted(),
                Clock.systemUTC());
        Logger log = LoggerFactory.getLogger(InternalSecretGuard.class);
        if (!guard.configured()) {
            // prod refuses to start (ProductionSecrets); elsewhere say why every internal call will get a 401
            log.warn("INTERNAL_API_SECRET is not set: the internal endpoints answer 401 to every call");
        }
        String previous = security.internalSecretPrevious();
        if (previous != null && !previous.isEmpty()) {
            // prod refuses to start with a previous secret and no expiry (ProductionSecrets)
            log.info(previousExpiry == null
                    ? "INTERNAL_API_SECRET_PREVIOUS is accepted with no expiry (INTERNAL_API_SECRET_PREVIOUS_EXPIRES_AT unset)"
                    : "INTERNAL_API_SECRET_PREVIOUS is accepted until " + previousExpiry);
        }
        return guard;
    }

    /**
     * Every spring-rabbitmq consumer's listener container
     * ({@code camel.component.spring-rabbitmq.listener-container-factory: "#rabbitListenerContainers"}).
     */
    @Bean
    RecoveringListenerContainers rabbitListenerContainers(ApplicationContext context,
            @Value("${hub.rabbitmq.consumer-restart-interval:3s}") Duration restartInterval) {
        return new RecoveringListenerContainers(context, restartInterval);
    }

    /**
     * The listener advice of every consumer that must never lose a delivery its route failed (spring-rabbitmq option
     * {@code retry=#requeueOnFailure}): no retry in the container (the route has its own), then the delivery goes
     * back to the queue. Without it, camel-spring-rabbitmq's default advice with {@code rejectAndDontRequeue=false}
     * ends in Spring AMQP's default recoverer, which logs "Message(s) dropped on recovery" and acks the delivery.
     * On a quorum queue every return counts in {@code x-delivery-count}, which bounds a loop where the route checks it.
     */
    @Bean
    RetryOperationsInterceptor requeueOnFailure() {
        return RetryInterceptorBuilder.stateless()
                .retryPolicy(new NeverRetryPolicy())
                .recoverer(new ImmediateRequeueMessageRecoverer())
                .build();
    }

    @Bean
    HttpProblemResponse httpProblemResponse() {
        return new HttpProblemResponse();
    }

    /** camel-sql's {@code prepareStatementStrategy} for statements whose named parameters come from a map body. */
    @Bean
    MapParameters sqlMapParameters() {
        return new MapParameters();
    }

    @Bean
    CorrelationId correlationId() {
        return new CorrelationId();
    }

    /** Camel's MDC keys plus {@code correlationId} on every log line of an exchange, on whatever thread it runs. */
    @Bean
    CorrelatedUnitOfWorkFactory correlatedUnitOfWorkFactory() {
        return new CorrelatedUnitOfWorkFactory();
    }

    /** One S3 client for the whole hub; camel-aws2-s3 endpoints use it ({@code amazonS3Client=#s3Client}). */
    @Bean(destroyMethod = "close")
    S3Client s3Client(HubSettings settings) {
        HubSettings.S3 s3 = settings.s3();
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(s3.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .forcePathStyle(true);
        if (s3.overrideEndpoint()) {
            // S3-compatible servers (MinIO, LocalStack, S3Proxy): checksums only where S3 requires them. The SDK's
            // default (2.30+) adds CRC32 checksums to every request and checks them on every download, which not
            // every such server supports
            builder.endpointOverride(URI.create(s3.endpoint()))
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder.build();
    }

    @Bean
    BucketOnStartup bucketOnStartup(S3Client s3Client, HubSettings settings) {
        return new BucketOnStartup(s3Client, settings.s3());
    }

    /** What every JSON parser of the hub accepts (docs/security.adoc "JSON limits"). */
    @Bean
    JsonLimits jsonLimits(@Value("${hub.json.max-depth}") int maxDepth,
                          @Value("${hub.json.max-string-length}") int maxStringLength,
                          @Value("${hub.json.max-number-length}") int maxNumberLength) {
        return new JsonLimits(maxDepth, maxStringLength, maxNumberLength);
    }

    /**
     * Spring's ObjectMapper parses within the JSON limits: Spring MVC, every bean given it, Camel's json-validator
     * (the registry's single ObjectMapper) and the Jackson data format that unmarshals ({@code autoDiscoverObjectMapper}).
     */
    @Bean
    Jackson2ObjectMapperBuilderCustomizer jsonLimitsOnTheObjectMapper(JsonLimits jsonLimits) {
        return builder -> builder.postConfigurer(jsonLimits::applyTo);
    }

    /** Spring MVC's own 405, 415 and 406 in the JSON problem format. */
    @Bean
    MvcProblemAnswers mvcProblemAnswers(ProblemAnswer problemAnswer) {
        return new MvcProblemAnswers(problemAnswer);
    }

    /** How every filter of the public listener writes its refusals (JSON problem body). */
    @Bean
    ProblemAnswer problemAnswer(ObjectMapper json) {
        return new ProblemAnswer(json);
    }

    /** The public listener's body-size limit, ahead of every other filter (CORS, Spring Security, Camel, MVC). */
    @Bean
    FilterRegistrationBean<RequestBodyLimit> requestBodyLimit(@Value("${hub.http.max-body-bytes}") long maxBodyBytes,
                                                              ProblemAnswer problemAnswer) {
        FilterRegistrationBean<RequestBodyLimit> registration = new FilterRegistrationBean<>(
                new RequestBodyLimit(maxBodyBytes, problemAnswer));
        registration.setName("requestBodyLimit");
        registration.addUrlPatterns("/*");
        registration.setAsyncSupported(true);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** Requests Spring Security's firewall refuses: 400 with the JSON problem body instead of a 500 error page. */
    @Bean
    RejectedRequestAnswer rejectedRequestAnswer(ProblemAnswer problemAnswer) {
        return new RejectedRequestAnswer(problemAnswer);
    }

    /** The firewall's header and parameter rules checked up front, right after the body-size limit (StrictRequestCheck). */
    @Bean
    FilterRegistrationBean<StrictRequestCheck> strictRequestCheck(RejectedRequestAnswer rejectedRequestAnswer,
                                                                  ProblemAnswer problemAnswer) {
        FilterRegistrationBean<StrictRequestCheck> registration = new FilterRegistrationBean<>(
                new StrictRequestCheck(rejectedRequestAnswer, problemAnswer));
        registration.setName("strictRequestCheck");
        registration.addUrlPatterns("/*");
        registration.setAsyncSupported(true);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    /** The internal listener's netty-http binding (camel.component.netty-http.netty-http-binding): unparseable targets answered 400. */
    @Bean
    RequestTargetNettyHttpBinding hubNettyHttpBinding() {
        return new RequestTargetNettyHttpBinding();
    }

    @Bean
    RequestTargetNettyHttpBinding.Check requestTargetCheck() {
        return new RequestTargetNettyHttpBinding.Check();
    }
}
