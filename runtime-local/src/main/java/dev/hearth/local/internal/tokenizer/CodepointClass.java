package dev.hearth.local.internal.tokenizer;

/**
 * The Unicode facts the pre-tokenizers ask about a code point, in llama.cpp's terms ({@code unicode_cpt_flags}):
 * letter ({@code \p{L}}), number ({@code \p{N}}), punctuation ({@code \p{P}}), mark ({@code \p{M}}), control
 * ({@code \p{C}} without unassigned code points), and White_Space. General categories come from the JDK's Unicode
 * tables; whitespace is the Unicode White_Space property, which is what llama.cpp, Rust and Python regexes use for
 * {@code \s} (not {@link Character#isWhitespace}, which omits U+00A0 and U+0085 and adds U+001C..U+001F).
 *
 * <p>All answers for the Basic Multilingual Plane come from one table filled once, so the splitters pay an array
 * load per character.
 */
final class CodepointClass {
    static final int LETTER = 1;
    static final int NUMBER = 1 << 1;
    static final int WHITESPACE = 1 << 2;
    static final int PUNCTUATION = 1 << 3;
    static final int MARK = 1 << 4;
    static final int CONTROL = 1 << 5;
    static final int SYMBOL = 1 << 6;

    private static final byte[] BMP = new byte[0x10000];

    static {
        for (int c = 0; c < BMP.length; c++) {
            BMP[c] = (byte) compute(c);
        }
    }

    private CodepointClass() {
    }

    static int of(int codePoint) {
        return codePoint < 0x10000 ? BMP[codePoint] : compute(codePoint);
    }

    static boolean isLetter(int codePoint) {
        return (of(codePoint) & LETTER) != 0;
    }

    static boolean isNumber(int codePoint) {
        return (of(codePoint) & NUMBER) != 0;
    }

    static boolean isWhitespace(int codePoint) {
        return (of(codePoint) & WHITESPACE) != 0;
    }

    private static int compute(int codePoint) {
        int flags = switch (Character.getType(codePoint)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> PUNCTUATION;
            case Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK -> MARK;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                 Character.OTHER_SYMBOL -> SYMBOL;
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> CONTROL;
            default -> 0; // separators and unassigned code points
        };
        return isWhiteSpaceProperty(codePoint) ? flags | WHITESPACE : flags;
    }

    /** The Unicode White_Space property (PropList.txt). */
    private static boolean isWhiteSpaceProperty(int c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }
}
