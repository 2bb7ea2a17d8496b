package routes.shared.deadletters;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The event bridge's parking queue: batches the hub parked while the Python event API was down. They are already
 * where the bridge sends them to Python from (route {@code eventBridgePythonReplay}, which a passing health check
 * starts and which keeps their order), so a re-drive moves nothing: it runs that health check now, and the replay
 * starts when Python is healthy. Count, peek and purge are the queue's.
 */
public final class ParkingQueuePlace implements DeadLetterPlace {

    private final RabbitQueuePlace queue;
    private final BooleanSupplier replay;
    private final String describe;

    /** {@code replay} runs the health check and answers whether the replay is running afterwards. */
    public ParkingQueuePlace(RabbitQueuePlace queue, BooleanSupplier replay) {
        this.queue = queue;
        this.replay = replay;
        this.describe = "the Python event API, by the replay of " + queue.name() + " (started by a health check; keeps the order)";
    }

    @Override
    public String name() {
        return queue.name();
    }

    @Override
    public String flow() {
        return queue.flow();
    }

    @Override
    public String broker() {
        return queue.broker();
    }

    @Override
    public String redrivesTo() {
        return describe;
    }

    @Override
    public long count() {
        return queue.count();
    }

    @Override
    public List<DeadLetter> peek(int limit) {
        return queue.peek(limit);
    }

    @Override
    public RedriveResult redrive(RedriveLimit limit) {
        long waiting = queue.count();
        long requested = limit.against(waiting);
        if (waiting == 0) {
            return new RedriveResult(name(), describe, requested, 0, 0, null);
        }
        boolean replaying = replay.getAsBoolean();
        String error = replaying ? null
                : "the replay did not start: the Python event API failed its health check; the batches stay in "
                  + name() + " and the next passing health check replays them";
        // the replay sends every parked batch, in order: it cannot stop after some of them
        return new RedriveResult(name(), describe, requested, 0, queue.count(), error);
    }

    @Override
    public long purge() {
        return queue.purge();
    }
}
