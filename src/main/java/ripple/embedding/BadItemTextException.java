package ripple.embedding;

/**
 * One item's text cannot be embedded. The caller dead-letters that item and carries on; the reason is
 * a stable code for the dead letter and for metrics.
 */
public class BadItemTextException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Reason { EMPTY_TEXT, OVERSIZED_TEXT }

    private final Reason reason;

    public BadItemTextException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
