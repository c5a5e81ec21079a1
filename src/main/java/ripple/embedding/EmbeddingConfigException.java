package ripple.embedding;

/**
 * The embedding model or its settings cannot be used. Thrown at start so the service fails with one
 * message that names the setting to fix, instead of failing later on the first item.
 */
public class EmbeddingConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String setting;

    public EmbeddingConfigException(String setting, String message) {
        this(setting, message, null);
    }

    public EmbeddingConfigException(String setting, String message, Throwable cause) {
        super(setting + ": " + message, cause);
        this.setting = setting;
    }

    /** The configuration key at fault, e.g. {@code embedding.model.file}. */
    public String setting() {
        return setting;
    }
}
