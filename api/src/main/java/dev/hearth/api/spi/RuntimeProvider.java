package dev.hearth.api.spi;

/**
 * Opens runtimes of one kind. Implementations are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/dev.hearth.api.spi.RuntimeProvider} and give it a public no-argument constructor.
 */
public interface RuntimeProvider {

    /** A short unique name, e.g. {@code "gguf"}; {@link RuntimeSpec#provider()} refers to it. */
    String name();

    /**
     * Opens a runtime. Accepts this provider's own typed spec and a {@link NamedRuntimeSpec}.
     *
     * @throws dev.hearth.api.HearthException (a subclass) when the spec is invalid or the model cannot be opened
     */
    InferenceRuntime open(RuntimeSpec spec);
}
