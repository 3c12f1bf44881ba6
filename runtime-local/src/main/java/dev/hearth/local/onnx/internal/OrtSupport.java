package dev.hearth.local.onnx.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.hearth.api.ModelLoadException;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/** Shared ONNX Runtime plumbing: the process-wide environment, session options, tensor construction and reading. */
final class OrtSupport {
    static {
        // before any ONNX Runtime class initialises: the native library reads it once, at load
        OrtTelemetry.disable();
    }

    private OrtSupport() {
    }

    static OrtEnvironment environment() {
        // one environment per process; ONNX Runtime owns it and it is never closed
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try {
            environment.setTelemetry(false); // Windows builds (ETW)
        } catch (ai.onnxruntime.OrtException e) {
            // not every build has a telemetry switch; the environment variable above covers the others
        }
        return environment;
    }

    /** Options for a CPU session: {@code threads} intra-op threads, operators run one after another. */
    static OrtSession.SessionOptions sessionOptions(int threads) {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return options;
        } catch (OrtException e) {
            options.close();
            throw new ModelLoadException("ONNX Runtime rejected the session options (" + threads + " threads): " + e.getMessage(), e);
        }
    }

    /** An integer tensor of shape {@code shape} in the element type the model declares (int32 or int64). */
    static OnnxTensor integers(OnnxJavaType type, long[] values, long... shape) throws OrtException {
        if (type == OnnxJavaType.INT64) {
            return OnnxTensor.createTensor(environment(), LongBuffer.wrap(values), shape);
        }
        int[] narrow = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            narrow[i] = Math.toIntExact(values[i]);
        }
        return OnnxTensor.createTensor(environment(), IntBuffer.wrap(narrow), shape);
    }

    /** A float tensor of shape {@code shape} with no elements (one axis is 0): an empty KV cache. */
    static OnnxTensor emptyFloats(OnnxJavaType type, long[] shape) throws OrtException {
        return switch (type) {
            case FLOAT -> OnnxTensor.createTensor(environment(), FloatBuffer.allocate(0), shape);
            case FLOAT16, BFLOAT16 -> OnnxTensor.createTensor(environment(), ShortBuffer.allocate(0), shape, type);
            default -> throw new IllegalArgumentException("not a float type: " + type);
        };
    }

    /**
     * The last {@code width} values of a float tensor (fp32, fp16 or bf16) as fp32: the last position's logits. Only
     * that row is converted; ORT hands out a copy of the tensor's buffer.
     */
    static float[] lastRow(OnnxTensor tensor, int width) {
        OnnxJavaType type = tensor.getInfo().type;
        float[] row = new float[width];
        switch (type) {
            case FLOAT -> {
                FloatBuffer values = tensor.getFloatBuffer();
                values.position(values.limit() - width);
                values.get(row);
            }
            case FLOAT16, BFLOAT16 -> {
                ShortBuffer values = tensor.getShortBuffer();
                int start = values.limit() - width;
                for (int i = 0; i < width; i++) {
                    short bits = values.get(start + i);
                    row[i] = type == OnnxJavaType.FLOAT16 ? Float.float16ToFloat(bits) : Float.intBitsToFloat(bits << 16);
                }
            }
            default -> throw new IllegalArgumentException("not a float tensor: " + type);
        }
        return row;
    }

    static void closeQuietly(OnnxValue value) {
        if (value != null) {
            value.close();
        }
    }

    /** "name type[shape]" for each node, for error messages that show what a model has. */
    static String describe(Map<String, NodeInfo> nodes) {
        return nodes.values().stream().map(OrtSupport::describe).collect(Collectors.joining(", ", "[", "]"));
    }

    static String describe(NodeInfo node) {
        if (node.getInfo() instanceof TensorInfo tensor) {
            return node.getName() + " " + tensor.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "").toLowerCase()
                    + Arrays.toString(tensor.getShape());
        }
        return node.getName() + " " + node.getInfo();
    }
}
