package dev.hearth.local.internal.tensor;

import dev.hearth.api.ConfigurationException;

/**
 * Checks that the Vector API is available and reports its width. The kernels in this package are written against
 * {@code jdk.incubator.vector} only; there is deliberately no scalar fallback, because a silent fallback would make
 * inference an order of magnitude slower without anyone noticing. A JVM started without the module fails early with
 * a message that says exactly which flags to add.
 *
 * <p>This class must not touch any {@code jdk.incubator.vector} type during class initialisation, otherwise the
 * missing module would surface as a {@link NoClassDefFoundError} instead of the helpful message.
 */
public final class VectorSupport {
    /** Name of the incubator module the kernels need in the boot layer. */
    public static final String VECTOR_MODULE = "jdk.incubator.vector";

    /** The JVM flags every Hearth process using the local engine must be started with. */
    public static final String REQUIRED_JVM_FLAGS = "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED";

    private VectorSupport() {}

    /**
     * Throws {@link ConfigurationException} when {@code jdk.incubator.vector} is not resolved in the boot layer.
     * Called before any kernel class is loaded.
     */
    public static void require() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            throw new ConfigurationException("the local engine needs the Java Vector API (module " + VECTOR_MODULE
                    + "), which this JVM was started without; start the JVM with " + REQUIRED_JVM_FLAGS);
        }
    }

    /**
     * Lanes of the preferred float species on this machine (16 on AVX-512, 8 on AVX2, 4 on NEON), for logs. The
     * weight kernels use {@link KernelSpecies#FLOAT}, which is this width capped to 512 bits.
     */
    public static int floatLanes() {
        require();
        return PreferredWidth.floatLanes();
    }

    /** Kept in a nested class so that merely loading {@link VectorSupport} never loads a Vector API class. */
    private static final class PreferredWidth {
        static int floatLanes() {
            return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        }
    }
}
