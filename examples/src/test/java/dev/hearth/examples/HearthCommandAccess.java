package dev.hearth.examples;

/** Lets tests in sub-packages run the command line exactly as {@code main} does, without exiting the JVM. */
public final class HearthCommandAccess {
    private HearthCommandAccess() {}

    public static int execute(String... args) {
        return HearthCommand.execute(args);
    }
}
