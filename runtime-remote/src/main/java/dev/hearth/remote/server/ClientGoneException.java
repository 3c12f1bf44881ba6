package dev.hearth.remote.server;

import java.io.IOException;

/** The client closed its connection: nothing more can be sent, and its generation is cancelled. */
final class ClientGoneException extends IOException {
    private static final long serialVersionUID = 1L;

    ClientGoneException(String message, Throwable cause) {
        super(message, cause);
    }
}
