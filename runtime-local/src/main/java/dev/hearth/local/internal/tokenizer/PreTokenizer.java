package dev.hearth.local.internal.tokenizer;

import dev.hearth.api.UnsupportedModelException;

import java.util.List;
import java.util.Locale;

/**
 * Cuts text into the words that byte-level BPE then merges within, as chosen by GGUF's {@code tokenizer.ggml.pre}.
 * The stages run in order, each one re-splitting every word of the previous one, exactly as llama.cpp's
 * {@code llm_tokenizer_bpe} lists its {@code regex_exprs} per pre-tokenizer type. The GPT-2 and Llama 3 expressions
 * run through hand-written scanners (as in llama.cpp); the others through {@link RegexSplitter}.
 *
 * @param name         the {@code tokenizer.ggml.pre} value this was made for
 * @param stages       the splitting stages, applied in order
 * @param ignoreMerges a word that is itself a vocabulary token becomes that token without merging (Llama 3)
 * @param addsBos      llama.cpp's default for {@code tokenizer.ggml.add_bos_token} with this pre-tokenizer
 */
record PreTokenizer(String name, List<WordSplitter> stages, boolean ignoreMerges, boolean addsBos) {

    /** Runs of letters of the scripts that have case, spelt out from the DeepSeek LLM tokenizer's expression. */
    private static final String DEEPSEEK_CASED_LETTERS = "[A-Za-z\\x{B5}\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}"
            + "\\x{F8}-\\x{1BA}\\x{1BC}-\\x{1BF}\\x{1C4}-\\x{293}\\x{295}-\\x{2AF}\\x{370}-\\x{373}\\x{376}\\x{377}"
            + "\\x{37B}-\\x{37D}\\x{37F}\\x{386}\\x{388}-\\x{38A}\\x{38C}\\x{38E}-\\x{3A1}\\x{3A3}-\\x{3F5}"
            + "\\x{3F7}-\\x{481}\\x{48A}-\\x{52F}\\x{531}-\\x{556}\\x{10A0}-\\x{10C5}\\x{13A0}-\\x{13F5}"
            + "\\x{13F8}-\\x{13FD}\\x{1C90}-\\x{1CBA}\\x{1CBD}-\\x{1CBF}\\x{1D00}-\\x{1D2B}\\x{1D6B}-\\x{1D77}"
            + "\\x{1D79}-\\x{1D9A}\\x{1E00}-\\x{1F15}\\x{1F18}-\\x{1F1D}\\x{1F20}-\\x{1F45}\\x{1F48}-\\x{1F4D}"
            + "\\x{1F50}-\\x{1F57}\\x{1F59}\\x{1F5B}\\x{1F5D}\\x{1F5F}-\\x{1F7D}\\x{1F80}-\\x{1FB4}\\x{1FB6}-\\x{1FBC}"
            + "\\x{1FBE}\\x{1FC2}-\\x{1FC4}\\x{1FC6}-\\x{1FCC}\\x{1FD0}-\\x{1FD3}\\x{1FD6}-\\x{1FDB}\\x{1FE0}-\\x{1FEC}"
            + "\\x{1FF2}-\\x{1FF4}\\x{1FF6}-\\x{1FFC}\\x{2102}\\x{2107}\\x{210A}-\\x{2113}\\x{2115}\\x{2119}-\\x{211D}"
            + "\\x{2124}\\x{2126}\\x{2128}\\x{212A}-\\x{212D}\\x{212F}-\\x{2134}\\x{2139}\\x{213C}-\\x{213F}"
            + "\\x{2145}-\\x{2149}\\x{214E}\\x{2183}\\x{2184}\\x{2C00}-\\x{2C7B}\\x{2C7E}-\\x{2CE4}\\x{2CEB}-\\x{2CEE}"
            + "\\x{2CF2}\\x{2CF3}\\x{A640}-\\x{A66D}\\x{A680}-\\x{A69B}\\x{A722}-\\x{A76F}\\x{A771}-\\x{A787}"
            + "\\x{A78B}-\\x{A78E}\\x{AB70}-\\x{ABBF}\\x{FB00}-\\x{FB06}\\x{FB13}-\\x{FB17}\\x{FF21}-\\x{FF3A}"
            + "\\x{FF41}-\\x{FF5A}\\x{10400}-\\x{1044F}\\x{104B0}-\\x{104D3}\\x{104D8}-\\x{104FB}\\x{10C80}-\\x{10CB2}"
            + "\\x{10CC0}-\\x{10CF2}\\x{118A0}-\\x{118DF}\\x{1E900}-\\x{1E943}]+";
    /** CJK ideographs, everything from U+0800 to them, and Hangul, as DeepSeek's tokenizers group them. */
    private static final String DEEPSEEK_CJK = "[\\x{4E00}-\\x{9FA5}\\x{0800}-\\x{4E00}\\x{AC00}-\\x{D7FF}]+";

    /**
     * The pre-tokenizer llama.cpp uses for a {@code tokenizer.ggml.pre} value; a missing value means llama.cpp's
     * "default" (which it warns degrades quality).
     *
     * @throws UnsupportedModelException naming the value if it is not one of the supported pre-tokenizers
     */
    static PreTokenizer forName(String pre) {
        String name = pre == null || pre.isEmpty() ? "default" : pre;
        return switch (name) {
            case "default" -> new PreTokenizer(name, List.of(
                    new RegexSplitter("[\\p{P}\\$\\+<=>\\^~\\|]+"),
                    new Gpt2Splitter(),
                    new RegexSplitter("\\p{N}+"),
                    new RegexSplitter("[0-9][0-9][0-9]")), false, false);
            case "gpt-2", "phi-2", "mpt", "olmo", "jais", "jina-es", "jina-de", "jina-v2-es", "jina-v2-de",
                 "gigachat", "mellum", "exaone4" -> new PreTokenizer(name, List.of(new Gpt2Splitter()), false, false);
            case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2" ->
                    new PreTokenizer(name, List.of(new Llama3Splitter(3)), true, true);
            case "dbrx", "smaug-bpe" -> new PreTokenizer(name, List.of(new Llama3Splitter(3)), false, false);
            case "qwen2", "deepseek-r1-qwen", "stablelm2", "megrez" ->
                    new PreTokenizer(name, List.of(new Llama3Splitter(1)), false, false);
            case "deepseek-llm" -> new PreTokenizer(name, List.of(
                    new RegexSplitter("[\\r\\n]"),
                    new RegexSplitter("\\s?" + DEEPSEEK_CASED_LETTERS),
                    new RegexSplitter("\\s?[!-/:-~\\x{FF01}-\\x{FF0F}\\x{FF1A}-\\x{FF5E}\\x{2018}-\\x{201F}"
                            + "\\x{3000}-\\x{3002}]+"),
                    new RegexSplitter("\\s+\\z"),
                    new RegexSplitter(DEEPSEEK_CJK),
                    new RegexSplitter("\\p{N}+")), false, false);
            case "deepseek-coder" -> new PreTokenizer(name, List.of(
                    new RegexSplitter("[\\r\\n]"),
                    new RegexSplitter("\\s?\\p{L}+"),
                    new RegexSplitter("\\s?\\p{P}+"),
                    new RegexSplitter(DEEPSEEK_CJK),
                    new RegexSplitter("\\p{N}")), false, false);
            case "falcon" -> new PreTokenizer(name, List.of(
                    new RegexSplitter("[\\p{P}\\$\\+<=>\\^~\\|`]+"),
                    new Gpt2Splitter(),
                    new RegexSplitter("[0-9][0-9][0-9]")), false, false);
            case "starcoder", "refact", "command-r", "smollm", "codeshell", "exaone", "minerva-7b" ->
                    new PreTokenizer(name, List.of(new RegexSplitter("\\p{N}"), new Gpt2Splitter()), false, false);
            default -> throw new UnsupportedModelException("pre-tokenizer '" + name + "' (tokenizer.ggml.pre) is not "
                    + "supported; supported: default, gpt-2, llama3/llama-bpe, qwen2, deepseek-llm, deepseek-coder, "
                    + "falcon, starcoder and their aliases");
        };
    }

    /** Ends (exclusive code point indices) of the words of the whole text, in order. */
    IntList split(CodepointText text) {
        IntList ends = new IntList(Math.max(8, text.length() / 4));
        if (text.length() == 0) {
            return ends;
        }
        ends.add(text.length());
        for (WordSplitter stage : stages) {
            IntList next = new IntList(ends.size() * 2);
            int start = 0;
            for (int i = 0; i < ends.size(); i++) {
                stage.split(text, start, ends.get(i), next);
                start = ends.get(i);
            }
            ends = next;
        }
        return ends;
    }

    @Override
    public String toString() {
        return "PreTokenizer[" + name.toLowerCase(Locale.ROOT) + "]";
    }
}
