package dev.hearth.local.onnx.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import dev.hearth.api.UnsupportedModelException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a decoder session takes and gives, discovered from its declared inputs and outputs: token ids, an optional
 * attention mask and position ids (int32 or int64, as declared), the logits (fp32 or fp16), and one {@link KvSlot}
 * per cache tensor in either {@link KvConvention}. A model matching neither convention is rejected with the list of
 * what it has.
 */
record DecoderSignature(KvConvention convention, String inputIds, OnnxJavaType inputIdsType,
                        Optional<String> attentionMask, OnnxJavaType attentionMaskType,
                        Optional<String> positionIds, OnnxJavaType positionIdsType,
                        String logits, OnnxJavaType logitsType, int vocabularySize, List<KvSlot> slots) {

    private static final Pattern OPTIMUM_PAST = Pattern.compile("past_key_values\\.(\\d+)\\.(key|value)");
    private static final Pattern LEGACY_PAST = Pattern.compile("past_(\\d+)");
    private static final Set<OnnxJavaType> INTEGER_TYPES = Set.of(OnnxJavaType.INT32, OnnxJavaType.INT64);
    private static final Set<OnnxJavaType> FLOAT_TYPES = Set.of(OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16);

    int layerCount() {
        return convention == KvConvention.OPTIMUM_SPLIT ? slots.size() / 2 : slots.size();
    }

    static DecoderSignature discover(String model, Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
        Discovery discovery = new Discovery(model, inputs, outputs);
        return discovery.run();
    }

    /** The state of one discovery, so every failure can name the model and list its nodes. */
    private record Discovery(String model, Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {

        DecoderSignature run() {
            TensorInfo ids = tensor(inputs, "input_ids", "an input_ids input");
            requireType("input_ids", ids, INTEGER_TYPES);
            Optional<TensorInfo> mask = optionalTensor(inputs, "attention_mask");
            mask.ifPresent(info -> requireType("attention_mask", info, INTEGER_TYPES));
            Optional<TensorInfo> positions = optionalTensor(inputs, "position_ids");
            positions.ifPresent(info -> requireType("position_ids", info, INTEGER_TYPES));
            TensorInfo logits = tensor(outputs, "logits", "a logits output");
            requireType("logits", logits, FLOAT_TYPES);
            long[] logitsShape = logits.getShape();
            long vocabulary = logitsShape.length == 3 ? logitsShape[2] : -1;
            if (vocabulary <= 0) {
                throw unsupported("logits must have shape [batch, sequence, vocabulary] with a fixed vocabulary, was "
                        + Arrays.toString(logitsShape));
            }

            Map<Integer, Map<String, String>> optimum = new TreeMap<>();
            Map<Integer, String> legacy = new TreeMap<>();
            List<String> unknown = new ArrayList<>();
            for (String name : inputs.keySet()) {
                if (Set.of("input_ids", "attention_mask", "position_ids").contains(name)) {
                    continue;
                }
                Matcher split = OPTIMUM_PAST.matcher(name);
                Matcher combined = LEGACY_PAST.matcher(name);
                if (split.matches()) {
                    optimum.computeIfAbsent(Integer.parseInt(split.group(1)), layer -> new HashMap<>()).put(split.group(2), name);
                } else if (combined.matches()) {
                    legacy.put(Integer.parseInt(combined.group(1)), name);
                } else {
                    unknown.add(name);
                }
            }
            if (!unknown.isEmpty()) {
                throw unsupported("inputs " + unknown + " belong to no known convention");
            }
            if (optimum.isEmpty() && legacy.isEmpty()) {
                throw unsupported("it has no KV-cache inputs (past_key_values.N.key/value or past_N); export it with past key values");
            }
            if (!optimum.isEmpty() && !legacy.isEmpty()) {
                throw unsupported("it mixes past_key_values.N.* and past_N inputs");
            }
            List<KvSlot> slots = new ArrayList<>();
            KvConvention convention;
            if (!optimum.isEmpty()) {
                convention = KvConvention.OPTIMUM_SPLIT;
                requireContiguous(optimum.keySet());
                for (var layer : optimum.entrySet()) {
                    for (String part : List.of("key", "value")) {
                        String past = layer.getValue().get(part);
                        if (past == null) {
                            throw unsupported("layer " + layer.getKey() + " has no past_key_values." + layer.getKey() + "." + part);
                        }
                        slots.add(slot(past, "present." + layer.getKey() + "." + part));
                    }
                }
            } else {
                convention = KvConvention.LEGACY_COMBINED;
                requireContiguous(legacy.keySet());
                for (var layer : legacy.entrySet()) {
                    slots.add(slot(layer.getValue(), "present_" + layer.getKey()));
                }
            }
            OnnxJavaType kvType = slots.getFirst().type();
            for (KvSlot slot : slots) {
                if (slot.type() != kvType) {
                    throw unsupported("KV tensors mix " + kvType + " and " + slot.type());
                }
            }
            return new DecoderSignature(convention,
                    "input_ids", ids.type,
                    mask.map(info -> "attention_mask"), mask.map(info -> info.type).orElse(OnnxJavaType.INT64),
                    positions.map(info -> "position_ids"), positions.map(info -> info.type).orElse(OnnxJavaType.INT64),
                    "logits", logits.type, Math.toIntExact(vocabulary), List.copyOf(slots));
        }

        private KvSlot slot(String pastName, String presentName) {
            TensorInfo past = tensor(inputs, pastName, "input " + pastName);
            TensorInfo present = optionalTensor(outputs, presentName)
                    .orElseThrow(() -> unsupported("input " + pastName + " has no matching output " + presentName));
            requireType(pastName, past, FLOAT_TYPES);
            if (present.type != past.type) {
                throw unsupported(presentName + " is " + present.type + " but " + pastName + " is " + past.type);
            }
            long[] shape = past.getShape();
            String[] dimensionNames = past.getDimensionNames();
            int batchAxis = -1;
            int sequenceAxis = -1;
            List<Integer> dynamic = new ArrayList<>();
            for (int axis = 0; axis < shape.length; axis++) {
                if (shape[axis] >= 0) {
                    continue;
                }
                dynamic.add(axis);
                String name = axis < dimensionNames.length && dimensionNames[axis] != null ? dimensionNames[axis].toLowerCase() : "";
                if (name.contains("batch")) {
                    batchAxis = axis;
                } else if (name.contains("seq") || name.contains("past") || name.contains("length")) {
                    sequenceAxis = axis;
                }
            }
            if (dynamic.size() != 2) {
                throw unsupported(pastName + " must have exactly two dynamic axes (batch and sequence), has shape "
                        + Arrays.toString(shape));
            }
            if (batchAxis < 0 || sequenceAxis < 0 || batchAxis == sequenceAxis) {
                // unnamed axes: the batch comes first, as in every known export
                batchAxis = dynamic.get(0);
                sequenceAxis = dynamic.get(1);
            }
            return new KvSlot(pastName, presentName, past.type, shape, batchAxis, sequenceAxis);
        }

        private void requireContiguous(Set<Integer> layers) {
            int expected = 0;
            for (int layer : layers) {
                if (layer != expected) {
                    throw unsupported("KV layers must be numbered 0.." + (layers.size() - 1) + ", found " + layers);
                }
                expected++;
            }
        }

        private void requireType(String name, TensorInfo info, Set<OnnxJavaType> allowed) {
            if (!allowed.contains(info.type)) {
                throw unsupported(name + " is " + info.type + ", expected one of " + allowed);
            }
        }

        private TensorInfo tensor(Map<String, NodeInfo> nodes, String name, String what) {
            return optionalTensor(nodes, name).orElseThrow(() -> unsupported("it has no " + what));
        }

        private Optional<TensorInfo> optionalTensor(Map<String, NodeInfo> nodes, String name) {
            NodeInfo node = nodes.get(name);
            if (node == null) {
                return Optional.empty();
            }
            if (!(node.getInfo() instanceof TensorInfo info)) {
                throw unsupported(name + " is not a tensor");
            }
            return Optional.of(info);
        }

        private UnsupportedModelException unsupported(String why) {
            return new UnsupportedModelException("ONNX model " + model + " is not a decoder Hearth can run: " + why
                    + ". Supported: input_ids, attention_mask, position_ids (int32 or int64) with either"
                    + " past_key_values.N.key/value -> present.N.key/value or past_N -> present_N (fp32 or fp16), and"
                    + " logits. The model has inputs " + OrtSupport.describe(new LinkedHashMap<>(inputs))
                    + " and outputs " + OrtSupport.describe(new LinkedHashMap<>(outputs)) + ".");
        }
    }
}
