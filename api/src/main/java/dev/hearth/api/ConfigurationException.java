package dev.hearth.api;

/** A client or runtime was configured in a way that cannot work; the message names the setting to change. */
public class ConfigurationException extends HearthException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
