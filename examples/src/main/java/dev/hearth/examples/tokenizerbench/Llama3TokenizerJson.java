package dev.hearth.examples.tokenizerbench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a Hugging Face {@code tokenizer.json} for the Llama 3 vocabulary from its GPT-2 style pair
 * ({@code encoder.json} + {@code vocab.bpe}), so that the Rust tokenizer can run the same byte-level BPE as Hearth:
 * Llama 3's split regex (isolated), byte-level alphabet without its own regex, BPE with {@code ignore_merges}. No
 * special tokens (the pair has none). Computed locally; nothing is downloaded.
 */
final class Llama3TokenizerJson {
    static final String SPLIT_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private Llama3TokenizerJson() {
    }

    static Path write(Path encoderJson, Path vocabBpe, Path target) {
        JsonFactory json = new JsonFactory();
        try {
            Files.createDirectories(target.getParent());
            try (JsonGenerator out = json.createGenerator(target.toFile(), JsonEncoding.UTF8);
                 JsonParser encoder = json.createParser(Files.newInputStream(encoderJson));
                 BufferedReader merges = Files.newBufferedReader(vocabBpe, StandardCharsets.UTF_8)) {
                out.writeStartObject();
                out.writeStringField("version", "1.0");
                out.writeNullField("truncation");
                out.writeNullField("padding");
                out.writeArrayFieldStart("added_tokens");
                out.writeEndArray();
                out.writeNullField("normalizer");
                out.writeObjectFieldStart("pre_tokenizer");
                out.writeStringField("type", "Sequence");
                out.writeArrayFieldStart("pretokenizers");
                out.writeStartObject();
                out.writeStringField("type", "Split");
                out.writeObjectFieldStart("pattern");
                out.writeStringField("Regex", SPLIT_REGEX);
                out.writeEndObject();
                out.writeStringField("behavior", "Isolated");
                out.writeBooleanField("invert", false);
                out.writeEndObject();
                out.writeStartObject();
                out.writeStringField("type", "ByteLevel");
                out.writeBooleanField("add_prefix_space", false);
                out.writeBooleanField("trim_offsets", true);
                out.writeBooleanField("use_regex", false);
                out.writeEndObject();
                out.writeEndArray();
                out.writeEndObject();
                out.writeNullField("post_processor");
                out.writeObjectFieldStart("decoder");
                out.writeStringField("type", "ByteLevel");
                out.writeBooleanField("add_prefix_space", true);
                out.writeBooleanField("trim_offsets", true);
                out.writeBooleanField("use_regex", true);
                out.writeEndObject();
                out.writeObjectFieldStart("model");
                out.writeStringField("type", "BPE");
                out.writeNullField("dropout");
                out.writeNullField("unk_token");
                out.writeNullField("continuing_subword_prefix");
                out.writeNullField("end_of_word_suffix");
                out.writeBooleanField("fuse_unk", false);
                out.writeBooleanField("byte_fallback", false);
                out.writeBooleanField("ignore_merges", true);
                out.writeFieldName("vocab");
                out.copyCurrentStructure(advance(encoder));
                out.writeArrayFieldStart("merges");
                String line;
                boolean first = true;
                while ((line = merges.readLine()) != null) {
                    if (!(first && line.startsWith("#version")) && !line.isEmpty()) {
                        out.writeString(line);
                    }
                    first = false;
                }
                out.writeEndArray();
                out.writeEndObject();
                out.writeEndObject();
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + " from " + encoderJson + " and " + vocabBpe, e);
        }
    }

    private static JsonParser advance(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new IOException("encoder.json is not a JSON object");
        }
        return parser;
    }
}
