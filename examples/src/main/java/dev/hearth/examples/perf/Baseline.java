package dev.hearth.examples.perf;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.hearth.api.ConfigurationException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reference rates a bench run is compared with ({@code hearth bench --baseline FILE}), such as llama.cpp's on the same
 * model shape, read from a CSV file with the header {@code model,test,threads,tokens_per_second,source}:
 * <ul>
 *   <li>{@code model}: a part of the benched model's file name, matched ignoring case ({@code llama-3.2-1b-Q8_0});
 *   <li>{@code test}: llama-bench's label, {@code pp512} or {@code pp512 @ d1024}; a decode rate does not depend on
 *       how many tokens are generated, so {@code tg} (or {@code tg @ d4096}) matches every {@code tgN} at that depth;
 *   <li>{@code threads}, {@code tokens_per_second}, and {@code source} (who measured it, where).
 * </ul>
 */
public record Baseline(List<Entry> entries) {

    private static final Pattern TEST = Pattern.compile("(pp|tg)(\\d*)(?: @ d(\\d+))?");

    public Baseline {
        entries = List.copyOf(entries);
    }

    /**
     * One reference rate.
     *
     * @param tokens the prompt length for {@code pp}; 0 for {@code tg} without a count, matching any
     */
    public record Entry(String model, String kind, int tokens, int depth, int threads, double tokensPerSecond,
                        String source) {

        boolean matches(BenchResult result) {
            return result.model().toLowerCase(Locale.ROOT).contains(model.toLowerCase(Locale.ROOT))
                    && result.kind().equals(kind) && (tokens == 0 || result.tokens() == tokens)
                    && result.depth() == depth && result.threads() == threads;
        }
    }

    /** The first entry that describes {@code result}'s case, if any. */
    public Optional<Entry> find(BenchResult result) {
        return entries.stream().filter(entry -> entry.matches(result)).findFirst();
    }

    public static Baseline read(Path file) {
        CsvMapper mapper = new CsvMapper();
        CsvSchema schema = CsvSchema.emptySchema().withHeader().withComments();
        List<Entry> entries = new ArrayList<>();
        try (MappingIterator<Map<String, String>> rows =
                     mapper.readerForMapOf(String.class).with(schema).readValues(file.toFile())) {
            int line = 1;
            while (rows.hasNext()) {
                line++;
                entries.add(entry(rows.next(), file, line));
            }
        } catch (IOException e) {
            throw new ConfigurationException("cannot read baseline " + file + ": " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new ConfigurationException("baseline " + file + " has no rows");
        }
        return new Baseline(entries);
    }

    private static Entry entry(Map<String, String> row, Path file, int line) {
        String where = "baseline " + file + " row " + line + ": ";
        String model = required(row, "model", where);
        String test = required(row, "test", where);
        Matcher label = TEST.matcher(test);
        if (!label.matches() || (label.group(1).equals("pp") && label.group(2).isEmpty())) {
            throw new ConfigurationException(where + "test must look like pp512, tg or tg @ d4096, was '" + test + "'");
        }
        int tokens = label.group(2).isEmpty() ? 0 : Integer.parseInt(label.group(2));
        int depth = label.group(3) == null ? 0 : Integer.parseInt(label.group(3));
        int threads = positiveInt(required(row, "threads", where), "threads", where);
        double rate;
        try {
            rate = Double.parseDouble(required(row, "tokens_per_second", where));
        } catch (NumberFormatException e) {
            throw new ConfigurationException(where + "tokens_per_second is not a number: " + row.get("tokens_per_second"));
        }
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new ConfigurationException(where + "tokens_per_second must be a positive number, was " + rate);
        }
        return new Entry(model, label.group(1), tokens, depth, threads, rate, row.getOrDefault("source", "").trim());
    }

    private static String required(Map<String, String> row, String column, String where) {
        String value = row.get(column);
        if (value == null || value.isBlank()) {
            throw new ConfigurationException(where + "column '" + column + "' is missing or empty");
        }
        return value.trim();
    }

    private static int positiveInt(String text, String column, String where) {
        try {
            int value = Integer.parseInt(text);
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the value
        }
        throw new ConfigurationException(where + column + " must be a whole number >= 1, was '" + text + "'");
    }
}
