package dev.hearth.local.internal.tokenizer;

import dev.hearth.local.testing.SharedModels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * llama.cpp's tokenizer test vectors ({@code ggml-vocab-*.gguf.inp/.out}, format in shared/models/README.md section
 * 2): each input is followed by the separator, which therefore also ends the file; each output line lists the
 * expected ids, each preceded by a space. Nothing is trimmed from inputs, which include "", " " and "\n".
 */
record VocabTestVectors(List<Case> cases) {
    static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    record Case(int index, String text, int[] expectedIds) {
        @Override
        public String toString() {
            String shown = text.length() > 40 ? text.substring(0, 37) + "..." : text;
            return "#" + index + " \"" + shown.replace("\n", "\\n").replace("\t", "\\t") + "\"";
        }
    }

    /** Reads {@code <vocab>.inp} and {@code <vocab>.out} for a vocabulary path relative to shared/models. */
    static VocabTestVectors read(String vocabulary) {
        List<String> inputs = splitInputs(readUtf8(SharedModels.file(vocabulary + ".inp")));
        List<int[]> outputs = readOutputs(readUtf8(SharedModels.file(vocabulary + ".out")));
        if (inputs.size() != outputs.size()) {
            throw new AssertionError(vocabulary + ": " + inputs.size() + " inputs but " + outputs.size() + " outputs");
        }
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            cases.add(new Case(i, inputs.get(i), outputs.get(i)));
        }
        return new VocabTestVectors(List.copyOf(cases));
    }

    static List<String> splitInputs(String content) {
        List<String> inputs = new ArrayList<>();
        int position = 0;
        while (position < content.length()) {
            int separator = content.indexOf(SEPARATOR, position);
            if (separator < 0) {
                throw new AssertionError("input file does not end with the separator after test " + inputs.size());
            }
            inputs.add(content.substring(position, separator));
            position = separator + SEPARATOR.length();
        }
        return inputs;
    }

    static List<int[]> readOutputs(String content) {
        List<int[]> outputs = new ArrayList<>();
        for (String line : content.split("\n", -1)) {
            outputs.add(line.isBlank() ? new int[0]
                    : Arrays.stream(line.strip().split(" ")).mapToInt(Integer::parseInt).toArray());
        }
        // the file ends with "\n", which leaves one empty piece after the last line
        if (!outputs.isEmpty() && content.endsWith("\n")) {
            outputs.removeLast();
        }
        return outputs;
    }

    private static String readUtf8(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
