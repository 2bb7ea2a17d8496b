package routes.summaries;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Copies the downloaded transcript to a temporary file, with constant memory, and deletes the file when the
 * exchange completes. The S3 connection is released as soon as the download is read, instead of staying open
 * through minutes of LLM calls, and the chunker reads the file as a stream.
 * <p>
 * The copy runs on {@code copier} while the chunker already reads what has landed ({@link SpooledTranscript}): the
 * first chunk goes to the LLM after its own bytes arrived, not after the whole transcript did. When the copier has
 * no free thread, the copy runs here, to its end, before the chunker starts.
 */
public final class TranscriptSpool {

    private final Path directory;
    private final Executor copier;

    public TranscriptSpool(Path directory, Executor copier) {
        this.directory = directory;
        this.copier = copier;
    }

    public SpooledTranscript spool(Exchange exchange) {
        InputStream in;
        try {
            in = exchange.getMessage().getMandatoryBody(InputStream.class);
        } catch (InvalidPayloadException e) {
            throw new IllegalStateException("the S3 download returned no body", e);
        }
        SpooledTranscript spooled;
        try {
            Files.createDirectories(directory);
            spooled = new SpooledTranscript(Files.createTempFile(directory, "transcript-", ".json"));
        } catch (IOException e) {
            closeQuietly(in);
            throw new UncheckedIOException("cannot spool the transcript to " + directory, e);
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                spooled.discard();
            }
        });
        try {
            copier.execute(() -> spooled.fill(in));
        } catch (RejectedExecutionException busy) {
            spooled.fill(in);
        }
        return spooled;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing to release
        }
    }
}
