package routes.summaries;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.IntArrayList;

/**
 * Cuts a transcript into chunks of at most {@code maxTokens} tokens (counted with a real tokenizer), at snippet
 * boundaries, keeping each chunk's start and end time. The transcript is read as a stream, one snippet at a time,
 * and chunks are made as the splitter asks for them: a 3-hour transcript is never held in memory whole.
 * <p>
 * Accepted shapes: a JSON array of snippets {@code [{text, start, duration}]}, an object with such a
 * {@code snippets} array, or {@code {"text": "..."}} (cut into sentences, no times). Anything else, invalid
 * JSON, or a transcript without any text is a {@link SummaryRejected}. A snippet longer than a chunk is cut by
 * tokens.
 * <p>
 * With a read-ahead executor, the next {@code readAheadChunks} chunks are made there, one after the other, while the
 * LLM works: the tokenizer (a few milliseconds per chunk) no longer runs between two calls, and when a wave of calls
 * ends together, each finds its next chunk ready instead of waiting for the ones before it to be tokenized.
 */
public final class TranscriptChunker {

    /** A plain-text transcript is cut into pseudo-snippets of one sentence, at most this many characters. */
    static final int TEXT_PIECE_CHARS = 1000;

    private final Encoding encoding;
    private final int maxTokens;
    // snippet times are parsed with Jackson's fast double parser: the JDK's allocates for every number
    private final JsonFactory json = JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();
    private final Executor readAhead;
    private final int readAheadChunks;

    /** Chunks made on the caller's thread, when it asks for them. */
    public TranscriptChunker(Encoding encoding, int maxTokens) {
        this(encoding, maxTokens, Runnable::run, 1);
    }

    /** Up to {@code readAheadChunks} chunks made on {@code readAhead} ahead of the one the caller takes. */
    public TranscriptChunker(Encoding encoding, int maxTokens, Executor readAhead, int readAheadChunks) {
        if (readAheadChunks < 1) {
            throw new IllegalArgumentException("read-ahead chunks must be at least 1, got " + readAheadChunks);
        }
        this.encoding = encoding;
        this.maxTokens = maxTokens;
        this.readAhead = readAhead;
        this.readAheadChunks = readAheadChunks;
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int countTokens(String text) {
        return encoding.countTokensOrdinary(text);
    }

    /** The chunks of a spooled transcript, read lazily as its download lands; the iterator closes its stream at its end. */
    public Chunks chunks(SpooledTranscript transcript) {
        try {
            return chunks(transcript.open());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the downloaded transcript " + transcript.file(), e);
        }
    }

    public Chunks chunks(InputStream in) {
        JsonParser parser;
        try {
            parser = json.createParser(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return new Chunks(parser, openSnippets(parser));
        } catch (RuntimeException e) {
            closeQuietly(parser);
            throw e;
        }
    }

    /** Positions the parser at the snippets and says how to read them. */
    private SnippetSource openSnippets(JsonParser parser) {
        JsonToken first = read(parser);
        if (first == JsonToken.START_ARRAY) {
            return new ArraySnippets(parser);
        }
        if (first == JsonToken.START_OBJECT) {
            while (read(parser) == JsonToken.FIELD_NAME) {
                String field = name(parser);
                JsonToken value = read(parser);
                if ("snippets".equals(field) && value == JsonToken.START_ARRAY) {
                    return new ArraySnippets(parser);
                }
                if ("text".equals(field) && value == JsonToken.VALUE_STRING) {
                    return new TextSnippets(text(parser));
                }
                if ("snippets".equals(field) || "text".equals(field)) {
                    throw new SummaryRejected(SummaryRejected.INVALID_TRANSCRIPT,
                            "transcript field '" + field + "' must be " + ("text".equals(field) ? "a string" : "an array")
                                    + ", got " + value);
                }
                skip(parser);
            }
            throw new SummaryRejected(SummaryRejected.INVALID_TRANSCRIPT,
                    "a transcript object needs a 'snippets' array or a 'text' string");
        }
        throw new SummaryRejected(SummaryRejected.INVALID_TRANSCRIPT,
                "a transcript must be a JSON array of snippets, an object with 'snippets', or an object with 'text'; got "
                        + (first == null ? "an empty object" : first));
    }

    /** One piece of text with its times, small enough for one chunk. */
    record Piece(String text, Double start, Double end) {
    }

    private interface SnippetSource {
        /** The next snippet, or null at the end. */
        Piece next();
    }

    private final class ArraySnippets implements SnippetSource {
        private final JsonParser parser;
        private int position;
        private boolean done;

        ArraySnippets(JsonParser parser) {
            this.parser = parser;
        }

        @Override
        public Piece next() {
            if (done) {
                return null;
            }
            JsonToken token = read(parser);
            if (token == JsonToken.END_ARRAY) {
                done = true;
                return null;
            }
            int index = position++;
            if (token != JsonToken.START_OBJECT) {
                throw new SummaryRejected(SummaryRejected.INVALID_TRANSCRIPT,
                        "snippet " + index + " must be an object {text, start, duration}, got " + token);
            }
            String text = null;
            Double start = null;
            Double duration = null;
            while (read(parser) == JsonToken.FIELD_NAME) {
                String field = name(parser);
                JsonToken value = read(parser);
                switch (field) {
                    case "text" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            throw new SummaryRejected(SummaryRejected.INVALID_TRANSCRIPT,
                                    "snippet " + index + ": 'text' must be a string, got " + value);
                        }
                        text = text(parser);
                    }
                    case "start" -> start = number(parser, value);
                    case "duration" -> duration = number(parser, value);
                    default -> skip(parser);
                }
            }
            if (text == null) {
                throw new SummaryRejected(SummaryRejected.INVALID_TRANSCRIPT, "snippet " + index + " has no 'text'");
            }
            Double end = start != null && duration != null ? Double.valueOf(start + duration) : start;
            return new Piece(text, start, end);
        }
    }

    private static final class TextSnippets implements SnippetSource {
        private final String text;
        private int offset;

        TextSnippets(String text) {
            this.text = text;
        }

        @Override
        public Piece next() {
            if (offset >= text.length()) {
                return null;
            }
            int limit = Math.min(text.length(), offset + TEXT_PIECE_CHARS);
            int sentence = sentenceEnd(text, offset, limit);
            int end = limit;
            if (sentence > offset) {
                end = sentence;
            } else if (limit < text.length()) {
                int space = text.lastIndexOf(' ', limit);
                end = space > offset ? space : limit;
            }
            String piece = text.substring(offset, end);
            offset = end;
            return new Piece(piece, null, null);
        }

        /** The index after the first sentence end (., !, ? or a newline, then whitespace) in [from, to); -1 if none. */
        private static int sentenceEnd(String text, int from, int to) {
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                if ((c == '.' || c == '!' || c == '?' || c == '\n') && (i + 1 == text.length()
                        || Character.isWhitespace(text.charAt(i + 1)))) {
                    return i + 1;
                }
            }
            return -1;
        }
    }

    /**
     * The chunks, made one at a time; the first is read at once, so an empty transcript fails early. The ones after
     * it are made on the read-ahead executor ({@code ahead}, a chain: each starts when the one before it is done), so
     * the parser is used by one thread at a time.
     * <p>
     * Making a chunk also tells whether another follows (a piece was left over, or the transcript ended), so
     * {@link #hasNext()} never waits for the next chunk to be made: a parallel splitter, which asks {@code hasNext()}
     * before it hands a chunk to the pool, sends each chunk to the LLM as soon as that chunk is made.
     */
    public final class Chunks implements Iterator<TranscriptChunk>, Closeable {
        private final JsonParser parser;
        private final SnippetSource snippets;
        private final Deque<Piece> pending = new ArrayDeque<>();
        /** The first chunk, until {@link #next()} takes it. */
        private Made first;
        /** Whether a chunk not yet taken exists. */
        private boolean more;
        private final Deque<CompletableFuture<Made>> ahead = new ArrayDeque<>();
        private CompletableFuture<Made> last;
        private int index;
        private volatile boolean closed;

        Chunks(JsonParser parser, SnippetSource snippets) {
            this.parser = parser;
            this.snippets = snippets;
            this.first = make();
            if (first == null) {
                close();
                throw new SummaryRejected(SummaryRejected.EMPTY_TRANSCRIPT, "the transcript has no text to summarize");
            }
            this.more = true;
            if (first.more()) {
                readAhead();
            }
        }

        /** Tops the chain up to {@code readAheadChunks}; after the last chunk (or a failure) each link passes it on. */
        private void readAhead() {
            while (ahead.size() < readAheadChunks) {
                last = last == null
                        ? CompletableFuture.supplyAsync(this::make, readAhead)
                        : last.thenApplyAsync(before -> before == null || !before.more() || closed ? null : make(), readAhead);
                ahead.addLast(last);
            }
        }

        /** The next chunk the read-ahead made; its failure is thrown here, as a synchronous read would. */
        private Made awaitAhead() {
            try {
                return ahead.removeFirst().join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
        }

        // synchronized: a parallel splitter may ask for the next chunk from one thread while it closes the
        // iterator from another (after a failed chunk); a closed iterator simply has no more chunks
        @Override
        public synchronized boolean hasNext() {
            return !closed && more;
        }

        @Override
        public synchronized TranscriptChunk next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Made taken;
            if (first != null) {
                taken = first;
                first = null;
            } else {
                try {
                    taken = awaitAhead();
                } catch (RuntimeException e) {
                    close();
                    throw e;
                }
                if (taken == null) {
                    // closed by another thread while this chunk was being made
                    throw new NoSuchElementException();
                }
            }
            more = taken.more();
            if (more) {
                readAhead();
            } else {
                close();
            }
            return taken.chunk();
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                // a read-ahead still running reads the parser: let the chain finish (links not started yet make
                // nothing now) before the parser is closed
                if (last != null) {
                    last.handle((chunk, failure) -> null).join();
                    ahead.clear();
                }
                closeQuietly(parser);
            }
        }

        /** The next chunk, and whether another follows it; null after the last. */
        private Made make() {
            TranscriptChunk chunk = makeChunk();
            // a chunk ends either at a piece that did not fit (left in pending: the next chunk starts with it) or at
            // the end of the transcript
            return chunk == null ? null : new Made(chunk, !pending.isEmpty());
        }

        private TranscriptChunk makeChunk() {
            List<Piece> pieces = new ArrayList<>();
            int tokens = 0;
            Piece piece;
            while ((piece = nextPiece()) != null) {
                int cost = countTokens(pieces.isEmpty() ? piece.text() : " " + piece.text());
                if (!pieces.isEmpty() && tokens + cost > maxTokens) {
                    pending.addFirst(piece);
                    break;
                }
                pieces.add(piece);
                tokens += cost;
            }
            if (pieces.isEmpty()) {
                return null;
            }
            String text = join(pieces);
            // The pieces' counts add up to the joined text's count, so the text is not tokenized a second time
            // (that was 40 % of a chunk's tokenizing): each piece after the first is counted with the space that
            // precedes it in the text, and cl100k's pre-tokenizer (no look-behind, no rule that crosses a space into
            // the next word) cuts the joined text exactly where it cuts the pieces. TranscriptChunkerTest checks it on
            // random text of every character class.
            Double start = null;
            Double end = null;
            for (Piece p : pieces) {
                if (start == null) {
                    start = p.start();
                }
                if (p.end() != null) {
                    end = p.end();
                }
            }
            return new TranscriptChunk(index++, text, tokens, start, end);
        }

        /** The next non-blank piece, cutting a snippet longer than a chunk by tokens. */
        private Piece nextPiece() {
            while (true) {
                if (!pending.isEmpty()) {
                    return pending.pollFirst();
                }
                Piece snippet = snippets.next();
                if (snippet == null) {
                    return null;
                }
                String text = snippet.text().strip();
                if (text.isEmpty()) {
                    continue;
                }
                if (countTokens(text) < maxTokens) {
                    return new Piece(text, snippet.start(), snippet.end());
                }
                IntArrayList ids = encoding.encodeOrdinary(text);
                int window = Math.max(1, maxTokens - 1);
                for (int from = 0; from < ids.size(); from += window) {
                    IntArrayList part = new IntArrayList(window);
                    for (int i = from; i < Math.min(ids.size(), from + window); i++) {
                        part.add(ids.get(i));
                    }
                    String decoded = encoding.decode(part).strip();
                    if (!decoded.isEmpty()) {
                        pending.addLast(new Piece(decoded, snippet.start(), snippet.end()));
                    }
                }
            }
        }
    }

    /** A chunk, and whether the transcript has more after it. */
    private record Made(TranscriptChunk chunk, boolean more) {
    }

    private static String join(List<Piece> pieces) {
        int length = pieces.size();
        for (Piece p : pieces) {
            length += p.text().length();
        }
        StringBuilder text = new StringBuilder(length);
        for (Piece p : pieces) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(p.text());
        }
        return text.toString();
    }

    private static JsonToken read(JsonParser parser) {
        try {
            return parser.nextToken();
        } catch (JsonProcessingException e) {
            throw new SummaryRejected(SummaryRejected.INVALID_TRANSCRIPT,
                    "the transcript is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String name(JsonParser parser) {
        try {
            return parser.currentName();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(JsonParser parser) {
        try {
            return parser.getText();
        } catch (JsonProcessingException e) {
            throw new SummaryRejected(SummaryRejected.INVALID_TRANSCRIPT,
                    "the transcript is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Double number(JsonParser parser, JsonToken value) {
        if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
            try {
                return parser.getDoubleValue();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        skip(parser);
        return null;
    }

    private static void skip(JsonParser parser) {
        try {
            parser.skipChildren();
        } catch (JsonProcessingException e) {
            throw new SummaryRejected(SummaryRejected.INVALID_TRANSCRIPT,
                    "the transcript is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(JsonParser parser) {
        try {
            parser.close();
        } catch (IOException ignored) {
            // nothing left to read
        }
    }
}
