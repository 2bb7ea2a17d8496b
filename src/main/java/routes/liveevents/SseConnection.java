package routes.liveevents;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 *
 * <p>Each live event is queued at most once and in id order: the connection remembers the newest id it queued
 * ({@code lastSent}, at first the client's {@code Last-Event-ID}) and skips older ones. While its replay is read from
 * the Redis stream it holds the live events back ({@link #release}), so the replay comes first.
 */
final class SseConnection implements WriteListener, AsyncListener {

    /** Why a connection ended, for logs and metrics. */
    enum Closed { CLIENT_GONE, TOO_SLOW, SHUTDOWN, WRITE_FAILED }

    private final long number;
    // the client's address, which its stream counts for (LiveEventStream's per-client cap)
    private final String caller;
    private final StreamFilter filter;
    private final int capacity;
    /** Opening and replay frames still queued: they do not count against {@code capacity}. */
    private int backlog;
    private final BiConsumer<SseConnection, Closed> onClose;
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    /** The newest event id queued for this client (or the id it reconnected with); older events are skipped. */
    private StreamId lastSent;
    /** Live events arriving while the replay is read from Redis; null when not replaying. */
    private List<StreamedEvent> held;

    private AsyncContext async;
    private ServletOutputStream out;
    private boolean writable;
    private boolean closed;

    SseConnection(long number, String caller, StreamFilter filter, int capacity, BiConsumer<SseConnection, Closed> onClose) {
        this.number = number;
        this.caller = caller;
        this.filter = filter;
        this.capacity = capacity;
        this.onClose = onClose;
    }

    long number() {
        return number;
    }

    String caller() {
        return caller;
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
        start(frames, null, false);
    }

    /**
     * Queues the opening frames (and a replay from the cache) and sets the newest id the client has; with
     * {@code replaying} the live events are held back until {@link #release} queues the replay read from Redis.
     */
    synchronized void start(List<byte[]> frames, StreamId after, boolean replaying) {
        pending.addAll(frames);
        backlog += frames.size();
        lastSent = after;
        held = replaying ? new ArrayList<>() : null;
        drain();
    }

    /**
     * Ends a replay read from Redis: queues its frames ({@code upTo}: the newest entry it read, whatever the filter),
     * then the live events held meanwhile that it did not contain, and goes on live. With {@code unknownId} the id the
     * client came with is forgotten (it is not one of the stream's): every held and later event goes out.
     */
    void release(List<byte[]> frames, StreamId upTo, boolean unknownId) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (unknownId) {
                lastSent = null;
            }
            pending.addAll(frames);
            backlog += frames.size();
            if (upTo != null && (lastSent == null || upTo.isAfter(lastSent))) {
                lastSent = upTo;
            }
            List<StreamedEvent> live = held == null ? List.of() : held;
            held = null;
            for (StreamedEvent event : live) {
                if (lastSent == null || event.id().isAfter(lastSent)) {
                    pending.add(event.frame());
                    lastSent = event.id();
                }
            }
            drain();
        }
    }

    /**
     * Queues a live event the client's filter wants, unless it has it already (replayed, or it reconnected with a
     * newer id). Returns false when the client is gone or was just disconnected because its queue was full.
     */
    boolean offer(StreamedEvent event) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (held != null) {
                if (held.size() < capacity) {
                    held.add(event);
                    return true;
                }
            } else if (lastSent != null && !event.id().isAfter(lastSent)) {
                return true;
            } else if (pending.size() < capacity + backlog) {
                pending.add(event.frame());
                lastSent = event.id();
                drain();
                return !closed;
            }
        }
        close(Closed.TOO_SLOW);
        return false;
    }

    /**
     * Queues a frame without an id (heartbeat, probe, {@code stream.gap}) for this client. Returns false when the client is gone or was just disconnected because
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
