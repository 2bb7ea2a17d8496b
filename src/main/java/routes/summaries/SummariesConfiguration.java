package routes.summaries;

import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.camel.model.Resilience4jConfigurationDefinition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

import routes.shared.HubSettings;
import routes.shared.RegisteredExecutor;

/** The beans summaries.camel.yaml refers to. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SummariesSettings.class)
public class SummariesConfiguration {

    @Bean
    Encoding summariesTokenizer() {
        return Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    }

    @Bean
    TranscriptChunker transcriptChunker(Encoding summariesTokenizer, SummariesSettings settings,
                                        RegisteredExecutor summariesChunkReaderBinding) {
        // as many chunks ready as the map pool has threads: a wave of calls that ends together finds them all made
        return new TranscriptChunker(summariesTokenizer, settings.chunkTokens(), summariesChunkReaderBinding.executor(),
                settings.mapConcurrency());
    }

    /**
     * Makes each video's next chunk (JSON reading and tokenizing) while its LLM calls run. Two threads: the
     * tokenizer is CPU work, and a chunk is made in milliseconds while a call takes seconds.
     */
    @Bean
    RegisteredExecutor summariesChunkReaderBinding() {
        return new RegisteredExecutor("summariesChunkReader",
                Executors.newFixedThreadPool(2, RegisteredExecutor.daemonThreads("summaries-chunk-reader")));
    }

    @Bean
    TranscriptSpool transcriptSpool(RegisteredExecutor summariesTranscriptCopierBinding) {
        return new TranscriptSpool(Path.of(System.getProperty("java.io.tmpdir"), "integration-hub-summaries"),
                summariesTranscriptCopierBinding.executor());
    }

    /**
     * Copies S3 downloads into their spool files while the chunker reads them. A thread per download in progress,
     * at most four (threads end after 30 s idle); a download that finds all four busy is copied on its own route's
     * thread instead, before the chunker starts.
     */
    @Bean
    RegisteredExecutor summariesTranscriptCopierBinding() {
        return new RegisteredExecutor("summariesTranscriptCopier", new ThreadPoolExecutor(0, 4, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), RegisteredExecutor.daemonThreads("summaries-transcript-copier")));
    }

    @Bean
    LlmChat llmChat(ObjectMapper objectMapper, HubSettings hub, SummariesSettings settings) {
        return new LlmChat(objectMapper, hub.llm().model(), settings.llm(), settings.llm().retryMaxDelayMs());
    }

    @Bean
    MapReduce summariesMapReduce(LlmChat llmChat, TranscriptChunker transcriptChunker, HubSettings hub,
                                 SummariesSettings settings) {
        ReducePlan plan = new ReducePlan(transcriptChunker::countTokens, settings.reduceInputTokens());
        return new MapReduce(llmChat, plan, transcriptChunker, hub.llm().model());
    }

    /** The LLM call pool, the splitters' {@code executorService: summariesMapPool}. */
    @Bean
    RegisteredExecutor summariesMapPoolBinding(SummariesSettings settings) {
        return new RegisteredExecutor("summariesMapPool", new MapPool(settings.mapConcurrency()));
    }

    /** The LLM circuit breaker's thresholds (circuitBreaker {@code summariesLlmBreaker} in summaries.camel.yaml). */
    @Bean
    Resilience4jConfigurationDefinition summariesLlmBreakerSettings(Environment environment) {
        String prefix = "hub.summaries.llm.breaker.";
        Resilience4jConfigurationDefinition breaker = new Resilience4jConfigurationDefinition();
        breaker.setFailureRateThreshold(environment.getRequiredProperty(prefix + "failure-rate-threshold"));
        breaker.setSlidingWindowSize(environment.getRequiredProperty(prefix + "sliding-window-size"));
        breaker.setMinimumNumberOfCalls(environment.getRequiredProperty(prefix + "minimum-number-of-calls"));
        breaker.setWaitDurationInOpenState(environment.getRequiredProperty(prefix + "wait-in-open-seconds"));
        breaker.setAutomaticTransitionFromOpenToHalfOpenEnabled("true");
        breaker.setTimeoutEnabled("false");
        return breaker;
    }

    @Bean
    OrderedResults summariesOrderedResults() {
        return new OrderedResults();
    }

    @Bean
    InFlightSummaries inFlightSummaries() {
        return new InFlightSummaries();
    }

    @Bean
    OutboxBacklog summariesOutboxBacklog(NamedParameterJdbcTemplate jdbc, SummariesSettings settings) {
        return new OutboxBacklog(jdbc, settings.outputTopic());
    }

    @Bean
    SummaryStore summaryStore(NamedParameterJdbcTemplate jdbc, PlatformTransactionManager transactionManager,
                              ObjectMapper objectMapper, SummariesSettings settings, HubSettings hub) {
        return new SummaryStore(jdbc, new TransactionTemplate(transactionManager), objectMapper, settings.outputTopic(),
                hub.name());
    }

    @Bean
    OutboxBatch outboxBatch() {
        return new OutboxBatch();
    }

    @Bean
    SummaryEvents summaryEvents() {
        return new SummaryEvents();
    }

    @Bean
    DeadLetters summariesDeadLetters() {
        return new DeadLetters();
    }

    @Bean
    SummaryFailures summaryFailures(SummariesSettings settings) {
        return new SummaryFailures(settings.retry().attempts());
    }

    @Bean
    KafkaOffsets summariesKafkaOffsets() {
        return new KafkaOffsets();
    }
}
