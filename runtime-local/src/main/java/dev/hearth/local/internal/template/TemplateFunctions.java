package dev.hearth.local.internal.template;

import java.time.ZonedDateTime;

/**
 * The global functions Hugging Face adds to the Jinja environment of chat templates. Jinjava binds functions to
 * static methods, so the render-time clock reaches {@link #strftimeNow} through a thread-local set by
 * {@link ChatTemplate} for the duration of one render.
 */
public final class TemplateFunctions {
    static final ThreadLocal<ZonedDateTime> NOW = new ThreadLocal<>();

    private TemplateFunctions() {
    }

    /** {@code raise_exception(message)}: the template rejects the conversation. */
    public static Object raiseException(Object message) {
        throw new TemplateRaisedException(String.valueOf(TemplateValues.unwrap(message)));
    }

    /** {@code strftime_now(format)}: the current time in Python strftime format. */
    public static String strftimeNow(Object format) {
        ZonedDateTime now = NOW.get();
        if (now == null) {
            now = ZonedDateTime.now();
        }
        return Strftime.format(String.valueOf(TemplateValues.unwrap(format)), now);
    }
}
