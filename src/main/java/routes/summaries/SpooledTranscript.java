package routes.summaries;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import software.amazon.awssdk.http.Abortable;

/**
 * A downloaded transcript in a temporary file that is still being written: {@link #fill} copies the download into it
 * (on the spool's copier thread) while {@link #open} readers follow behind the writer, waiting for bytes not yet
 * written. The chunker starts on the first kilobytes instead of waiting for the whole download, and the S3
 * connection is still released as fast as the network allows, not held through minutes of LLM calls.
 * <p>
 * A failed download fails the readers with an {@link IOException} (retried, like any I/O failure), never with a
 * truncated transcript. {@link #discard()} stops a copy still running and deletes the file.
 */
public final class SpooledTranscript {

    private static final int BUFFER_BYTES = 64 * 1024;

    private final Path file;
    private long written;
    private boolean complete;
    private IOException failure;
    private boolean discarded;
    private InputStream source;

    SpooledTranscript(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Copies {@code in} to the file to its end, then closes it. Readers see every write as it lands. */
    void fill(InputStream in) {
        synchronized (this) {
            if (discarded) {
                abort(in);
                return;
            }
            source = in;
        }
        try (in; OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[BUFFER_BYTES];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                // a write after discard lands in the deleted file: harmless, and the copy stops right after it
                out.write(buffer, 0, n);
                synchronized (this) {
                    if (discarded) {
                        return;
                    }
                    written += n;
                    notifyAll();
                }
            }
            synchronized (this) {
                complete = true;
                notifyAll();
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                failure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                notifyAll();
            }
        }
    }

    /** A stream of the transcript from its first byte; it waits for bytes the copy has not written yet. */
    public InputStream open() throws IOException {
        return new Follower(FileChannel.open(file, StandardOpenOption.READ));
    }

    /** Stops a copy still running (the download is aborted, not drained) and deletes the file. */
    public void discard() {
        InputStream running;
        synchronized (this) {
            discarded = true;
            running = complete || failure != null ? null : source;
            notifyAll();
        }
        if (running != null) {
            abort(running);
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // temp directory housekeeping gets it
        }
    }

    /** How many bytes past {@code position} can be read now; -1 at the end of a complete copy. */
    private synchronized long readableAfter(long position) throws IOException {
        while (true) {
            if (failure != null) {
                throw new IOException("the transcript download failed: " + failure.getMessage(), failure);
            }
            if (discarded) {
                throw new IOException("the spooled transcript " + file + " was discarded");
            }
            if (written > position) {
                return written - position;
            }
            if (complete) {
                return -1;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the transcript download");
            }
        }
    }

    private static void abort(InputStream in) {
        // an S3 download closed early would first be read to its end (to reuse the connection): abort it instead
        if (in instanceof Abortable abortable) {
            abortable.abort();
        }
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // aborted
        }
    }

    private final class Follower extends InputStream {
        private final FileChannel channel;
        private long position;

        Follower(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            long readable = readableAfter(position);
            if (readable < 0) {
                return -1;
            }
            int n = channel.read(ByteBuffer.wrap(bytes, offset, (int) Math.min(length, readable)), position);
            if (n > 0) {
                position += n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
