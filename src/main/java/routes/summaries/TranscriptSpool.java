package routes.summaries;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Copies the downloaded transcript to a temporary file, with constant memory, and deletes the file when the
 * exchange completes. The S3 connection is released at once instead of staying open through minutes of LLM
 * calls, and the chunker reads the file as a stream.
 */
public final class TranscriptSpool {

    private final Path directory;

    public TranscriptSpool(Path directory) {
        this.directory = directory;
    }

    public Path spool(Exchange exchange) {
        try (InputStream in = exchange.getMessage().getMandatoryBody(InputStream.class)) {
            Files.createDirectories(directory);
            Path file = Files.createTempFile(directory, "transcript-", ".json");
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException ignored) {
                        // temp directory housekeeping gets it
                    }
                }
            });
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool the transcript to " + directory, e);
        } catch (org.apache.camel.InvalidPayloadException e) {
            throw new IllegalStateException("the S3 download returned no body", e);
        }
    }
}
