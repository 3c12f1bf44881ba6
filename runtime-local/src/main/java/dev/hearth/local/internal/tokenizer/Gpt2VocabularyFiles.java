package dev.hearth.local.internal.tokenizer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.api.ModelFormatException;
import dev.hearth.api.ModelNotFoundException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a GPT-2 style vocabulary pair: {@code encoder.json}, one JSON object mapping each token text (in GPT-2's byte
 * spelling) to its id, and {@code vocab.bpe}, one merge rule "left right" per line in rank order, optionally after a
 * {@code #version} line. Ids must be exactly 0..n-1. The pair has no token types, so every token is NORMAL.
 */
final class Gpt2VocabularyFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Gpt2VocabularyFiles() {
    }

    static BpeTokenizer load(Path encoderJson, Path vocabBpe, String preTokenizerName) {
        PreTokenizer preTokenizer = PreTokenizer.forName(preTokenizerName);
        String[] pieces = readEncoder(encoderJson);
        String[] merges = readMerges(vocabBpe);
        TokenType[] types = new TokenType[pieces.length];
        Arrays.fill(types, TokenType.NORMAL);
        return new BpeTokenizer(pieces, types, merges, vocabBpe.toString(), preTokenizer, -1, -1, -1, -1, false,
                false);
    }

    private static String[] readEncoder(Path file) {
        List<String> byId = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(Files.newInputStream(file))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new ModelFormatException(file.toString(), parser.currentLocation().getByteOffset(),
                        "expected a JSON object mapping token text to id");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String text = parser.currentName();
                if (parser.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                    throw new ModelFormatException(file.toString(), parser.currentLocation().getByteOffset(),
                            "the id of token '" + text + "' is not an integer");
                }
                long id = parser.getLongValue();
                if (id < 0 || id > Integer.MAX_VALUE - 8) {
                    throw new ModelFormatException(file.toString(), parser.currentLocation().getByteOffset(),
                            "token '" + text + "' has id " + id + ", outside [0, 2^31)");
                }
                while (byId.size() <= id) {
                    byId.add(null);
                }
                if (byId.get((int) id) != null) {
                    throw new ModelFormatException(file.toString(), parser.currentLocation().getByteOffset(),
                            "id " + id + " is given to both '" + byId.get((int) id) + "' and '" + text + "'");
                }
                byId.set((int) id, text);
            }
        } catch (NoSuchFileException e) {
            throw new ModelNotFoundException("vocabulary file " + file + " does not exist");
        } catch (IOException e) {
            throw new ModelFormatException(file.toString(), -1, "is not readable JSON: " + e.getMessage(), e);
        }
        int missing = byId.indexOf(null);
        if (missing >= 0) {
            throw new ModelFormatException(file.toString(), -1, "no token has id " + missing + " (ids must be 0.."
                    + (byId.size() - 1) + " without gaps)");
        }
        if (byId.isEmpty()) {
            throw new ModelFormatException(file.toString(), -1, "the vocabulary is empty");
        }
        return byId.toArray(String[]::new);
    }

    private static String[] readMerges(Path file) {
        List<String> merges = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("#version")) {
                    continue;
                }
                if (line.isEmpty()) {
                    continue;
                }
                if (line.indexOf(' ', 1) < 0) {
                    throw new ModelFormatException(file.toString(), -1, "line " + lineNumber + " '" + line
                            + "' is not a merge rule 'left right'");
                }
                merges.add(line);
            }
        } catch (NoSuchFileException e) {
            throw new ModelNotFoundException("merges file " + file + " does not exist");
        } catch (IOException e) {
            throw new ModelFormatException(file.toString(), -1, "is not readable UTF-8 text: " + e.getMessage(), e);
        }
        return merges.toArray(String[]::new);
    }
}
