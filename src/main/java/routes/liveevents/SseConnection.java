package routes.liveevents;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.BiConsumer;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

/**
 * One client's open stream. Frames wait in a bounded queue and are written with non-blocking servlet I/O
 * ({@link WriteListener}): a write never blocks the thread that broadcasts, and a client that does not read
 * fills its queue and is disconnected instead of holding memory or threads. Thread-safe: every state change
 * holds this object's monitor.
 */
final class SseConnection implements WriteListener, AsyncListener {

    /** Why a connection ended, for logs and metrics. */
    enum Closed { CLIENT_GONE, TOO_SLOW, SHUTDOWN, WRITE_FAILED }

    private final long number;
    private final StreamFilter filter;
    private final int capacity;
    /** Opening and replay frames still queued: they do not count against {@code capacity}. */
    private int backlog;
    private final BiConsumer<SseConnection, Closed> onClose;
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();

    private AsyncContext async;
    private ServletOutputStream out;
    private boolean writable;
    private boolean closed;

    SseConnection(long number, StreamFilter filter, int capacity, BiConsumer<SseConnection, Closed> onClose) {
        this.number = number;
        this.filter = filter;
        this.capacity = capacity;
        this.onClose = onClose;
    }

    long number() {
        return number;
    }

    StreamFilter filter() {
        return filter;
    }

    /** Connects the queue to the response; writing starts when the container first calls {@link #onWritePossible}. */
    void attach(AsyncContext async, ServletOutputStream out) {
        synchronized (this) {
            this.async = async;
            this.out = out;
        }
        async.addListener(this);
        out.setWriteListener(this);
    }

    /** Queues the opening frames and the replay; not bounded by the queue size (the replay buffer bounds them). */
    synchronized void start(List<byte[]> frames) {
        pending.addAll(frames);
        backlog += frames.size();
        drain();
    }

    /**
     * Queues a frame for this client. Returns false when the client is gone or was just disconnected because
     * its queue was full.
     */
    boolean offer(byte[] frame) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (pending.size() < capacity + backlog) {
                pending.add(frame);
                drain();
                return !closed;
            }
        }
        close(Closed.TOO_SLOW);
        return false;
    }

    synchronized int queued() {
        return pending.size();
    }

    @Override
    public void onWritePossible() {
        synchronized (this) {
            writable = true;
            drain();
        }
    }

    /** Writes what the socket takes now; when it takes no more, the container calls onWritePossible later. */
    private void drain() {
        if (!writable || closed) {
            return;
        }
        try {
            while (!pending.isEmpty()) {
                if (!out.isReady()) {
                    return;
                }
                out.write(pending.poll());
                if (backlog > 0) {
                    backlog--;
                }
            }
            if (out.isReady()) {
                out.flush();
            }
        } catch (IOException | IllegalStateException e) {
            closeLater(Closed.WRITE_FAILED);
        }
    }

    private void closeLater(Closed reason) {
        // called holding the monitor: mark now, complete outside of the write path
        closed = true;
        pending.clear();
        backlog = 0;
        onClose.accept(this, reason);
        completeQuietly();
    }

    void close(Closed reason) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            pending.clear();
        }
        onClose.accept(this, reason);
        completeQuietly();
    }

    private void completeQuietly() {
        AsyncContext context;
        synchronized (this) {
            context = async;
        }
        if (context == null) {
            return;
        }
        try {
            context.complete();
        } catch (IllegalStateException alreadyDone) {
            // the container completed it first (client gone)
        }
    }

    @Override
    public void onError(Throwable t) {
        close(Closed.CLIENT_GONE);
    }

    @Override
    public void onComplete(AsyncEvent event) {
        close(Closed.CLIENT_GONE);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        close(Closed.CLIENT_GONE);
    }

    @Override
    public void onError(AsyncEvent event) {
        close(Closed.CLIENT_GONE);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not re-dispatched
    }
}
