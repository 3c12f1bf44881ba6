package dev.hearth.examples.agent;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes one argument of a tool whose arguments are a record: the text becomes the property's {@code description}
 * in the JSON Schema derived by {@link RecordSchema}, which is what the model reads to fill it, and a string's
 * {@code maxLength} bounds its length.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface ToolParam {
    /** The description the model reads; empty for none. */
    String value() default "";

    /**
     * The most characters a string argument may have (its schema's {@code maxLength}); 0 for no bound. A bound keeps
     * a small model's constrained call short enough to close within its token budget.
     */
    int maxLength() default 0;
}
