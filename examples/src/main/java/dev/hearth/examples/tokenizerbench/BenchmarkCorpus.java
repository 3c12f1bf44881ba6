package dev.hearth.examples.tokenizerbench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A deterministic mixed text corpus for tokenizer benchmarks, as a list of documents (each encoded separately, as a
 * prompt would be). Every round adds: the paragraphs of the shared data READMEs (English prose), every chat template
 * (Jinja code), the 46 llama.cpp tokenizer test strings (many scripts, whitespace runs, emoji), and freshly generated
 * prose, Java and Python code, and Chinese/Japanese/Korean/emoji text from a seeded generator. Rounds repeat until
 * the corpus holds at least the requested number of UTF-8 bytes, so the same arguments always give the same text.
 *
 * <p>One generated document in every other round contains U+2028 (LINE SEPARATOR): it is the one token whose text differs
 * between {@code ggml-vocab-llama-spm.gguf} and the Llama 2 {@code tokenizer.json} (see {@link IdComparison}).
 */
public record BenchmarkCorpus(List<String> documents, long utf8Bytes) {
    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";
    private static final String HANZI = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而"
            + "方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前"
            + "外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代"
            + "想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区";
    private static final String[] JAPANESE = {"これは日本語の文章です", "東京で会いましょう", "カタカナとひらがな",
        "トークナイザーの速度を測ります", "ありがとうございました"};
    private static final String[] KOREAN = {"안녕하세요", "반갑습니다", "한국어 문장입니다", "토크나이저", "속도를 측정합니다"};
    private static final String[] EMOJI = {"😀", "🚀", "🦙", "👍🏽", "👩‍💻", "🏳️‍🌈", "❤️", "🇯🇵", "✅", "🎉", "🤖", "🔥"};
    private static final String[] CJK_PUNCTUATION = {"。", "，", "、", "！", "？", "：", "「", "」"};

    public BenchmarkCorpus {
        documents = List.copyOf(documents);
    }

    /**
     * Builds the corpus from {@code sharedModels} (the shared/models directory).
     *
     * @throws UncheckedIOException if a data file cannot be read; missing data is an error, never skipped
     */
    public static BenchmarkCorpus build(Path sharedModels, long targetUtf8Bytes) {
        List<String> fixed = new ArrayList<>();
        for (String readme : new String[] {"README.md", "chat-templates/README.md", "parity/README.md"}) {
            fixed.addAll(paragraphs(read(sharedModels.resolve(readme))));
        }
        try (Stream<Path> templates = Files.list(sharedModels.resolve("chat-templates"))) {
            templates.filter(path -> path.toString().endsWith(".jinja")).sorted()
                    .forEach(path -> fixed.add(read(path)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String vectors = read(sharedModels.resolve("llama.cpp-vocab/ggml-vocab-llama-spm.gguf.inp"));
        for (String test : vectors.split(SEPARATOR, -1)) {
            if (!test.isEmpty()) {
                fixed.add(test);
            }
        }
        String[] words = String.join(" ", fixed.subList(0, Math.min(fixed.size(), 40)))
                .split("[^\\p{L}\\p{N}']+");
        words = Arrays.stream(words).filter(word -> !word.isEmpty()).toArray(String[]::new);

        SplittableRandom random = new SplittableRandom(0x4EA27L);
        List<String> documents = new ArrayList<>();
        long bytes = 0;
        for (int round = 0; bytes < targetUtf8Bytes; round++) {
            List<String> roundDocuments = new ArrayList<>(fixed);
            for (int i = 0; i < 8; i++) {
                roundDocuments.add(prose(random, words));
                roundDocuments.add(javaCode(random, words));
                roundDocuments.add(pythonCode(random, words));
                roundDocuments.add(eastAsianAndEmoji(random, i == 0 && round % 2 == 0));
            }
            for (String document : roundDocuments) {
                documents.add(document);
                bytes += document.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return new BenchmarkCorpus(documents, bytes);
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("benchmark data " + path + " is missing or unreadable", e);
        }
    }

    private static List<String> paragraphs(String text) {
        return Arrays.stream(text.split("\n\\s*\n")).filter(paragraph -> !paragraph.isBlank()).toList();
    }

    private static String pick(SplittableRandom random, String[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static String prose(SplittableRandom random, String[] words) {
        StringBuilder text = new StringBuilder();
        int sentences = 4 + random.nextInt(8);
        for (int s = 0; s < sentences; s++) {
            int length = 5 + random.nextInt(15);
            for (int w = 0; w < length; w++) {
                String word = pick(random, words);
                text.append(w == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
                text.append(w + 1 < length ? (random.nextInt(12) == 0 ? ", " : " ") : "");
            }
            text.append(random.nextInt(6) == 0 ? "? " : ". ");
            if (random.nextInt(5) == 0) {
                text.append(1900 + random.nextInt(130)).append(" and ").append(random.nextInt(100_000)).append(". ");
            }
        }
        return text.toString().strip();
    }

    private static String identifier(SplittableRandom random, String[] words) {
        String word = pick(random, words).replace("'", "").toLowerCase(java.util.Locale.ROOT);
        return word.isEmpty() ? "value" : word;
    }

    private static String javaCode(SplittableRandom random, String[] words) {
        String name = identifier(random, words);
        String type = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        return """
                /** Computes the %s checksum of a block (%d bytes at a time). */
                public static int %sChecksum(byte[] data, int offset, %s context) {
                    int hash = 0x%08X;
                    for (int i = offset; i < data.length; i += %d) {
                        hash = (hash * 31) ^ (data[i] & 0xFF); // mix in one byte
                    }
                    if (hash < 0 && context != null) {
                        throw new IllegalStateException("negative %s: " + hash);
                    }
                    return hash >>> %d;
                }
                """.formatted(name, 1 + random.nextInt(64), name, type, random.nextInt(), 1 + random.nextInt(8),
                name, random.nextInt(32));
    }

    private static String pythonCode(SplittableRandom random, String[] words) {
        String name = identifier(random, words);
        String other = identifier(random, words);
        return """
                def load_%s(path: str, limit: int = %d) -> dict[str, float]:
                    \"\"\"Read the %s table and keep the first rows.\"\"\"
                    with open(path, encoding="utf-8") as handle:
                        rows = [line.rstrip("\\n").split(",") for line in handle if line.strip()]
                    return {row[0]: float(row[1]) * %d.%d for row in rows[:limit] if row[0] != "%s"}
                """.formatted(name, random.nextInt(10_000), name, random.nextInt(100), random.nextInt(1000), other);
    }

    private static String eastAsianAndEmoji(SplittableRandom random, boolean withLineSeparator) {
        StringBuilder text = new StringBuilder();
        int sentences = 3 + random.nextInt(6);
        for (int s = 0; s < sentences; s++) {
            switch (random.nextInt(4)) {
                case 0, 1 -> {
                    int length = 8 + random.nextInt(30);
                    for (int i = 0; i < length; i++) {
                        text.append(HANZI.charAt(random.nextInt(HANZI.length())));
                    }
                }
                case 2 -> text.append(pick(random, JAPANESE)).append(pick(random, JAPANESE));
                default -> text.append(pick(random, KOREAN)).append(' ').append(pick(random, KOREAN));
            }
            text.append(pick(random, CJK_PUNCTUATION));
            if (random.nextInt(2) == 0) {
                text.append(pick(random, EMOJI)).append(random.nextInt(3) == 0 ? pick(random, EMOJI) : "");
            }
            text.append(random.nextInt(4) == 0 ? "\n" : "");
        }
        if (withLineSeparator) {
            text.append("\u2028").append(pick(random, KOREAN));
        }
        return text.toString();
    }
}
