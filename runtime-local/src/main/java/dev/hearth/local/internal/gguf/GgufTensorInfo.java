package dev.hearth.local.internal.gguf;

import java.util.Arrays;

/**
 * A tensor's description from the GGUF tensor table. {@code dims} are in ggml order: {@code dims[0]} is the
 * contiguous (innermost) dimension, so a weight matrix with {@code dims = [cols, rows]} is stored row by row.
 * {@code dataOffset} is absolute in the file and has been checked to lie, with {@code byteSize}, inside it.
 */
public record GgufTensorInfo(String name, long[] dims, GgmlType type, long dataOffset, long byteSize) {

    public GgufTensorInfo {
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public long dim(int index) {
        return dims[index];
    }

    /** The transformer layer N of a {@code blk.N.*} tensor, or -1 for a tensor outside the layers. */
    public int layer() {
        if (!name.startsWith("blk.")) {
            return -1;
        }
        int dot = name.indexOf('.', 4);
        try {
            return Integer.parseInt(name.substring(4, dot < 0 ? name.length() : dot));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public long elementCount() {
        long count = 1;
        for (long dim : dims) {
            count *= dim; // overflow was ruled out when the table was read
        }
        return count;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GgufTensorInfo that && name.equals(that.name) && Arrays.equals(dims, that.dims)
                && type == that.type && dataOffset == that.dataOffset && byteSize == that.byteSize;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(dims) + " @" + dataOffset;
    }
}
