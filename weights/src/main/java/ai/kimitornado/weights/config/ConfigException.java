package ai.kimitornado.weights.config;

/** An unreadable or inconsistent config.json; the message names the source, the key and what was expected. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
