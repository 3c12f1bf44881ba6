package dev.hearth.examples;

import dev.hearth.api.ConfigurationException;
import dev.hearth.local.ModelFetcher;
import dev.hearth.local.internal.synthetic.SyntheticModel;
import dev.hearth.local.internal.synthetic.SyntheticPreset;
import dev.hearth.local.internal.synthetic.WeightFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code hearth synth --preset llama-3.2-1b --type Q8_0 --out FILE}: writes a model of a real model's shape with
 * seeded random weights, without downloading anything (see {@link SyntheticModel}).
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Writes a synthetic GGUF model (seeded random weights) of a preset shape.")
public final class SynthCommand implements Callable<Integer> {
    @Option(names = "--preset", required = true, description = "shape: llama-3.2-1b, qwen2.5-0.5b or tiny-llama")
    String preset;

    @Option(names = "--type", description = "weight format: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, "
            + "Q6_K or Q4_K_M (default: ${DEFAULT-VALUE})", defaultValue = "Q8_0")
    String type;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the GGUF file to write")
    Path out;

    @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})", defaultValue = "1")
    long seed;

    @Option(names = "--tokenizer", paramLabel = "GGUF", description = "copy tokenizer.* from this GGUF (default: "
            + "stories260K's SentencePiece vocabulary, padded with unused tokens to the preset's vocabulary size)")
    Path tokenizer;

    private final PrintStream console = System.out;

    @Override
    public Integer call() {
        write(preset, type, seed, tokenizer, out, console);
        return 0;
    }

    /** Writes a synthetic model, printing progress; shared with {@code bench --synthetic}. */
    static void write(String preset, String type, long seed, Path tokenizer, Path out, PrintStream console) {
        SyntheticPreset shape = SyntheticPreset.byId(preset);
        WeightFormat format = WeightFormat.parse(type);
        SyntheticModel model = shape.builder().format(format).seed(seed)
                .tokenizerFrom(tokenizer != null ? tokenizer : DefaultModel.resolve()).build();
        console.printf(Locale.ROOT, "writing %s (%s, %s, vocabulary %d, seed %d): %.1f MiB of tensors%n", out,
                shape.id(), format, model.vocabularySize(), seed, model.fileSizeEstimate() / 1048576.0);
        long start = System.nanoTime();
        int[] lastPercent = {-1};
        model.write(out, (tensorName, tensorType, bytesSoFar, totalBytes) -> {
            int percent = (int) (100 * bytesSoFar / Math.max(1, totalBytes));
            if (percent / 10 != lastPercent[0] / 10) {
                lastPercent[0] = percent;
                console.printf(Locale.ROOT, "  %3d%%  %-28s %-5s %6.1f s%n", percent, tensorName, tensorType,
                        (System.nanoTime() - start) / 1e9);
            }
        });
        console.printf(Locale.ROOT, "wrote %s in %.1f s%n", out, (System.nanoTime() - start) / 1e9);
    }

    /**
     * A synthetic model named {@code preset[:type]} (seed 1), written once into the user cache and reused: what a
     * benchmark needs without any download. The file name carries preset, type and seed, so it never goes stale.
     */
    public static Path cached(String presetAndType, PrintStream console) {
        String[] parts = presetAndType.split(":", 2);
        String type = parts.length > 1 ? parts[1] : "Q8_0";
        Path out = ModelFetcher.defaultCacheDirectory().resolve("synthetic")
                .resolve(parts[0] + "-" + type + "-seed1.gguf");
        if (!Files.isRegularFile(out)) {
            try {
                Files.createDirectories(out.getParent());
            } catch (IOException e) {
                throw new ConfigurationException("Cannot create " + out.getParent() + ": " + e.getMessage(), e);
            }
            write(parts[0], type, 1, null, out, console);
        }
        return out;
    }
}
