package dev.hearth.local.onnx.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One generation's pass through a decoder: feeds tokens, returns the last position's logits, and keeps the KV cache
 * on the ONNX Runtime side. Each step's {@code present} tensors become the next step's {@code past} inputs as they
 * are (native memory, never copied into Java arrays), and the previous ones are closed. Not thread-safe; close it
 * when the generation ends.
 */
final class DecoderState implements AutoCloseable {
    private final OrtSession session;
    private final DecoderSignature signature;
    private final OnnxTensor[] past;
    private final Set<String> pastNames;
    private int cachedLength;

    DecoderState(OrtSession session, DecoderSignature signature) throws OrtException {
        this.session = session;
        this.signature = signature;
        this.past = new OnnxTensor[signature.slots().size()];
        this.pastNames = signature.slots().stream().map(KvSlot::pastName).collect(Collectors.toUnmodifiableSet());
        try {
            for (int i = 0; i < past.length; i++) {
                KvSlot slot = signature.slots().get(i);
                past[i] = OrtSupport.emptyFloats(slot.type(), slot.emptyShape());
            }
        } catch (OrtException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Tokens already in the cache. */
    int cachedLength() {
        return cachedLength;
    }

    /** Runs {@code tokens} (at the positions after the cached ones) and returns the logits of the last one. */
    float[] step(int[] tokens) throws OrtException {
        int count = tokens.length;
        long[] ids = new long[count];
        long[] positions = new long[count];
        for (int i = 0; i < count; i++) {
            ids[i] = tokens[i];
            positions[i] = cachedLength + i;
        }
        long[] mask = new long[cachedLength + count];
        Arrays.fill(mask, 1);

        Map<String, OnnxTensor> inputs = new HashMap<>();
        Map<String, OnnxValue> outputs = Map.of();
        try {
            inputs.put(signature.inputIds(), OrtSupport.integers(signature.inputIdsType(), ids, 1, count));
            if (signature.attentionMask().isPresent()) {
                inputs.put(signature.attentionMask().get(), OrtSupport.integers(signature.attentionMaskType(), mask, 1, mask.length));
            }
            if (signature.positionIds().isPresent()) {
                inputs.put(signature.positionIds().get(), OrtSupport.integers(signature.positionIdsType(), positions, 1, count));
            }
            for (int i = 0; i < past.length; i++) {
                inputs.put(signature.slots().get(i).pastName(), past[i]);
            }
            OrtSession.Result result = session.run(inputs);
            // Take ownership of each output value: the presents outlive this result (the Result is not closed, as
            // that would close them); everything else is closed below.
            outputs = new HashMap<>();
            for (Map.Entry<String, OnnxValue> output : result) {
                outputs.put(output.getKey(), output.getValue());
            }
            OnnxTensor logits = (OnnxTensor) outputs.get(signature.logits());
            float[] row = OrtSupport.lastRow(logits, signature.vocabularySize());
            for (int i = 0; i < past.length; i++) {
                OnnxTensor present = (OnnxTensor) outputs.remove(signature.slots().get(i).presentName());
                past[i].close();
                past[i] = present;
            }
            cachedLength += count;
            return row;
        } finally {
            // the past tensors belong to this state (closed above once replaced, or by close())
            inputs.keySet().removeAll(pastNames);
            inputs.values().forEach(OrtSupport::closeQuietly);
            outputs.values().forEach(OrtSupport::closeQuietly);
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < past.length; i++) {
            OrtSupport.closeQuietly(past[i]);
            past[i] = null;
        }
    }
}
