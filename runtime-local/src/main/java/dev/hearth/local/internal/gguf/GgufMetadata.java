package dev.hearth.local.internal.gguf;

import dev.hearth.api.ModelFormatException;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;

/**
 * The key/value metadata of a GGUF file, in file order, with typed accessors. A missing key or a value of the wrong
 * type is reported as a {@link ModelFormatException} naming the key; the {@code optional...} forms return empty for
 * a missing key but still reject a wrong type.
 */
public final class GgufMetadata {
    private final SequencedMap<String, MetadataEntry> entries;

    GgufMetadata(SequencedMap<String, MetadataEntry> entries) {
        this.entries = Collections.unmodifiableSequencedMap(entries);
    }

    public SequencedMap<String, MetadataEntry> entries() {
        return entries;
    }

    public boolean contains(String key) {
        return entries.containsKey(key);
    }

    public Optional<MetadataEntry> entry(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    public String getString(String key) {
        return optionalString(key).orElseThrow(() -> missing(key, "string"));
    }

    public Optional<String> optionalString(String key) {
        return typed(key, MetadataType.STRING, "string").map(String.class::cast);
    }

    /** An integer of any width that fits in a Java {@code long} (uint64 above 2^63 is rejected). */
    public long getLong(String key) {
        return optionalLong(key).orElseThrow(() -> missing(key, "integer"));
    }

    public Optional<Long> optionalLong(String key) {
        MetadataEntry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!entry.type().isInteger()) {
            throw wrongType(entry, "an integer");
        }
        long value = (Long) entry.value();
        if (entry.type() == MetadataType.UINT64 && value < 0) {
            throw new ModelFormatException(key, entry.offset(), "uint64 value " + Long.toUnsignedString(value) + " is too large");
        }
        return Optional.of(value);
    }

    /** An integer that must fit in an {@code int} and lie in [minimum, maximum]. */
    public int getInt(String key, int minimum, int maximum) {
        return optionalInt(key, minimum, maximum).orElseThrow(() -> missing(key, "integer"));
    }

    public Optional<Integer> optionalInt(String key, int minimum, int maximum) {
        return optionalLong(key).map(value -> {
            if (value < minimum || value > maximum) {
                throw new ModelFormatException(key, entries.get(key).offset(),
                        "value " + value + " is outside the accepted range [" + minimum + ", " + maximum + "]");
            }
            return value.intValue();
        });
    }

    /** A float32 or float64 value. */
    public Optional<Float> optionalFloat(String key) {
        MetadataEntry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        return switch (entry.type()) {
            case FLOAT32 -> Optional.of((Float) entry.value());
            case FLOAT64 -> Optional.of(((Double) entry.value()).floatValue());
            default -> throw wrongType(entry, "a float");
        };
    }

    public Optional<Boolean> optionalBoolean(String key) {
        return typed(key, MetadataType.BOOL, "a bool").map(Boolean.class::cast);
    }

    public Optional<MetadataArray> optionalArray(String key) {
        return typed(key, MetadataType.ARRAY, "an array").map(MetadataArray.class::cast);
    }

    public String[] getStringArray(String key) {
        return (String[]) arrayOf(key, MetadataType.STRING, "strings");
    }

    public Optional<float[]> optionalFloatArray(String key) {
        return optionalArray(key).map(array -> (float[]) requireElements(key, array, MetadataType.FLOAT32, "float32"));
    }

    /** An array of any 32-bit-or-narrower integer type, widened to {@code int} (signedness as stored). */
    public Optional<int[]> optionalIntArray(String key) {
        return optionalArray(key).map(array -> {
            Object elements = array.elements();
            return switch (array.elementType()) {
                case INT32, UINT32 -> (int[]) elements;
                case INT8 -> widen((byte[]) elements, false);
                case UINT8 -> widen((byte[]) elements, true);
                case INT16, UINT16 -> {
                    short[] shorts = (short[]) elements;
                    int[] ints = new int[shorts.length];
                    boolean unsigned = array.elementType() == MetadataType.UINT16;
                    for (int i = 0; i < shorts.length; i++) {
                        ints[i] = unsigned ? Short.toUnsignedInt(shorts[i]) : shorts[i];
                    }
                    yield ints;
                }
                default -> throw new ModelFormatException(key, entries.get(key).offset(),
                        "expected an array of integers but found an array of " + array.elementType());
            };
        });
    }

    private static int[] widen(byte[] bytes, boolean unsigned) {
        int[] ints = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ints[i] = unsigned ? Byte.toUnsignedInt(bytes[i]) : bytes[i];
        }
        return ints;
    }

    private Object arrayOf(String key, MetadataType elementType, String description) {
        MetadataArray array = optionalArray(key).orElseThrow(() -> missing(key, "array of " + description));
        return requireElements(key, array, elementType, description);
    }

    private Object requireElements(String key, MetadataArray array, MetadataType elementType, String description) {
        if (array.elementType() != elementType) {
            throw new ModelFormatException(key, entries.get(key).offset(),
                    "expected an array of " + description + " but found an array of " + array.elementType());
        }
        return array.elements();
    }

    private Optional<Object> typed(String key, MetadataType type, String description) {
        MetadataEntry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (entry.type() != type) {
            throw wrongType(entry, description);
        }
        return Optional.of(entry.value());
    }

    private static ModelFormatException wrongType(MetadataEntry entry, String expected) {
        return new ModelFormatException(entry.key(), entry.offset(), "expected " + expected + " but found " + entry.type());
    }

    private static ModelFormatException missing(String key, String expected) {
        return new ModelFormatException(key, -1, "required key is missing (expected " + expected + ")");
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, MetadataEntry> e : entries.entrySet()) {
            Object value = e.getValue().value();
            String shown = value instanceof String s && s.length() > 80 ? s.substring(0, 77) + "..." : String.valueOf(value);
            text.append(e.getKey()).append(" = ").append(shown).append('\n');
        }
        return text.toString();
    }
}
