package ripple.serde;

/** The registry has no schema under an id, typically one read from a record's frame. */
public class UnknownSchemaIdException extends SerdeException {

    private final int schemaId;

    public UnknownSchemaIdException(int schemaId) {
        super(Reason.UNKNOWN_SCHEMA_ID, "unknown schema id " + schemaId);
        this.schemaId = schemaId;
    }

    public int schemaId() {
        return schemaId;
    }
}
