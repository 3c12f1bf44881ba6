package dev.hearth.local.onnx.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Keeps ONNX Runtime's telemetry off. Since 1.29.0 its Linux and macOS builds upload usage events (1DS; seen here as
 * DNS queries for {@code mobile.events.data.microsoft.com} about 11 s after start), and
 * {@code OrtEnvironment.setTelemetry(false)} does not stop them; the only full opt-out is the environment variable
 * {@code ORT_DISABLE_TELEMETRY=1}, read once when the native library initialises. Java cannot change its own
 * environment, so this sets the variable in the C library's environment through FFM before any ONNX Runtime class is
 * initialised — unless the user set it already (theirs is kept). Windows builds report through ETW, which
 * {@code setTelemetry(false)} controls.
 */
final class OrtTelemetry {
    private static final Logger LOG = LoggerFactory.getLogger(OrtTelemetry.class);
    static final String VARIABLE = "ORT_DISABLE_TELEMETRY";

    private OrtTelemetry() {
    }

    /** Sets {@code ORT_DISABLE_TELEMETRY=1} in the process environment if absent; returns whether it is set now. */
    static boolean disable() {
        Linker linker = Linker.nativeLinker();
        Optional<MemorySegment> setenv = linker.defaultLookup().find("setenv");
        if (setenv.isEmpty()) {
            return false; // not a POSIX C library: Windows, where setTelemetry(false) is the switch
        }
        MethodHandle call = linker.downcallHandle(setenv.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            // overwrite = 0: a value the user exported stays
            int result = (int) call.invokeExact(arena.allocateFrom(VARIABLE), arena.allocateFrom("1"), 0);
            if (result != 0) {
                LOG.warn("Could not set {}=1 (setenv returned {}); ONNX Runtime may send usage telemetry. Export it "
                        + "before starting the JVM to be sure.", VARIABLE, result);
                return false;
            }
            return true;
        } catch (Throwable e) {
            LOG.warn("Could not set {}=1 ({}); ONNX Runtime may send usage telemetry. Export it before starting the "
                    + "JVM to be sure.", VARIABLE, e.toString());
            return false;
        }
    }

    /** The variable as the C library sees it now (System.getenv only shows the environment the JVM started with). */
    static Optional<String> current() {
        Linker linker = Linker.nativeLinker();
        Optional<MemorySegment> getenv = linker.defaultLookup().find("getenv");
        if (getenv.isEmpty()) {
            return Optional.empty();
        }
        MethodHandle call = linker.downcallHandle(getenv.get(), FunctionDescriptor.of(ValueLayout.ADDRESS,
                ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = (MemorySegment) call.invokeExact(arena.allocateFrom(VARIABLE));
            return value.equals(MemorySegment.NULL) ? Optional.empty()
                    : Optional.of(value.reinterpret(256).getString(0));
        } catch (Throwable e) {
            return Optional.empty();
        }
    }
}
