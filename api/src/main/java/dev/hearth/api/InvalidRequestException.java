package dev.hearth.api;

/** A request or an option was invalid: the message names the bad value and the accepted range. */
public class InvalidRequestException extends HearthException {
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }
}
