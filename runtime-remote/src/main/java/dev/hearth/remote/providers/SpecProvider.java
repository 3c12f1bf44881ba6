package dev.hearth.remote.providers;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.NamedRuntimeSpec;
import dev.hearth.api.spi.RuntimeProvider;
import dev.hearth.api.spi.RuntimeSpec;

import java.util.function.Supplier;

/** Opens remote runtimes of one kind from their typed spec or from named settings. */
abstract class SpecProvider implements RuntimeProvider {
    private final Kind kind;
    private final Supplier<RemoteSpec<?>> blank;

    SpecProvider(Kind kind, Supplier<RemoteSpec<?>> blank) {
        this.kind = kind;
        this.blank = blank;
    }

    @Override
    public final String name() {
        return kind.providerName();
    }

    @Override
    public final InferenceRuntime open(RuntimeSpec spec) {
        RemoteSpec<?> remote = switch (spec) {
            case RemoteSpec<?> typed when typed.kind() == kind -> typed;
            case NamedRuntimeSpec named when named.provider().equals(name()) -> blank.get().apply(named.settings());
            default -> throw new ConfigurationException("The " + name() + " provider cannot open a "
                    + spec.getClass().getSimpleName() + " for provider '" + spec.provider() + "'");
        };
        return new RemoteRuntime(remote.resolve());
    }
}
