package dev.hearth.local.internal.tensor;

/** Run in a child JVM by {@link VectorSupportTest}: prints what {@link VectorSupport#require()} does. */
public final class RequireVectorApiMain {
    private RequireVectorApiMain() {}

    public static void main(String[] args) {
        try {
            VectorSupport.require();
            System.out.println("available");
        } catch (RuntimeException e) {
            System.out.println(e.getClass().getName() + ": " + e.getMessage());
        }
    }
}
