package dev.hearth.remote.server;

import java.security.SecureRandom;

/** Identifiers in each API's style ({@code chatcmpl-…}, {@code msg_…}, {@code call_…}): a prefix and random letters. */
final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Ids() {
    }

    static String next(String prefix) {
        char[] id = new char[24];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return prefix + new String(id);
    }

    static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }
}
