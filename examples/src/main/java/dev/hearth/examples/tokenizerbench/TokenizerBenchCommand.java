package dev.hearth.examples.tokenizerbench;

import dev.hearth.local.internal.gguf.GgufFile;
import dev.hearth.local.internal.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;

/**
 * {@code hearth tokenizer-bench}: encode throughput of Hearth's SentencePiece (Llama 2) and byte-level BPE
 * (Llama 3) tokenizers and of Hugging Face's Rust tokenizer (through DJL, same Llama 2 vocabulary) on one
 * deterministic mixed corpus ({@link BenchmarkCorpus}), after checking that the SentencePiece ids equal the Rust
 * tokenizer's on every document. Prints a Markdown table; single-threaded; each document is one encode call.
 */
@Command(name = "tokenizer-bench", mixinStandardHelpOptions = true,
        description = "Measures tokenizer encode speed (MB/s) against Hugging Face's Rust tokenizer and checks that the ids agree.")
public final class TokenizerBenchCommand implements Callable<Integer> {

    @Option(names = "--models", paramLabel = "DIR", description = "the shared/models directory (default: beside the project)")
    Path models;

    @Option(names = "--scratch", paramLabel = "DIR", description = "where DJL unpacks its native library and the Llama 3 tokenizer.json is written (default: examples/target of the project, else the temp directory)")
    Path scratch;

    @Option(names = "--corpus-mb", description = "corpus size in MiB of UTF-8 (default: ${DEFAULT-VALUE})", defaultValue = "4")
    double corpusMegabytes;

    @Option(names = "--warmup", description = "untimed passes over the corpus per tokenizer (default: ${DEFAULT-VALUE})", defaultValue = "3")
    int warmup;

    @Option(names = "--iterations", description = "timed passes per tokenizer (default: ${DEFAULT-VALUE})", defaultValue = "5")
    int iterations;

    /** One measured tokenizer. */
    record Result(String name, String vocabulary, double[] megabytesPerSecond, long tokens) {
        double mean() {
            double sum = 0;
            for (double value : megabytesPerSecond) {
                sum += value;
            }
            return sum / megabytesPerSecond.length;
        }

        double standardDeviation() {
            double mean = mean();
            double squares = 0;
            for (double value : megabytesPerSecond) {
                squares += (value - mean) * (value - mean);
            }
            return megabytesPerSecond.length > 1 ? Math.sqrt(squares / (megabytesPerSecond.length - 1)) : 0;
        }
    }

    @Override
    public Integer call() {
        if (corpusMegabytes <= 0 || warmup < 0 || iterations < 1) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--corpus-mb must be positive, --warmup non-negative and --iterations at least 1");
        }
        Path shared = models != null ? models : defaultSharedModels();
        BenchmarkCorpus corpus = BenchmarkCorpus.build(shared, (long) (corpusMegabytes * 1024 * 1024));
        double megabytes = corpus.utf8Bytes() / (1024.0 * 1024.0);
        System.out.printf(Locale.ROOT, "Corpus: %d documents, %.2f MiB UTF-8 (prose, Jinja/Java/Python code, 46 "
                + "llama.cpp test strings, CJK and emoji)%n", corpus.documents().size(), megabytes);

        Tokenizer spm = load(shared.resolve("llama.cpp-vocab/ggml-vocab-llama-spm.gguf"));
        Tokenizer bpe = load(shared.resolve("llama.cpp-vocab/ggml-vocab-llama-bpe.gguf"));
        Path djlCache = (scratch != null ? scratch : defaultScratch()).resolve("djl-cache").toAbsolutePath();
        List<Result> results = new ArrayList<>();
        try (RustTokenizer rust = RustTokenizer.open(
                shared.resolve("onnx/tiny-random-LlamaForCausalLM-fp16/tokenizer.json"), djlCache)) {
            int checked;
            try {
                checked = verifySameIds(corpus, spm, rust);
            } catch (IllegalStateException mismatch) {
                System.err.println("error: Hearth SentencePiece and the Rust tokenizer disagree: " + mismatch.getMessage());
                return 1;
            }
            System.out.printf(Locale.ROOT, "Ids: Hearth SPM and the Rust tokenizer agree on all %d documents "
                    + "(id %d handled as described in IdComparison).%n%n", checked, IdComparison.LINE_SEPARATOR_TOKEN);
            results.add(measure("Hearth SentencePiece", "Llama 2 (ggml-vocab-llama-spm.gguf)", corpus,
                    text -> spm.encode(text, false, true).length));
            results.add(measure("Hugging Face tokenizers (Rust, via DJL 0.38.0)", "Llama 2 (tokenizer.json)", corpus,
                    text -> rust.encode(text).length));
        }
        results.add(measure("Hearth byte-level BPE", "Llama 3 (ggml-vocab-llama-bpe.gguf, 256 special tokens "
                + "parsed)", corpus, text -> bpe.encode(text, false, true).length));

        // The same byte-level BPE on both sides: Llama 3 from encoder.json + vocab.bpe, and a tokenizer.json written
        // from those two files for the Rust tokenizer.
        Path encoderJson = shared.resolve("tokenizers/llama3/encoder.json");
        Path vocabBpe = shared.resolve("tokenizers/llama3/vocab.bpe");
        Tokenizer bpeFromFiles = Tokenizer.fromGpt2Files(encoderJson, vocabBpe, "llama-bpe");
        Path llama3Json = Llama3TokenizerJson.write(encoderJson, vocabBpe,
                djlCache.resolveSibling("llama3-tokenizer.json"));
        try (RustTokenizer rust = RustTokenizer.open(llama3Json, djlCache)) {
            int differing = 0;
            String firstDifference = null;
            for (String document : corpus.documents()) {
                String difference = IdComparison.firstDifference(IdComparison.toInts(rust.encode(document)),
                        bpeFromFiles.encode(document, false, false));
                if (difference != null) {
                    differing++;
                    firstDifference = firstDifference != null ? firstDifference : difference;
                }
            }
            System.out.printf(Locale.ROOT, "Ids: Hearth BPE and the Rust tokenizer (Llama 3) agree on %d of %d "
                    + "documents%s%n%n", corpus.documents().size() - differing, corpus.documents().size(),
                    firstDifference == null ? "." : "; " + firstDifference);
            results.add(measure("Hearth byte-level BPE", "Llama 3 (encoder.json + vocab.bpe)", corpus,
                    text -> bpeFromFiles.encode(text, false, false).length));
            results.add(measure("Hugging Face tokenizers (Rust, via DJL 0.38.0)", "Llama 3 (tokenizer.json written "
                    + "from encoder.json + vocab.bpe)", corpus, text -> rust.encode(text).length));
        }

        System.out.printf(Locale.ROOT, "| tokenizer | vocabulary | encode MB/s (mean ± sd, %d runs) | tokens |%n",
                iterations);
        System.out.println("| --- | --- | ---: | ---: |");
        for (Result result : results) {
            System.out.printf(Locale.ROOT, "| %s | %s | %.2f ± %.2f | %d |%n", result.name(), result.vocabulary(),
                    result.mean(), result.standardDeviation(), result.tokens());
        }
        System.out.printf(Locale.ROOT, "%nMB = 2^20 bytes of UTF-8 input; %d warm-up passes; one thread; JVM %s; "
                + "%d available processors.%n", warmup, Runtime.version(), Runtime.getRuntime().availableProcessors());
        return 0;
    }

    private static Tokenizer load(Path gguf) {
        try (GgufFile file = GgufFile.open(gguf)) {
            return Tokenizer.fromGguf(file.metadata());
        }
    }

    /** @return the number of documents compared; throws if any differs */
    static int verifySameIds(BenchmarkCorpus corpus, Tokenizer spm, RustTokenizer rust) {
        int index = 0;
        for (String document : corpus.documents()) {
            int[] expected = IdComparison.toInts(rust.encode(document));
            int[] actual = IdComparison.asHuggingFaceIds(spm.encode(document, false, true));
            String difference = IdComparison.firstDifference(expected, actual);
            if (difference != null) {
                throw new IllegalStateException("document " + index + " encodes differently: " + difference);
            }
            index++;
        }
        return index;
    }

    private Result measure(String name, String vocabulary, BenchmarkCorpus corpus, ToIntFunction<String> encoder) {
        long tokens = 0;
        for (int pass = 0; pass < warmup; pass++) {
            tokens = encodeAll(corpus, encoder);
        }
        double[] speeds = new double[iterations];
        double megabytes = corpus.utf8Bytes() / (1024.0 * 1024.0);
        for (int run = 0; run < iterations; run++) {
            long start = System.nanoTime();
            tokens = encodeAll(corpus, encoder);
            speeds[run] = megabytes / ((System.nanoTime() - start) / 1e9);
        }
        System.err.printf(Locale.ROOT, "measured %s%n", name);
        return new Result(name, vocabulary, speeds, tokens);
    }

    private static long encodeAll(BenchmarkCorpus corpus, ToIntFunction<String> encoder) {
        long tokens = 0;
        for (String document : corpus.documents()) {
            tokens += encoder.applyAsInt(document);
        }
        return tokens;
    }

    private static Path defaultScratch() {
        String home = System.getProperty("hearth.home");
        return home != null ? Path.of(home, "examples", "target")
                : Path.of(System.getProperty("java.io.tmpdir"), "hearth-tokenizer-bench");
    }

    static Path defaultSharedModels() {
        String configured = System.getProperty("hearth.shared.models");
        if (configured != null) {
            return Path.of(configured);
        }
        String home = System.getProperty("hearth.home");
        Path beside = (home != null ? Path.of(home) : Path.of("").toAbsolutePath()).resolve("../shared/models")
                .normalize();
        if (!Files.isDirectory(beside)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new TokenizerBenchCommand()),
                    "shared test data not found at " + beside + ": pass --models DIR");
        }
        return beside;
    }
}
