package ripple.metrics;

/** Why a record went to dead-letters. Stable codes: dashboards and alerts key on them. */
public enum Rejection {
    NULL_KEY,
    NULL_VALUE,
    MALFORMED_BYTES,
    BAD_MAGIC_BYTE,
    UNKNOWN_SCHEMA_ID,
    INCOMPATIBLE_SCHEMA,
    KEY_MISMATCH,
    MISSING_ITEM,
    UNKNOWN_BEHAVIOR_TYPE,
    INVALID_DWELL,
    TIMESTAMP_TOO_OLD,
    TIMESTAMP_IN_FUTURE,
    OVERSIZED_FIELD,
    /** An item whose title, category, tags and description are all blank: nothing to embed. */
    EMPTY_TEXT,
    /** An item whose text is longer than {@code embedding.max-text-chars}. */
    OVERSIZED_TEXT,
    /** The model failed on this item even when embedding it alone. */
    EMBEDDING_FAILED,
    PROCESSING_ERROR;

    /** The rejection for a record the serde could not read. */
    public static Rejection of(ripple.serde.SerdeException.Reason reason) {
        switch (reason) {
            case BAD_MAGIC_BYTE:
                return BAD_MAGIC_BYTE;
            case UNKNOWN_SCHEMA_ID:
                return UNKNOWN_SCHEMA_ID;
            case INCOMPATIBLE_SCHEMA:
                return INCOMPATIBLE_SCHEMA;
            default:
                return MALFORMED_BYTES;
        }
    }
}
