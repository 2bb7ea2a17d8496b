package routes.eventbridge;

/** Names the event bridge's routes and beans share (exchange properties, outcomes). */
public final class FanOut {

    /** Exchange property a sink route sets when its write failed (the message). */
    public static final String SINK_ERROR = "eventBridgeSinkError";
    /** Exchange property: when the probe started timing. */
    public static final String STARTED = "eventBridgeStarted";
    /** Exchange property set by {@code direct:event-bridge-python-deliver}: delivered, rejected or unavailable. */
    public static final String PYTHON_OUTCOME = "pythonOutcome";
    /** Exchange property: the HTTP status Python answered (absent when it did not answer). */
    public static final String PYTHON_STATUS = "pythonHttpStatus";
    public static final String DELIVERED = "delivered";
    public static final String REJECTED = "rejected";
    public static final String UNAVAILABLE = "unavailable";
    public static final String PARKED = "parked";

    private FanOut() {
    }
}
