package dev.hearth.examples.agent;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Evaluates arithmetic written by a model, without a script engine: numbers ({@code 12}, {@code 3.5}, {@code 1e3}),
 * {@code + - * / %}, powers {@code ^} (right-associative, binding tighter than a sign), parentheses, unary minus, the constants {@code pi} and
 * {@code e}, and the functions {@code sqrt abs round floor ceil ln log10 min max}. Nothing else is accepted: anything
 * the grammar does not know is an {@link IllegalArgumentException} naming the position. Expressions are capped in
 * length and nesting, so a hostile one cannot exhaust the stack.
 */
public final class Calculator {
    static final int MAX_LENGTH = 500;
    static final int MAX_DEPTH = 64;
    private static final java.util.Set<String> FUNCTIONS =
            java.util.Set.of("sqrt", "abs", "round", "floor", "ceil", "ln", "log10", "min", "max");

    private final String text;
    private int position;
    private int depth;

    private Calculator(String text) {
        this.text = text;
    }

    /** The value of {@code expression}. */
    public static double evaluate(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("the expression is empty");
        }
        if (expression.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the expression is longer than " + MAX_LENGTH + " characters");
        }
        Calculator parser = new Calculator(expression);
        double value = parser.sum();
        parser.skipSpaces();
        if (parser.position < expression.length()) {
            throw parser.unexpected();
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("the result is not a finite number (" + value + ")");
        }
        return value;
    }

    /** A value as a model reads it best: whole numbers without ".0", others with up to 12 significant digits. */
    public static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return new BigDecimal(value).round(new java.math.MathContext(12)).stripTrailingZeros().toPlainString();
    }

    private double sum() {
        double value = product();
        while (true) {
            if (take('+')) {
                value += product();
            } else if (take('-')) {
                value -= product();
            } else {
                return value;
            }
        }
    }

    private double product() {
        double value = unary();
        while (true) {
            if (take('*')) {
                value *= unary();
            } else if (take('/')) {
                double divisor = unary();
                if (divisor == 0) {
                    throw new IllegalArgumentException("division by zero");
                }
                value /= divisor;
            } else if (take('%')) {
                double divisor = unary();
                if (divisor == 0) {
                    throw new IllegalArgumentException("remainder of a division by zero");
                }
                value %= divisor;
            } else {
                return value;
            }
        }
    }

    /** A sign binds looser than a power, as in mathematics: {@code -2^2} is -4. */
    private double unary() {
        if (take('-')) {
            return -nested(this::unary);
        }
        if (take('+')) {
            return nested(this::unary);
        }
        return power();
    }

    private double power() {
        double base = atom();
        if (take('^')) {
            return Math.pow(base, nested(this::unary));
        }
        return base;
    }

    private double atom() {
        skipSpaces();
        if (take('(')) {
            double value = nested(this::sum);
            expect(')');
            return value;
        }
        if (position < text.length() && (Character.isDigit(text.charAt(position)) || text.charAt(position) == '.')) {
            return number();
        }
        if (position < text.length() && Character.isLetter(text.charAt(position))) {
            return named();
        }
        throw unexpected();
    }

    private double number() {
        int start = position;
        while (position < text.length() && (Character.isDigit(text.charAt(position)) || text.charAt(position) == '.')) {
            position++;
        }
        if (position < text.length() && (text.charAt(position) == 'e' || text.charAt(position) == 'E')) {
            int exponent = position + 1;
            if (exponent < text.length() && (text.charAt(exponent) == '+' || text.charAt(exponent) == '-')) {
                exponent++;
            }
            if (exponent < text.length() && Character.isDigit(text.charAt(exponent))) {
                position = exponent;
                while (position < text.length() && Character.isDigit(text.charAt(position))) {
                    position++;
                }
            }
        }
        try {
            return Double.parseDouble(text.substring(start, position));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text.substring(start, position) + "' at position " + start
                    + " is not a number");
        }
    }

    private double named() {
        int start = position;
        while (position < text.length() && Character.isLetterOrDigit(text.charAt(position))) {
            position++;
        }
        String name = text.substring(start, position).toLowerCase(Locale.ROOT);
        switch (name) {
            case "pi" -> {
                return Math.PI;
            }
            case "e" -> {
                return Math.E;
            }
            default -> {
            }
        }
        if (!FUNCTIONS.contains(name)) {
            throw new IllegalArgumentException("unknown function '" + name + "' at position " + start
                    + "; known: sqrt abs round floor ceil ln log10 min max, constants pi e");
        }
        expect('(');
        double first = nested(this::sum);
        Double second = null;
        if (take(',')) {
            second = nested(this::sum);
        }
        expect(')');
        boolean binary = name.equals("min") || name.equals("max");
        if (binary != (second != null)) {
            throw new IllegalArgumentException(name + " takes " + (binary ? "two arguments" : "one argument"));
        }
        return switch (name) {
            case "sqrt" -> {
                if (first < 0) {
                    throw new IllegalArgumentException("sqrt of a negative number");
                }
                yield Math.sqrt(first);
            }
            case "abs" -> Math.abs(first);
            case "round" -> Math.rint(first);
            case "floor" -> Math.floor(first);
            case "ceil" -> Math.ceil(first);
            case "ln" -> Math.log(first);
            case "log10" -> Math.log10(first);
            case "min" -> Math.min(first, second);
            case "max" -> Math.max(first, second);
            default -> throw new IllegalStateException("function " + name + " is listed but not evaluated");
        };
    }

    private double nested(java.util.function.DoubleSupplier inner) {
        if (++depth > MAX_DEPTH) {
            throw new IllegalArgumentException("the expression nests deeper than " + MAX_DEPTH + " levels");
        }
        try {
            return inner.getAsDouble();
        } finally {
            depth--;
        }
    }

    private boolean take(char expected) {
        skipSpaces();
        if (position < text.length() && text.charAt(position) == expected) {
            position++;
            return true;
        }
        return false;
    }

    private void expect(char expected) {
        if (!take(expected)) {
            throw new IllegalArgumentException("expected '" + expected + "' at position " + position
                    + (position < text.length() ? " but found '" + text.charAt(position) + "'" : " but the expression ended"));
        }
    }

    private void skipSpaces() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private IllegalArgumentException unexpected() {
        return position < text.length()
                ? new IllegalArgumentException("unexpected '" + text.charAt(position) + "' at position " + position)
                : new IllegalArgumentException("the expression ended early");
    }
}
