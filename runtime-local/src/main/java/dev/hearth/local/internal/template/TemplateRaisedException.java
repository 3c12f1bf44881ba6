package dev.hearth.local.internal.template;

/** Thrown by the template's own {@code raise_exception(message)}; carries the template's message. */
final class TemplateRaisedException extends RuntimeException {
    TemplateRaisedException(String message) {
        super(message, null, false, false);
    }
}
