package dev.hearth.api.testing;

import dev.hearth.api.ConfigurationException;
import dev.hearth.api.ModelLoadException;
import dev.hearth.api.spi.InferenceRuntime;
import dev.hearth.api.spi.NamedRuntimeSpec;
import dev.hearth.api.spi.RuntimeProvider;
import dev.hearth.api.spi.RuntimeSpec;

import java.util.Arrays;

/**
 * Opens {@link ScriptedRuntime}s; registered in the test resources' {@code META-INF/services} so that the client
 * finds it through ServiceLoader. Named settings: {@code name}, {@code models} (comma-separated), {@code tokens}
 * (separated by {@code |}) and {@code failOpen=true}.
 */
public final class ScriptedRuntimeProvider implements RuntimeProvider {
    public static final String NAME = "scripted";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public InferenceRuntime open(RuntimeSpec spec) {
        ScriptedRuntime.Builder builder = switch (spec) {
            case ScriptedRuntime.Builder typed -> typed;
            case NamedRuntimeSpec named -> fromSettings(named);
            default -> throw new ConfigurationException("The scripted provider cannot open " + spec.getClass().getName());
        };
        if (builder.failsOpen()) {
            throw new ModelLoadException("scripted runtime told to fail on open");
        }
        return builder.build();
    }

    private static ScriptedRuntime.Builder fromSettings(NamedRuntimeSpec spec) {
        ScriptedRuntime.Builder builder = ScriptedRuntime.builder();
        var settings = spec.settings();
        if (settings.containsKey("name")) {
            builder.name(settings.get("name"));
        }
        if (settings.containsKey("models")) {
            builder.models(settings.get("models").split(","));
        }
        if (settings.containsKey("tokens")) {
            builder.tokens(Arrays.asList(settings.get("tokens").split("\\|", -1)));
        }
        if (Boolean.parseBoolean(settings.get("failOpen"))) {
            builder.failOpen();
        }
        return builder;
    }
}
