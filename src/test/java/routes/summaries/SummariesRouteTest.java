package routes.summaries;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.api.Encoding;

import routes.HubApplication;
import routes.shared.LiveEvent;

/**
 * The summaries routes with every peer mocked (no broker, S3, database or LLM): the consumer's paths (summarized,
 * skipped, dead-lettered) and their offset commits, the map-reduce and its recursion, the LLM error classes.
 * Settings: the unit profile of config/summaries.yaml (chunks of 1000 tokens, reduce budget 1000, short delays).
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class)
@ActiveProfiles("unit")
// an advised CamelContext is this class's alone: never hand it to the next test class
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
@UseAdviceWith
class SummariesRouteTest {

    private static final String IN = "direct:summaries-test-in";
    private static final String LLM_STUB = "summariesTestLlm";
    private static final List<String> ROUTES = List.of("summariesConsume", "summariesAttempt", "summariesSummarize",
            "summariesLlm", "summariesLlmCall", "summariesLlmHttp", "summariesDeadLetter");
    /** A map or reduce answer: the same text every time, so the reduce's arithmetic is predictable. */
    private static final String ANSWER = "The speakers explain how integration routes move events between services, "
            + "why retries need backoff, and how an outbox keeps the database and the broker consistent. ".repeat(4).trim();

    @Autowired
    CamelContext camelContext;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    InFlightSummaries inFlight;
    @Autowired
    Encoding tokenizer;
    @Autowired
    SummariesSettings settings;
    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("summariesMapPoolBinding")
    routes.shared.RegisteredExecutor mapPool;

    private final ObjectMapper json = new ObjectMapper();
    private final AtomicReference<String> transcript = new AtomicReference<>();
    private final AtomicInteger existing = new AtomicInteger();

    @BeforeEach
    void adviseOnce() throws Exception {
        if (!camelContext.getStatus().isStarted()) {
            AdviceWith.adviceWith(camelContext, "summariesConsume", a -> {
                a.replaceFromWith(IN);
                a.weaveById("summariesCommit").before().to("mock:commit");
            });
            AdviceWith.adviceWith(camelContext, "summariesAttempt",
                    a -> a.weaveById("summariesFindExisting").replace().to("mock:existing"));
            AdviceWith.adviceWith(camelContext, "summariesSummarize", a -> {
                a.weaveById("summariesDownloadTranscript").replace().to("mock:transcript");
                a.weaveById("summariesUploadJson").replace().to("mock:s3-json");
                a.weaveById("summariesUploadText").replace().to("mock:s3-text");
                a.weaveById("summariesStore").replace().to("mock:store").setProperty("outboxEventId", a.body());
                a.mockEndpointsAndSkip("direct:live-event", "direct:summaries-outbox-relay");
            });
            // a processor, not a mock endpoint: a MockEndpoint takes one exchange at a time, the LLM many at once
            camelContext.getRegistry().bind(LLM_STUB, new AtomicReference<Processor>());
            AdviceWith.adviceWith(camelContext, "summariesLlmHttp", a -> a.weaveById("summariesLlmPost").replace()
                    .process(e -> llmStub(e.getContext()).get().process(e)));
            AdviceWith.adviceWith(camelContext, "summariesDeadLetter", a -> {
                a.weaveById("summariesToDeadLetterTopic").replace().to("mock:dlt");
                a.weaveById("summariesDeadLetterCommit").before().to("mock:commit");
                a.mockEndpointsAndSkip("direct:live-event");
            });
            camelContext.start();
            for (String route : ROUTES) {
                camelContext.getRouteController().startRoute(route);
            }
        }
        MockEndpoint.resetMocks(camelContext);
        // what an earlier test left running (chunks still retrying after their record was dead-lettered) ends first
        MapPool pool = (MapPool) mapPool.executor();
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.getActiveCount() == 0 && pool.getQueue().isEmpty());
        camelContext.getProcessor("summariesLlmBreaker", ResilienceProcessor.class).transitionToCloseState();
        existing.set(0);
        mock("mock:existing").whenAnyExchangeReceived(e -> e.getMessage().setHeader("summariesExisting", existing.get()));
        mock("mock:transcript").whenAnyExchangeReceived(e -> e.getMessage().setBody(
                new ByteArrayInputStream(transcript.get().getBytes(StandardCharsets.UTF_8))));
        mock("mock:store").whenAnyExchangeReceived(e -> e.getMessage().setBody(UUID.randomUUID().toString()));
    }

    @Test
    void summarizesATranscriptChunkByChunkWithAtMostFiveCallsInFlight() throws Exception {
        transcript.set(snippets(600));
        FakeLlm llm = llm(30, n -> FakeLlm.Reply.ok(ANSWER));
        mock("mock:s3-json").expectedMessageCount(1);
        mock("mock:s3-text").expectedMessageCount(1);
        mock("mock:store").expectedMessageCount(1);
        mock("mock:commit").expectedMessageCount(1);
        mock("mock:dlt").expectedMessageCount(0);
        mock("mock:direct:live-event").expectedMessageCount(1);

        send(event(41, "transcripts/41/transcript.json"));

        MockEndpoint.assertIsSatisfied(camelContext);
        JsonNode document = json.readTree(mock("mock:s3-json").getExchanges().get(0).getMessage().getBody(byte[].class));
        int chunks = document.path("chunkCount").asInt();
        assertThat(chunks).isGreaterThanOrEqualTo(8);
        assertThat(llm.mapCalls).hasValue(chunks);
        assertThat(document.path("videoId").asLong()).isEqualTo(41);
        assertThat(document.path("method").asText()).isEqualTo("map-reduce");
        assertThat(document.path("summaryText").asText()).isEqualTo(ANSWER);
        assertThat(document.path("qualityScore").asDouble()).isGreaterThan(0.9).isLessThanOrEqualTo(1.0);
        JsonNode parts = document.path("chunkSummaries");
        assertThat(parts).hasSize(chunks);
        for (int i = 0; i < chunks; i++) {
            assertThat(parts.get(i).path("index").asInt()).isEqualTo(i);
        }
        assertThat(parts.get(0).path("start").asDouble()).isEqualTo(0.0);
        assertThat(parts.get(chunks - 1).path("end").asDouble()).isEqualTo(599 * 4 + 3.5);
        assertThat(mock("mock:s3-json").getExchanges().get(0).getMessage().getHeader("CamelAwsS3Key"))
                .isEqualTo("summaries/41/summary.json");
        assertThat(mock("mock:s3-text").getExchanges().get(0).getMessage().getBody(String.class)).isEqualTo(ANSWER);
        // the map pool: parallel, but never more than hub.summaries.map-concurrency calls at once
        assertThat(llm.maxInFlight.get()).isBetween(2, settings.mapConcurrency());
        LiveEvent ready = mock("mock:direct:live-event").getExchanges().get(0).getProperty("liveEvent", LiveEvent.class);
        assertThat(ready.type()).isEqualTo(LiveEvent.SUMMARY_READY);
        assertThat(ready.data()).containsEntry("summary_file_key", "summaries/41/summary.json");
        assertThat(inFlight.size()).isZero();
    }

    @Test
    void aFailingOffsetCommitIsLoggedNotRetriedAsAFailedRecord() throws Exception {
        transcript.set(snippets(20));
        llm(30, n -> FakeLlm.Reply.ok(ANSWER));
        mock("mock:commit").whenAnyExchangeReceived(e -> {
            throw new org.apache.kafka.clients.consumer.CommitFailedException();
        });
        mock("mock:store").expectedMessageCount(1);
        mock("mock:commit").expectedMessageCount(1);
        mock("mock:dlt").expectedMessageCount(0);

        Exchange done = producer.send(IN, e -> e.getMessage().setBody(event(43, "transcripts/43/transcript.json")));

        MockEndpoint.assertIsSatisfied(camelContext);
        assertThat(done.getException()).isNull();
    }

    @Test
    void aSummaryObjectThatCannotBeStoredInS3LeavesNoRowAndNoEvent() throws Exception {
        transcript.set(snippets(20));
        FakeLlm llm = llm(0, n -> FakeLlm.Reply.ok(ANSWER));
        mock("mock:s3-text").whenAnyExchangeReceived(e -> {
            throw new java.io.IOException("S3 refused summary.txt");
        });
        mock("mock:store").expectedMessageCount(0);
        mock("mock:dlt").expectedMessageCount(1);
        mock("mock:commit").expectedMessageCount(1);

        send(event(47, "transcripts/47/transcript.json"));

        MockEndpoint.assertIsSatisfied(camelContext);
        Exchange dead = mock("mock:dlt").getExchanges().get(0);
        assertThat(dead.getMessage().getHeader(DeadLetters.EXCEPTION)).isEqualTo(java.io.IOException.class.getName());
        assertThat(dead.getMessage().getHeader(DeadLetters.ATTEMPTS)).isEqualTo(String.valueOf(settings.retry().attempts()));
        assertThat(mock("mock:s3-text").getReceivedCounter()).as("one upload per attempt").isEqualTo(settings.retry().attempts());
        assertThat(llm.mapCalls).hasValueGreaterThan(0);
    }

    @Test
    void aPlainTextTranscriptIsCutIntoSentencesAndSummarizedWithoutTimes() throws Exception {
        String sentence = "The speaker explains why an outbox keeps the database and the broker consistent. ";
        transcript.set("{\"text\": \"" + sentence.repeat(600).trim() + "\"}");
        FakeLlm llm = llm(0, n -> FakeLlm.Reply.ok(ANSWER));
        mock("mock:s3-json").expectedMessageCount(1);
        mock("mock:store").expectedMessageCount(1);
        mock("mock:commit").expectedMessageCount(1);
        mock("mock:dlt").expectedMessageCount(0);

        send(event(47, "transcripts/47/transcript.json"));

        MockEndpoint.assertIsSatisfied(camelContext);
        JsonNode document = json.readTree(mock("mock:s3-json").getExchanges().get(0).getMessage().getBody(byte[].class));
        int chunks = document.path("chunkCount").asInt();
        // ~16 tokens a sentence, 600 sentences, chunks of at most 1000 tokens (unit profile)
        assertThat(chunks).isGreaterThanOrEqualTo(9);
        assertThat(llm.mapCalls).hasValue(chunks);
        assertThat(document.path("summaryText").asText()).isEqualTo(ANSWER);
        JsonNode parts = document.path("chunkSummaries");
        assertThat(parts).hasSize(chunks);
        for (JsonNode part : parts) {
            assertThat(part.path("start").isNull() || part.path("start").isMissingNode()).as("a plain text has no times").isTrue();
        }
        SummaryWork work = mock("mock:store").getExchanges().get(0).getProperty(SummaryWork.PROPERTY, SummaryWork.class);
        // every sentence reached the LLM once: the chunks' tokens add up to the text's (give or take a join)
        assertThat(work.transcriptTokens()).isBetween(600 * tokenizer.countTokensOrdinary(sentence.trim()) - chunks,
                600 * tokenizer.countTokensOrdinary(sentence.trim()) + 600);
    }

    @Test
    void reducesInGroupsLevelByLevelUntilOneSummaryRemains() throws Exception {
        transcript.set(snippets(2400));
        FakeLlm llm = llm(0, n -> FakeLlm.Reply.ok(ANSWER));
        mock("mock:store").expectedMessageCount(1);

        send(event(42, "transcripts/42/transcript.json"));

        MockEndpoint.assertIsSatisfied(camelContext);
        Exchange stored = mock("mock:store").getExchanges().get(0);
        SummaryWork work = stored.getProperty(SummaryWork.PROPERTY, SummaryWork.class);
        int chunks = work.chunkSummaries().size();
        // the expected recursion, worked out independently: each reduce call takes budget / answer-size summaries
        int perCall = settings.reduceInputTokens() / tokenizer.countTokensOrdinary(ANSWER);
        int expectedLevels = 0;
        int expectedReduceCalls = 0;
        int pending = chunks;
        do {
            pending = (pending + perCall - 1) / perCall;
            expectedReduceCalls += pending;
            expectedLevels++;
        } while (pending > 1);
        assertThat(expectedLevels).isGreaterThanOrEqualTo(2);
        assertThat(work.reduceLevels()).isEqualTo(expectedLevels);
        assertThat(llm.reduceCalls).hasValue(expectedReduceCalls);
        assertThat(llm.mapCalls).hasValue(chunks);
        @SuppressWarnings("unchecked")
        Map<String, Object> modelInfo = stored.getProperty("modelInfo", Map.class);
        assertThat(modelInfo).containsEntry("reduceLevels", expectedLevels).containsEntry("method", "map-reduce");
    }

    @Test
    void anInvalidEventGoesToTheDeadLetterTopicAtOnce() throws Exception {
        FakeLlm llm = llm(0, n -> FakeLlm.Reply.ok(ANSWER));
        mock("mock:dlt").expectedMessageCount(2);
        mock("mock:commit").expectedMessageCount(2);
        mock("mock:transcript").expectedMessageCount(0);

        String missingKey = "{\"id\":\"" + UUID.randomUUID() + "\",\"videoId\":\"abc\"}";
        send(missingKey);
        send("this is not JSON");

        MockEndpoint.assertIsSatisfied(camelContext);
        Exchange first = mock("mock:dlt").getExchanges().get(0);
        assertThat(first.getMessage().getBody(String.class)).isEqualTo(missingKey);
        assertThat(first.getMessage().getHeader(DeadLetters.REASON)).isEqualTo(SummaryRejected.INVALID_PAYLOAD);
        assertThat(first.getMessage().getHeader(DeadLetters.ATTEMPTS)).isEqualTo("1");
        assertThat(first.getMessage().getHeader(DeadLetters.ERROR, String.class)).contains("videoId");
        assertThat(mock("mock:dlt").getExchanges().get(1).getMessage().getHeader(DeadLetters.REASON))
                .isEqualTo(SummaryRejected.INVALID_PAYLOAD);
        assertThat(llm.calls).hasValue(0);
    }

    @Test
    void anUnreadableTranscriptIsNotRetried() throws Exception {
        transcript.set("{\"words\": [1, 2, 3]}");
        FakeLlm llm = llm(0, n -> FakeLlm.Reply.ok(ANSWER));
        mock("mock:dlt").expectedMessageCount(1);
        mock("mock:direct:live-event").expectedMessageCount(1);
        mock("mock:commit").expectedMessageCount(1);

        send(event(43, "transcripts/43/transcript.json"));

        MockEndpoint.assertIsSatisfied(camelContext);
        Exchange dead = mock("mock:dlt").getExchanges().get(0);
        assertThat(dead.getMessage().getHeader(DeadLetters.REASON)).isEqualTo(SummaryRejected.INVALID_TRANSCRIPT);
        assertThat(dead.getMessage().getHeader(DeadLetters.ATTEMPTS)).isEqualTo("1");
        assertThat(dead.getMessage().getHeader(DeadLetters.EXCEPTION)).isEqualTo(SummaryRejected.class.getName());
        assertThat(mock("mock:transcript").getReceivedCounter()).isEqualTo(1);
        assertThat(llm.calls).hasValue(0);
        LiveEvent error = mock("mock:direct:live-event").getExchanges().get(0).getProperty("liveEvent", LiveEvent.class);
        assertThat(error.type()).isEqualTo(LiveEvent.ERROR);
        assertThat(error.videoId()).isEqualTo("43");
    }

    @Test
    void tooManyRequestsIsRetriedAndTheSummaryMade() throws Exception {
        transcript.set(snippets(20));
        FakeLlm llm = llm(0, n -> n == 1 ? FakeLlm.Reply.status(429, "0") : FakeLlm.Reply.ok(ANSWER));
        mock("mock:store").expectedMessageCount(1);
        mock("mock:dlt").expectedMessageCount(0);
        mock("mock:commit").expectedMessageCount(1);

        send(event(44, "transcripts/44/transcript.json"));

        MockEndpoint.assertIsSatisfied(camelContext);
        assertThat(llm.mapCalls).hasValue(2);
        assertThat(llm.reduceCalls).hasValue(1);
        assertThat(mock("mock:transcript").getReceivedCounter()).as("one attempt at the record").isEqualTo(1);
    }

    @Test
    void anLlmThatStaysDownSendsTheRecordToTheDeadLetterTopicAfterThreeAttempts() throws Exception {
        transcript.set(snippets(20));
        FakeLlm llm = llm(0, n -> FakeLlm.Reply.status(503, null));
        mock("mock:dlt").expectedMessageCount(1);
        mock("mock:commit").expectedMessageCount(1);
        mock("mock:store").expectedMessageCount(0);

        send(event(45, "transcripts/45/transcript.json"));

        MockEndpoint.assertIsSatisfied(camelContext);
        Exchange dead = mock("mock:dlt").getExchanges().get(0);
        assertThat(dead.getMessage().getHeader(DeadLetters.REASON)).isEqualTo("llm_unavailable");
        assertThat(dead.getMessage().getHeader(DeadLetters.ATTEMPTS)).isEqualTo(String.valueOf(settings.retry().attempts()));
        assertThat(dead.getMessage().getHeader(DeadLetters.EXCEPTION)).isEqualTo(LlmUnavailable.class.getName());
        assertThat(mock("mock:transcript").getReceivedCounter()).as("whole pipeline per attempt").isEqualTo(3);
        // each attempt's single map call is tried 1 + llm.retries times
        assertThat(llm.calls).hasValue(3 * 4);
    }

    @Test
    void theCircuitBreakerStopsCallingAnLlmThatKeepsFailing() throws Exception {
        transcript.set(snippets(600));
        FakeLlm llm = llm(0, n -> FakeLlm.Reply.status(500, null));
        mock("mock:dlt").expectedMessageCount(1);

        send(event(46, "transcripts/46/transcript.json"));

        MockEndpoint.assertIsSatisfied(camelContext);
        Exchange dead = mock("mock:dlt").getExchanges().get(0);
        assertThat(dead.getMessage().getHeader(DeadLetters.ATTEMPTS)).isEqualTo("3");
        assertThat(dead.getMessage().getHeader(DeadLetters.ERROR, String.class)).contains("circuit breaker is open");
        int chunks = 8;
        assertThat(llm.calls.get()).as("calls made, against %d without a breaker", 3 * chunks * 4).isLessThan(3 * chunks * 4 / 2);
    }

    @Test
    void aRequestTheLlmRefusesIsNotRetried() throws Exception {
        transcript.set(snippets(20));
        FakeLlm llm = llm(0, n -> FakeLlm.Reply.status(400, null));
        mock("mock:dlt").expectedMessageCount(1);

        send(event(47, "transcripts/47/transcript.json"));

        MockEndpoint.assertIsSatisfied(camelContext);
        Exchange dead = mock("mock:dlt").getExchanges().get(0);
        assertThat(dead.getMessage().getHeader(DeadLetters.REASON)).isEqualTo(SummaryRejected.LLM_REJECTED);
        assertThat(dead.getMessage().getHeader(DeadLetters.ATTEMPTS)).isEqualTo("1");
        assertThat(llm.calls).hasValue(1);
    }

    @Test
    void aVideoAlreadySummarizedFromTheSameTranscriptIsSkipped() throws Exception {
        existing.set(1);
        FakeLlm llm = llm(0, n -> FakeLlm.Reply.ok(ANSWER));
        mock("mock:commit").expectedMessageCount(1);
        mock("mock:transcript").expectedMessageCount(0);
        mock("mock:dlt").expectedMessageCount(0);

        send(event(48, "transcripts/48/transcript.json"));

        MockEndpoint.assertIsSatisfied(camelContext);
        assertThat(llm.calls).hasValue(0);
    }

    @Test
    void aCopyOfAnEventInWorkIsSkipped() throws Exception {
        FakeLlm llm = llm(0, n -> FakeLlm.Reply.ok(ANSWER));
        mock("mock:commit").expectedMessageCount(1);
        mock("mock:existing").expectedMessageCount(0);
        inFlight.add("49|transcripts/49/transcript.json");
        try {
            send(event(49, "transcripts/49/transcript.json"));
            MockEndpoint.assertIsSatisfied(camelContext);
        } finally {
            inFlight.remove("49|transcripts/49/transcript.json");
        }
        assertThat(llm.calls).hasValue(0);
    }

    private FakeLlm llm(long delayMs, java.util.function.IntFunction<FakeLlm.Reply> script) {
        FakeLlm llm = new FakeLlm(delayMs, script);
        llmStub(camelContext).set(llm);
        return llm;
    }

    @SuppressWarnings("unchecked")
    private static AtomicReference<Processor> llmStub(CamelContext context) {
        return (AtomicReference<Processor>) context.getRegistry().lookupByName(LLM_STUB);
    }

    private void send(String body) {
        producer.sendBody(IN, body);
    }

    private MockEndpoint mock(String uri) {
        return camelContext.getEndpoint(uri, MockEndpoint.class);
    }

    static String event(long videoId, String key) {
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"videoId\":" + videoId + ",\"transcriptFileKey\":\"" + key
                + "\",\"snippetCount\":10,\"ts\":\"2026-01-01T00:00:00Z\"}";
    }

    /** n snippets of ~15 tokens, 4 s apart, each 3.5 s long. */
    static String snippets(int n) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            json.append(i == 0 ? "" : ",").append("{\"text\":\"Sentence ").append(i)
                    .append(" explains how messages flow through the integration hub reliably.\",\"start\":")
                    .append(i * 4).append(",\"duration\":3.5}");
        }
        return json.append(']').toString();
    }
}
