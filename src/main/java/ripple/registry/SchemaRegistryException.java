package ripple.registry;

/**
 * A schema registry refused a request, or could not be reached. Carries Confluent's error codes, which
 * {@link RegistryServer} sends and {@link HttpSchemaRegistry} reads back: a five-digit code starts with
 * its HTTP status (40401 is a 404), a three-digit one is the status itself (409).
 *
 * <p>Deliberately not a {@link ripple.serde.SerdeException}: an unreachable registry says nothing about
 * a record's bytes, so it must not send records to dead letters.
 */
public class SchemaRegistryException extends RuntimeException {

    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int SUBJECT_SOFT_DELETED = 40404;
    public static final int SUBJECT_NOT_SOFT_DELETED = 40405;
    public static final int VERSION_SOFT_DELETED = 40406;
    public static final int VERSION_NOT_SOFT_DELETED = 40407;
    public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
    public static final int SUBJECT_MODE_NOT_CONFIGURED = 40409;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    public static final int INVALID_MODE = 42204;
    public static final int OPERATION_NOT_PERMITTED = 42205;
    public static final int STORE_ERROR = 50001;

    private final int httpStatus;
    private final int errorCode;

    /** A refusal with a Confluent error code; the HTTP status follows from it. */
    public SchemaRegistryException(int errorCode, String message) {
        this(statusOf(errorCode), errorCode, message, null);
    }

    /** What a registry answered, or (status and code 0) why no answer came. */
    public SchemaRegistryException(int httpStatus, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** The HTTP status, or 0 if the registry did not answer. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent's {@code error_code}, or 0 if there was none. */
    public int errorCode() {
        return errorCode;
    }

    public static int statusOf(int errorCode) {
        return errorCode >= 10_000 ? errorCode / 100 : errorCode;
    }
}
