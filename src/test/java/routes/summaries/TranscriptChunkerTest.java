package routes.summaries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

class TranscriptChunkerTest {

    private static final Encoding CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    private final TranscriptChunker chunker = new TranscriptChunker(CL100K, 300);

    @Test
    void cutsASnippetArrayAtSnippetBoundariesWithinTheTokenLimit() {
        List<String> snippets = new ArrayList<>();
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 200; i++) {
            String text = "Snippet number " + i + " talks about the integration of message brokers and databases.";
            snippets.add(text);
            json.append(i == 0 ? "" : ",").append("{\"text\":\"").append(text).append("\",\"start\":").append(i * 3.5)
                    .append(",\"duration\":3.0}");
        }
        json.append("]");

        List<TranscriptChunk> chunks = all(json.toString());

        assertThat(chunks).hasSizeGreaterThan(5);
        List<String> rebuilt = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            TranscriptChunk chunk = chunks.get(i);
            assertThat(chunk.index()).isEqualTo(i);
            assertThat(CL100K.countTokensOrdinary(chunk.text())).as("real token count of chunk " + i)
                    .isEqualTo(chunk.tokens()).isLessThanOrEqualTo(300);
            // a chunk is whole snippets: it starts where a snippet starts and ends where one ends
            assertThat(chunk.text()).startsWith("Snippet number ").endsWith("databases.");
            rebuilt.add(chunk.text());
        }
        // nothing lost, nothing repeated, order kept
        assertThat(String.join(" ", rebuilt)).isEqualTo(String.join(" ", snippets));
        // times: first chunk starts at 0, each chunk starts where the previous ended (+0.5 s gap), last ends at the end
        assertThat(chunks.get(0).start()).isEqualTo(0.0);
        assertThat(chunks.get(chunks.size() - 1).end()).isEqualTo(199 * 3.5 + 3.0);
        for (int i = 1; i < chunks.size(); i++) {
            assertThat(chunks.get(i).start()).isEqualTo(chunks.get(i - 1).end() + 0.5);
        }
        // greedy: a chunk plus the next chunk's first snippet would not have fit
        for (int i = 0; i + 1 < chunks.size(); i++) {
            String firstOfNext = chunks.get(i + 1).text().substring(0, chunks.get(i + 1).text().indexOf("databases.") + 10);
            assertThat(CL100K.countTokensOrdinary(chunks.get(i).text() + " " + firstOfNext)).isGreaterThan(300);
        }
    }

    @Test
    void readsAnObjectWithSnippetsIgnoringOtherFields() {
        List<TranscriptChunk> chunks = all("""
                {"videoId": 7, "language": {"code": "en"}, "snippets": [
                  {"text": "Hello", "start": 1.0, "duration": 2.0, "speaker": "a"},
                  {"text": "world", "start": 3.0, "duration": 1.5}
                ], "trailing": [1, 2]}""");

        assertThat(chunks).singleElement().satisfies(c -> {
            assertThat(c.text()).isEqualTo("Hello world");
            assertThat(c.start()).isEqualTo(1.0);
            assertThat(c.end()).isEqualTo(4.5);
        });
    }

    @Test
    void cutsAPlainTextTranscriptAtSentenceEndsWithoutTimes() {
        String sentence = "This sentence is about Apache Camel routes and how they move messages around. ";
        String text = sentence.repeat(400);
        List<TranscriptChunk> chunks = all("{\"text\": \"" + text + "\"}");

        assertThat(chunks).hasSizeGreaterThan(10);
        for (TranscriptChunk chunk : chunks) {
            assertThat(chunk.tokens()).isLessThanOrEqualTo(300);
            assertThat(chunk.start()).isNull();
            assertThat(chunk.text()).startsWith("This sentence").endsWith("around.");
        }
    }

    @Test
    void cutsASnippetLongerThanAChunkByTokens() {
        String huge = "word ".repeat(2000).trim();
        List<TranscriptChunk> chunks = all("[{\"text\":\"short one\",\"start\":0,\"duration\":1},"
                + "{\"text\":\"" + huge + "\",\"start\":1,\"duration\":600}]");

        assertThat(chunks).hasSizeGreaterThanOrEqualTo(7);
        int words = 0;
        for (TranscriptChunk chunk : chunks) {
            assertThat(CL100K.countTokensOrdinary(chunk.text())).isLessThanOrEqualTo(300);
            words += chunk.text().split(" ").length;
        }
        assertThat(words).isEqualTo(2000 + 2);
        assertThat(chunks.get(chunks.size() - 1).end()).isEqualTo(601.0);
    }

    @Test
    void aHugeTranscriptStreamsThroughWithEveryTokenAccountedFor() {
        // about three hours: 3600 snippets of ~25 tokens each
        StringBuilder json = new StringBuilder("[");
        long expectedTokens = 0;
        for (int i = 0; i < 3600; i++) {
            String text = "At minute " + (i / 20) + " the speaker explains idempotent consumers, outbox relays and retries " + i;
            expectedTokens += CL100K.countTokensOrdinary(text);
            json.append(i == 0 ? "" : ",").append("{\"text\":\"").append(text).append("\",\"start\":").append(i * 3)
                    .append(",\"duration\":3}");
        }
        json.append("]");
        TranscriptChunker big = new TranscriptChunker(CL100K, 8000);

        List<TranscriptChunk> chunks = new ArrayList<>();
        big.chunks(stream(json.toString())).forEachRemaining(chunks::add);

        long total = chunks.stream().mapToLong(TranscriptChunk::tokens).sum();
        assertThat(chunks).allSatisfy(c -> assertThat(c.tokens()).isLessThanOrEqualTo(8000));
        // joined with spaces, the count is the same as the snippets' counts summed (cl100k splits before spaces)
        assertThat(total).isEqualTo(expectedTokens);
        // greedy: every chunk but the last is full up to less than one snippet (< 40 tokens here)
        assertThat(chunks.size()).isBetween((int) Math.ceil(expectedTokens / 8000.0), (int) Math.ceil(expectedTokens / 7960.0));
        assertThat(chunks.get(chunks.size() - 1).end()).isEqualTo(3600 * 3.0);
    }

    @Test
    void aChunksCountIsTheTokenizersCountOfItsTextForTextOfEveryKind() {
        // letters, contractions, digits, punctuation, accents and combining marks, CJK, emoji, no-break and other
        // spaces, tabs and newlines inside snippets, snippets longer than a chunk (cut by tokens)
        String[] atoms = {"word", "Integration", "hub's", "don't", "I'll", "12345", "3.14", "-", "--", "(", ")", ".", "!?",
                "\\\"quoted\\\"", "café", "naïve", "e\u0301", "日本語", "中文字符", "😀", "👍🏽", "\u00a0", "\u2009", "\\t",
                "\\n", "  ", "x", "ABC", "#tag", "@user", "http://example.com/a?b=1", "'", "'s", "99%", "€5"};
        java.util.Random random = new java.util.Random(20261122);
        for (int transcript = 0; transcript < 150; transcript++) {
            int limit = 20 + random.nextInt(300);
            StringBuilder json = new StringBuilder("[");
            int snippets = 1 + random.nextInt(60);
            for (int i = 0; i < snippets; i++) {
                StringBuilder text = new StringBuilder();
                int words = 1 + random.nextInt(random.nextInt(10) == 0 ? 400 : 25);
                for (int w = 0; w < words; w++) {
                    text.append(atoms[random.nextInt(atoms.length)]);
                    if (random.nextInt(3) > 0) {
                        text.append(' ');
                    }
                }
                json.append(i == 0 ? "" : ",").append("{\"text\":\"").append(text).append("\",\"start\":").append(i)
                        .append(",\"duration\":1}");
            }
            json.append("]");
            TranscriptChunker.Chunks chunks;
            try {
                chunks = new TranscriptChunker(CL100K, limit).chunks(stream(json.toString()));
            } catch (SummaryRejected blank) {
                continue; // only blank snippets drawn
            }
            int seed = transcript;
            chunks.forEachRemaining(chunk -> {
                assertThat(chunk.tokens()).as("transcript %d, chunk %d", seed, chunk.index())
                        .isEqualTo(CL100K.countTokensOrdinary(chunk.text()))
                        .isLessThanOrEqualTo(limit);
            });
        }
    }

    @Test
    void anEmptyTranscriptIsRejected() {
        assertRejected("[]", SummaryRejected.EMPTY_TRANSCRIPT, "no text");
        assertRejected("[{\"text\":\"   \"},{\"text\":\"\"}]", SummaryRejected.EMPTY_TRANSCRIPT, "no text");
        assertRejected("{\"text\": \"\"}", SummaryRejected.EMPTY_TRANSCRIPT, "no text");
        assertRejected("{\"snippets\": []}", SummaryRejected.EMPTY_TRANSCRIPT, "no text");
    }

    @Test
    void anythingElseIsAClearNonRetriedError() {
        assertRejected("42", SummaryRejected.INVALID_TRANSCRIPT, "must be a JSON array");
        assertRejected("\"just a string\"", SummaryRejected.INVALID_TRANSCRIPT, "must be a JSON array");
        assertRejected("{\"transcript\": \"x\"}", SummaryRejected.INVALID_TRANSCRIPT, "'snippets' array or a 'text' string");
        assertRejected("{\"snippets\": \"x\"}", SummaryRejected.INVALID_TRANSCRIPT, "'snippets' must be an array");
        assertRejected("[\"plain\"]", SummaryRejected.INVALID_TRANSCRIPT, "snippet 0 must be an object");
        assertRejected("[{\"start\": 1}]", SummaryRejected.INVALID_TRANSCRIPT, "snippet 0 has no 'text'");
        assertRejected("[{\"text\": 5}]", SummaryRejected.INVALID_TRANSCRIPT, "'text' must be a string");
        assertRejected("[{\"text\": \"a\"", SummaryRejected.INVALID_TRANSCRIPT, "not valid JSON");
        assertRejected("not json", SummaryRejected.INVALID_TRANSCRIPT, "not valid JSON");
    }

    @Test
    void malformedJsonAfterTheFirstChunkFailsWhenReached() {
        String ok = "{\"text\":\"" + "fine words here ".repeat(30) + "\"},";
        TranscriptChunker.Chunks chunks = chunker.chunks(stream("[" + ok.repeat(20) + "{\"text\": oops}]"));
        assertThatThrownBy(() -> chunks.forEachRemaining(c -> { }))
                .isInstanceOfSatisfying(SummaryRejected.class, e -> assertThat(e.reason()).isEqualTo(SummaryRejected.INVALID_TRANSCRIPT));
    }

    @Test
    void readingAheadOnAnotherThreadGivesTheSameChunksAndTheSameErrors() throws Exception {
        java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            TranscriptChunker ahead = new TranscriptChunker(CL100K, 300, reader, 3);
            StringBuilder json = new StringBuilder("[");
            for (int i = 0; i < 500; i++) {
                json.append(i == 0 ? "" : ",").append("{\"text\":\"Line ").append(i)
                        .append(" of a transcript read ahead.\",\"start\":").append(i).append(",\"duration\":1}");
            }
            json.append("]");
            List<TranscriptChunk> expected = all(json.toString());
            List<TranscriptChunk> actual = new ArrayList<>();
            ahead.chunks(stream(json.toString())).forEachRemaining(actual::add);
            assertThat(expected).hasSizeGreaterThan(3);
            assertThat(actual).isEqualTo(expected);

            String ok = "{\"text\":\"" + "fine words here ".repeat(30) + "\"},";
            TranscriptChunker.Chunks failing = ahead.chunks(stream("[" + ok.repeat(20) + "{\"text\": oops}]"));
            assertThatThrownBy(() -> failing.forEachRemaining(c -> { }))
                    .isInstanceOfSatisfying(SummaryRejected.class, e -> assertThat(e.reason()).isEqualTo(SummaryRejected.INVALID_TRANSCRIPT));

            // closed while the next chunk is being read (a parallel splitter stopping after a failed chunk)
            TranscriptChunker.Chunks stopped = ahead.chunks(stream(json.toString()));
            stopped.next();
            stopped.close();
            assertThat(stopped.hasNext()).isFalse();
        } finally {
            reader.shutdownNow();
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(10)
    void whetherAnotherChunkFollowsIsKnownBeforeItIsMade() {
        // a read-ahead that never runs: the next chunk is never made
        List<Runnable> parked = new ArrayList<>();
        TranscriptChunker lazy = new TranscriptChunker(CL100K, 300, parked::add, 2);
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 200; i++) {
            json.append(i == 0 ? "" : ",").append("{\"text\":\"Line ").append(i).append(" of a long transcript.\"}");
        }
        TranscriptChunker.Chunks chunks = lazy.chunks(stream(json.append("]").toString()));

        TranscriptChunk first = chunks.next();
        // a parallel splitter asks this before it hands the first chunk to the LLM: it must not wait for the second
        assertThat(chunks.hasNext()).isTrue();
        assertThat(first.index()).isZero();
        assertThat(parked).isNotEmpty();

        TranscriptChunker.Chunks single = lazy.chunks(stream("[{\"text\":\"Only one short line.\"}]"));
        single.next();
        assertThat(single.hasNext()).isFalse();
    }

    private void assertRejected(String json, String reason, String message) {
        assertThatThrownBy(() -> all(json)).as(json)
                .isInstanceOfSatisfying(SummaryRejected.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    private List<TranscriptChunk> all(String json) {
        List<TranscriptChunk> chunks = new ArrayList<>();
        chunker.chunks(stream(json)).forEachRemaining(chunks::add);
        return chunks;
    }

    private static ByteArrayInputStream stream(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }
}
