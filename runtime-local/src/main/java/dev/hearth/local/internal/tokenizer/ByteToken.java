package dev.hearth.local.internal.tokenizer;

/** The {@code <0xNN>} pieces SentencePiece uses to spell bytes that have no piece of their own ("byte fallback"). */
final class ByteToken {
    private static final char[] HEX_DIGITS = "0123456789ABCDEF".toCharArray();

    private ByteToken() {
    }

    /** The piece for a byte, with upper-case hex digits as SentencePiece writes them (e.g. {@code <0x0A>}). */
    static String pieceFor(int unsignedByte) {
        return "<0x" + HEX_DIGITS[unsignedByte >>> 4] + HEX_DIGITS[unsignedByte & 0xF] + ">";
    }

    /** The byte value (0..255) a {@code <0xNN>} piece stands for, or -1 if the text is not of that form. */
    static int parse(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') {
            return -1;
        }
        int high = Character.digit(piece.charAt(3), 16);
        int low = Character.digit(piece.charAt(4), 16);
        return high < 0 || low < 0 ? -1 : high << 4 | low;
    }
}
