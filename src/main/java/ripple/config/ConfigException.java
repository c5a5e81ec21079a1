package ripple.config;

/** A setting is missing or has a bad value. The message names the setting so that start-up fails with one clear line. */
public class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String message) {
        super("setting '" + key + "': " + message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
