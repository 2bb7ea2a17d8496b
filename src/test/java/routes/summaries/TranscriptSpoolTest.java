package routes.summaries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.UnitOfWorkHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class TranscriptSpoolTest {

    @TempDir
    Path directory;

    private final ExecutorService copier = Executors.newSingleThreadExecutor();
    private final DefaultCamelContext camel = new DefaultCamelContext();

    @AfterEach
    void stop() throws IOException {
        copier.shutdownNow();
        camel.close();
    }

    @Test
    void theReaderGetsTheFirstBytesWhileTheDownloadIsStillRunning() throws Exception {
        PipedOutputStream network = new PipedOutputStream();
        Exchange exchange = download(new PipedInputStream(network, 1 << 16));
        SpooledTranscript spooled = new TranscriptSpool(directory, copier).spool(exchange);

        try (InputStream reader = spooled.open()) {
            network.write("[{\"text\":\"first\"}".getBytes(StandardCharsets.UTF_8));
            network.flush();
            byte[] head = new byte[64];
            int n = reader.read(head);
            // the first bytes arrive although the download has not ended
            assertThat(new String(head, 0, n, StandardCharsets.UTF_8)).isEqualTo("[{\"text\":\"first\"}");

            network.write(",{\"text\":\"second\"}]".getBytes(StandardCharsets.UTF_8));
            network.close();
            assertThat(new String(reader.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(",{\"text\":\"second\"}]");
        }
    }

    @Test
    void aDownloadThatBreaksFailsTheReaderInsteadOfEndingTheTranscript() throws Exception {
        InputStream broken = new InputStream() {
            private final InputStream head = new ByteArrayInputStream("[{\"text\":\"cut".getBytes(StandardCharsets.UTF_8));

            @Override
            public int read() throws IOException {
                int b = head.read();
                if (b < 0) {
                    throw new IOException("Connection reset");
                }
                return b;
            }
        };
        SpooledTranscript spooled = new TranscriptSpool(directory, copier).spool(download(broken));

        try (InputStream reader = spooled.open()) {
            assertThatThrownBy(reader::readAllBytes).isInstanceOf(IOException.class)
                    .hasMessageContaining("the transcript download failed").hasMessageContaining("Connection reset");
        }
    }

    @Test
    void theEndOfTheExchangeStopsARunningCopyAndDeletesTheFile() throws Exception {
        StalledDownload source = new StalledDownload();
        Exchange exchange = download(source);
        SpooledTranscript spooled = new TranscriptSpool(directory, copier).spool(exchange);
        assertThat(source.reading.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(spooled.file()).exists();

        UnitOfWorkHelper.doneSynchronizations(exchange, exchange.getExchangeExtension().handoverCompletions());

        assertThat(spooled.file()).doesNotExist();
        assertThat(source.closed.getCount()).isZero();
        assertThatThrownBy(() -> spooled.open().readAllBytes()).isInstanceOf(IOException.class);
        // the copy ended: its thread is free again
        copier.shutdown();
        assertThat(copier.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    /** A download whose server sends nothing more; closing it (as an abort does) ends the read that waits. */
    private static final class StalledDownload extends InputStream {
        final CountDownLatch reading = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public int read() throws IOException {
            reading.countDown();
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("aborted");
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    @Test
    void withoutAFreeCopierThreadTheCopyRunsBeforeSpoolReturns() throws Exception {
        byte[] transcript = "[{\"text\":\"whole\"}]".getBytes(StandardCharsets.UTF_8);
        TranscriptSpool busy = new TranscriptSpool(directory, task -> {
            throw new RejectedExecutionException("all copier threads busy");
        });
        SpooledTranscript spooled = busy.spool(download(new ByteArrayInputStream(transcript)));

        assertThat(Files.readAllBytes(spooled.file())).isEqualTo(transcript);
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        try (InputStream reader = spooled.open()) {
            reader.transferTo(read);
        }
        assertThat(read.toByteArray()).isEqualTo(transcript);
    }

    private Exchange download(InputStream body) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(body);
        return exchange;
    }
}
