package dev.hearth.local.internal.grammar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a JSON Schema to a {@link Grammar} whose every complete match is a JSON text that validates against it.
 * Supported is the subset OpenAI's strict structured outputs accept:
 * <ul>
 *   <li>{@code type}: {@code object}, {@code array}, {@code string}, {@code number}, {@code integer}, {@code boolean},
 *       {@code null}, or a list of them;</li>
 *   <li>{@code properties}, {@code required}, {@code additionalProperties: false}: properties are generated in the order
 *       they are declared, the optional ones may be left out, and no other property is ever generated (so an absent
 *       {@code additionalProperties} is treated as {@code false}; {@code type: object} without {@code properties}
 *       allows any object);</li>
 *   <li>{@code minLength}, {@code maxLength} on strings (characters: code points or escapes);</li>
 *   <li>{@code items}, {@code minItems}, {@code maxItems}; {@code enum} and {@code const} (any JSON values);
 *       {@code anyOf}; {@code $ref} to {@code #}, {@code #/$defs/...} or {@code #/definitions/...}, recursion
 *       included;</li>
 *   <li>annotations that do not constrain ({@code title}, {@code description}, {@code $schema}, {@code $id},
 *       {@code $comment}, {@code examples}, {@code default}, {@code deprecated}, {@code readOnly},
 *       {@code writeOnly}).</li>
 * </ul>
 * Anything else ({@code pattern}, {@code format}, {@code minimum}, {@code oneOf}, {@code allOf},
 * {@code not}, {@code patternProperties}, {@code additionalProperties} other than {@code false}, remote references, …)
 * is refused with an {@link UnsupportedSchemaException} naming the keyword and its JSON pointer, rather than being
 * ignored and producing output the schema rejects.
 *
 * <p>Whitespace between tokens is limited to one space or one newline and up to 20 indentation characters, and
 * numbers to 16 integral and 16 fractional digits, so that a model cannot pad an answer forever.
 */
public final class JsonSchemaGrammar {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "$schema", "$id", "$comment",
            "examples", "default", "deprecated", "readOnly", "writeOnly", "$defs", "definitions");
    private static final Set<String> SUPPORTED = Set.of("type", "properties", "required", "additionalProperties",
            "items", "minItems", "maxItems", "enum", "const", "anyOf", "$ref", "minLength", "maxLength");
    private static final int MAX_ITEMS_BOUND = 1000;

    private final JsonNode root;
    private final GrammarBuilder builder;
    /** Prefixes this schema's generated rule names, so several schemas can share one builder. */
    private final String names;
    private final Map<String, String> refRules = new HashMap<>();
    private int generated;

    private JsonSchemaGrammar(JsonNode root) {
        this(root, new GrammarBuilder(), "");
        defineBasics(builder);
    }

    private JsonSchemaGrammar(JsonNode root, GrammarBuilder builder, String names) {
        this.root = root;
        this.builder = builder;
        this.names = names;
    }

    /** A tool a call may name, with its parameters' schema (JSON text), or null to allow any JSON object. */
    public record CallableTool(String name, String parametersSchema) {
    }

    /** How a model family writes one tool call; see {@link #toolCall(List, CallSyntax, String, String)}. */
    public sealed interface CallSyntax {
        /** {@code {"name": NAME, KEY: ARGS}}: Hermes/Qwen ({@code arguments}) and Llama 3 ({@code parameters}). */
        record JsonObject(String argumentsKey) implements CallSyntax {
        }

        /** A JSON array of one or more {@code {"name": NAME, "arguments": ARGS}} objects: Mistral Nemo. */
        record JsonArray() implements CallSyntax {
        }

        /** The bare name, a separator, then the arguments ({@code NAME[ARGS]{...}}): Mistral Small 3.2, Magistral. */
        record BareName(String separator) implements CallSyntax {
        }
    }

    /**
     * One tool call written as {@code {"name": NAME, ARGUMENTS_KEY: ARGS}} between {@code before} and {@code after}.
     *
     * @see #toolCall(List, CallSyntax, String, String)
     */
    public static Grammar toolCall(List<CallableTool> tools, String argumentsKey, String before, String after) {
        return toolCall(tools, new CallSyntax.JsonObject(argumentsKey), before, after);
    }

    /**
     * A tool call in the given syntax between {@code before} and {@code after} (each may be empty; whitespace is
     * allowed around the call), where NAME is one of {@code tools} and ARGS validates against that tool's schema.
     *
     * @throws UnsupportedSchemaException if a tool's schema is outside the supported subset; the pointer is prefixed
     *                                    with the tool's name
     */
    public static Grammar toolCall(List<CallableTool> tools, CallSyntax syntax, String before, String after) {
        GrammarBuilder builder = new GrammarBuilder();
        defineBasics(builder);
        List<Expr> calls = new ArrayList<>();
        Expr ws = new Expr.Ref("ws");
        for (int i = 0; i < tools.size(); i++) {
            CallableTool tool = tools.get(i);
            Expr arguments = arguments(builder, tool, i);
            Expr name = literalValue(JSON.getNodeFactory().textNode(tool.name()));
            calls.add(switch (syntax) {
                case CallSyntax.JsonObject object -> jsonCall(name, object.argumentsKey(), arguments);
                case CallSyntax.JsonArray array -> jsonCall(name, "arguments", arguments);
                case CallSyntax.BareName bare -> Expr.seq(Expr.literal(tool.name()), Expr.literal(bare.separator()),
                        ws, arguments);
            });
        }
        Expr call = new Expr.Alt(calls);
        if (syntax instanceof CallSyntax.JsonArray) {
            builder.rule("call", call);
            Expr one = new Expr.Ref("call");
            call = Expr.seq(Expr.literal("["), ws, one, Expr.star(Expr.seq(ws, Expr.literal(","), ws, one)), ws,
                    Expr.literal("]"));
        }
        List<Expr> body = new ArrayList<>();
        if (!before.isEmpty()) {
            body.add(Expr.literal(before));
        }
        // a bare name follows its opener directly, as the family's template writes it
        if (!(syntax instanceof CallSyntax.BareName)) {
            body.add(ws);
        }
        body.add(call);
        if (!after.isEmpty()) {
            body.add(ws);
            body.add(Expr.literal(after));
        }
        builder.rule("root", new Expr.Seq(body));
        return builder.build("root");
    }

    private static Expr jsonCall(Expr name, String argumentsKey, Expr arguments) {
        Expr ws = new Expr.Ref("ws");
        return Expr.seq(Expr.literal("{"), ws, Expr.literal("\"name\""), ws, Expr.literal(":"), ws, name, ws,
                Expr.literal(","), ws, literalValue(JSON.getNodeFactory().textNode(argumentsKey)), ws,
                Expr.literal(":"), ws, arguments, ws, Expr.literal("}"));
    }

    /** A tool's arguments: its schema, or any JSON object when it has none to hold them to. */
    private static Expr arguments(GrammarBuilder builder, CallableTool tool, int index) {
        if (tool.parametersSchema() == null) {
            return new Expr.Ref("object");
        }
        JsonNode schema;
        try {
            schema = JSON.readTree(tool.parametersSchema());
        } catch (JsonProcessingException e) {
            throw new UnsupportedSchemaException("(schema)", "tool " + tool.name(), "the parameters' schema is "
                    + "not valid JSON: " + e.getOriginalMessage());
        }
        try {
            return new JsonSchemaGrammar(schema, builder, "tool" + index + "-").schema(schema, "");
        } catch (UnsupportedSchemaException e) {
            throw new UnsupportedSchemaException(e.keyword(), "tool " + tool.name() + ": " + e.pointer(),
                    "in the parameters of strict tool '" + tool.name() + "', " + e.getMessage());
        }
    }

    /**
     * Compiles a schema given as JSON text.
     *
     * @throws UnsupportedSchemaException if the schema uses something outside the supported subset, or is not a
     *                                    schema at all (the keyword {@code (schema)} then names the problem)
     */
    public static Grammar compile(String schemaJson) {
        JsonNode node;
        try {
            node = JSON.readTree(schemaJson);
        } catch (JsonProcessingException e) {
            throw new UnsupportedSchemaException("(schema)", "", "the schema is not valid JSON: "
                    + e.getOriginalMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw new UnsupportedSchemaException("(schema)", "", "the schema is empty");
        }
        JsonSchemaGrammar compiler = new JsonSchemaGrammar(node);
        Expr body = compiler.schema(node, "");
        compiler.builder.rule("root", body);
        return compiler.builder.build("root");
    }

    /** Any JSON object (OpenAI's {@code json_object}, Ollama's {@code format: "json"}). */
    public static Grammar anyObject() {
        GrammarBuilder builder = new GrammarBuilder();
        defineBasics(builder);
        builder.rule("root", new Expr.Ref("object"));
        return builder.build("root");
    }

    /** The shared rules: whitespace, strings, numbers and any JSON value. */
    private static void defineBasics(GrammarBuilder builder) {
        Expr ws = Expr.optional(Expr.alt(Expr.literal(" "),
                Expr.seq(Expr.literal("\n"), new Expr.Repeat(chars(" \t"), 0, 20))));
        builder.rule("ws", ws);
        Expr hex = new Expr.CharClass(List.of(new int[] {'0', '9'}, new int[] {'a', 'f'}, new int[] {'A', 'F'}), false);
        Expr plain = new Expr.CharClass(List.of(new int[] {0, 0x1F}, new int[] {'"', '"'}, new int[] {'\\', '\\'}),
                true);
        Expr escape = Expr.seq(Expr.literal("\\"), Expr.alt(chars("\"\\/bfnrt"),
                Expr.seq(Expr.literal("u"), new Expr.Repeat(hex, 4, 4))));
        builder.rule("char", Expr.alt(plain, escape));
        builder.rule("string", Expr.seq(Expr.literal("\""), Expr.star(new Expr.Ref("char")), Expr.literal("\"")));
        Expr digit = new Expr.CharClass(List.of(new int[] {'0', '9'}), false);
        Expr integral = Expr.seq(Expr.optional(Expr.literal("-")), Expr.alt(Expr.literal("0"),
                Expr.seq(new Expr.CharClass(List.of(new int[] {'1', '9'}), false), new Expr.Repeat(digit, 0, 15))));
        builder.rule("integer", integral);
        builder.rule("number", Expr.seq(new Expr.Ref("integer"),
                Expr.optional(Expr.seq(Expr.literal("."), new Expr.Repeat(digit, 1, 16))),
                Expr.optional(Expr.seq(chars("eE"), Expr.optional(chars("+-")), new Expr.Repeat(digit, 1, 3)))));
        builder.rule("boolean", Expr.alt(Expr.literal("true"), Expr.literal("false")));
        builder.rule("null", Expr.literal("null"));
        Expr ws2 = new Expr.Ref("ws");
        Expr member = Expr.seq(new Expr.Ref("string"), ws2, Expr.literal(":"), ws2, new Expr.Ref("value"));
        builder.rule("object", Expr.seq(Expr.literal("{"), ws2, Expr.alt(Expr.literal("}"),
                Expr.seq(member, Expr.star(Expr.seq(ws2, Expr.literal(","), ws2, member)), ws2, Expr.literal("}")))));
        builder.rule("array", Expr.seq(Expr.literal("["), ws2, Expr.alt(Expr.literal("]"),
                Expr.seq(new Expr.Ref("value"), Expr.star(Expr.seq(ws2, Expr.literal(","), ws2, new Expr.Ref("value"))),
                        ws2, Expr.literal("]")))));
        builder.rule("value", Expr.alt(new Expr.Ref("object"), new Expr.Ref("array"), new Expr.Ref("string"),
                new Expr.Ref("number"), new Expr.Ref("boolean"), new Expr.Ref("null")));
    }

    private static Expr chars(String set) {
        List<int[]> ranges = new ArrayList<>();
        set.codePoints().forEach(c -> ranges.add(new int[] {c, c}));
        return new Expr.CharClass(ranges, false);
    }

    private Expr schema(JsonNode node, String pointer) {
        if (node.isBoolean()) {
            if (!node.booleanValue()) {
                throw new UnsupportedSchemaException("(schema)", pointer, "the schema 'false' matches nothing");
            }
            return new Expr.Ref("value");
        }
        if (!node.isObject()) {
            throw new UnsupportedSchemaException("(schema)", pointer, "a schema must be an object or a boolean, was "
                    + node.getNodeType());
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String keyword = names.next();
            if (!SUPPORTED.contains(keyword) && !ANNOTATIONS.contains(keyword)) {
                throw new UnsupportedSchemaException(keyword, pointer, "not supported by constrained decoding; "
                        + "supported: type, properties, required, additionalProperties (false), items, minItems, "
                        + "maxItems, minLength, maxLength, enum, const, anyOf, $ref, $defs");
            }
        }
        if (node.has("$ref")) {
            onlyWith(node, pointer, "$ref", Set.of());
            return reference(node.get("$ref"), pointer);
        }
        if (node.has("const")) {
            return literalValue(node.get("const"));
        }
        if (node.has("enum")) {
            JsonNode values = node.get("enum");
            if (!values.isArray() || values.isEmpty()) {
                throw new UnsupportedSchemaException("enum", pointer, "must be a non-empty array");
            }
            List<Expr> options = new ArrayList<>();
            values.forEach(value -> options.add(literalValue(value)));
            return new Expr.Alt(options);
        }
        if (node.has("anyOf")) {
            onlyWith(node, pointer, "anyOf", Set.of());
            JsonNode options = node.get("anyOf");
            if (!options.isArray() || options.isEmpty()) {
                throw new UnsupportedSchemaException("anyOf", pointer, "must be a non-empty array of schemas");
            }
            List<Expr> alternatives = new ArrayList<>();
            for (int i = 0; i < options.size(); i++) {
                alternatives.add(schema(options.get(i), pointer + "/anyOf/" + i));
            }
            return new Expr.Alt(alternatives);
        }
        List<String> types = types(node, pointer);
        List<Expr> alternatives = new ArrayList<>();
        for (String type : types) {
            alternatives.add(switch (type) {
                case "object" -> object(node, pointer);
                case "array" -> array(node, pointer);
                case "string" -> string(node, pointer);
                case "number", "integer", "boolean", "null" -> new Expr.Ref(type);
                default -> throw new UnsupportedSchemaException("type", pointer, "unknown type '" + type + "'");
            });
        }
        return alternatives.size() == 1 ? alternatives.getFirst() : new Expr.Alt(alternatives);
    }

    /** The declared types; without {@code type}, object or array when their keywords say so, else any value. */
    private static List<String> types(JsonNode node, String pointer) {
        JsonNode type = node.get("type");
        if (type == null) {
            if (node.has("properties") || node.has("required") || node.has("additionalProperties")) {
                return List.of("object");
            }
            if (node.has("items") || node.has("minItems") || node.has("maxItems")) {
                return List.of("array");
            }
            return List.of("object", "array", "string", "number", "boolean", "null");
        }
        List<String> out = new ArrayList<>();
        if (type.isTextual()) {
            out.add(type.textValue());
        } else if (type.isArray() && !type.isEmpty()) {
            for (JsonNode each : type) {
                if (!each.isTextual()) {
                    throw new UnsupportedSchemaException("type", pointer, "type list entries must be strings");
                }
                if (!out.contains(each.textValue())) {
                    out.add(each.textValue());
                }
            }
        } else {
            throw new UnsupportedSchemaException("type", pointer, "must be a type name or a non-empty list of them");
        }
        // integer is a subset of number: keep number only, so one number is not matched twice
        if (out.contains("number")) {
            out.remove("integer");
        }
        return out;
    }

    private static void onlyWith(JsonNode node, String pointer, String keyword, Set<String> allowed) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String other = names.next();
            if (!other.equals(keyword) && !allowed.contains(other) && !ANNOTATIONS.contains(other)) {
                throw new UnsupportedSchemaException(other, pointer, "cannot be combined with '" + keyword + "'");
            }
        }
    }

    private Expr object(JsonNode node, String pointer) {
        JsonNode additional = node.get("additionalProperties");
        if (additional != null && !(additional.isBoolean() && !additional.booleanValue())) {
            throw new UnsupportedSchemaException("additionalProperties", pointer,
                    "only 'false' is supported (no properties beyond 'properties')");
        }
        JsonNode properties = node.get("properties");
        JsonNode required = node.get("required");
        if (properties == null) {
            if (required != null && !required.isEmpty()) {
                throw new UnsupportedSchemaException("required", pointer, "names properties but 'properties' is missing");
            }
            return additional != null ? Expr.seq(Expr.literal("{"), new Expr.Ref("ws"), Expr.literal("}"))
                    : new Expr.Ref("object");
        }
        if (!properties.isObject()) {
            throw new UnsupportedSchemaException("properties", pointer, "must be an object of schemas");
        }
        Map<String, Boolean> requiredNames = new LinkedHashMap<>();
        properties.fieldNames().forEachRemaining(name -> requiredNames.put(name, false));
        if (required != null) {
            if (!required.isArray()) {
                throw new UnsupportedSchemaException("required", pointer, "must be an array of property names");
            }
            for (JsonNode name : required) {
                if (!name.isTextual() || !requiredNames.containsKey(name.textValue())) {
                    throw new UnsupportedSchemaException("required", pointer, "names " + name
                            + ", which is not in 'properties'");
                }
                requiredNames.put(name.textValue(), true);
            }
        }
        List<Expr> members = new ArrayList<>();
        List<Boolean> isRequired = new ArrayList<>();
        for (Map.Entry<String, Boolean> entry : requiredNames.entrySet()) {
            String name = entry.getKey();
            Expr value = schema(properties.get(name), pointer + "/properties/" + escapePointer(name));
            members.add(Expr.seq(literalValue(JSON.getNodeFactory().textNode(name)), new Expr.Ref("ws"),
                    Expr.literal(":"), new Expr.Ref("ws"), value));
            isRequired.add(entry.getValue());
        }
        // after(k, first): members k.. in order, optional ones may be skipped; commas only between present members
        String prefix = names + "object" + generated++;
        int count = members.size();
        for (int k = count - 1; k >= 0; k--) {
            for (boolean first : new boolean[] {true, false}) {
                Expr separator = first ? Expr.EMPTY
                        : Expr.seq(new Expr.Ref("ws"), Expr.literal(","), new Expr.Ref("ws"));
                Expr rest = k + 1 == count ? Expr.EMPTY : new Expr.Ref(prefix + "-" + (k + 1) + "-" + "n");
                Expr present = Expr.seq(separator, members.get(k), rest);
                Expr body;
                if (isRequired.get(k)) {
                    body = present;
                } else {
                    Expr skip = k + 1 == count ? Expr.EMPTY
                            : new Expr.Ref(prefix + "-" + (k + 1) + "-" + (first ? "f" : "n"));
                    body = Expr.alt(present, skip);
                }
                builder.rule(prefix + "-" + k + "-" + (first ? "f" : "n"), body);
            }
        }
        Expr inside = count == 0 ? Expr.EMPTY : new Expr.Ref(prefix + "-0-f");
        return Expr.seq(Expr.literal("{"), new Expr.Ref("ws"), inside, new Expr.Ref("ws"), Expr.literal("}"));
    }

    private Expr array(JsonNode node, String pointer) {
        JsonNode itemsNode = node.get("items");
        Expr item = itemsNode == null ? new Expr.Ref("value") : schema(itemsNode, pointer + "/items");
        int min = count(node, "minItems", pointer, 0);
        int max = count(node, "maxItems", pointer, Expr.Repeat.UNBOUNDED);
        if (max != Expr.Repeat.UNBOUNDED && max < min) {
            throw new UnsupportedSchemaException("maxItems", pointer, "is below minItems");
        }
        String itemRule = names + "item" + generated++;
        builder.rule(itemRule, item);
        Expr one = new Expr.Ref(itemRule);
        Expr more = Expr.seq(new Expr.Ref("ws"), Expr.literal(","), new Expr.Ref("ws"), one);
        Expr ws = new Expr.Ref("ws");
        Expr list;
        if (max == 0) {
            list = Expr.EMPTY;
        } else {
            int extraMax = max == Expr.Repeat.UNBOUNDED ? Expr.Repeat.UNBOUNDED : max - 1;
            Expr items = Expr.seq(one, new Expr.Repeat(more, Math.max(0, min - 1), extraMax));
            list = min == 0 ? Expr.optional(Expr.seq(items, ws)) : Expr.seq(items, ws);
        }
        return Expr.seq(Expr.literal("["), ws, list, Expr.literal("]"));
    }

    /**
     * A string, of {@code minLength} to {@code maxLength} characters when bounded. A character is one code point or
     * one escape, so a character outside the BMP written as a surrogate-pair escape counts twice (the grammar never
     * writes more code points than maxLength allows).
     */
    private static Expr string(JsonNode node, String pointer) {
        if (!node.has("minLength") && !node.has("maxLength")) {
            return new Expr.Ref("string");
        }
        int min = count(node, "minLength", pointer, 0);
        int max = count(node, "maxLength", pointer, Expr.Repeat.UNBOUNDED);
        if (max != Expr.Repeat.UNBOUNDED && max < min) {
            throw new UnsupportedSchemaException("maxLength", pointer, "is below minLength");
        }
        return Expr.seq(Expr.literal("\""), new Expr.Repeat(new Expr.Ref("char"), min, max), Expr.literal("\""));
    }

    private static int count(JsonNode node, String keyword, String pointer, int absent) {
        JsonNode value = node.get(keyword);
        if (value == null) {
            return absent;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 0
                || value.intValue() > MAX_ITEMS_BOUND) {
            throw new UnsupportedSchemaException(keyword, pointer, "must be an integer from 0 to " + MAX_ITEMS_BOUND);
        }
        return value.intValue();
    }

    private Expr reference(JsonNode ref, String pointer) {
        if (!ref.isTextual() || !ref.textValue().startsWith("#")) {
            throw new UnsupportedSchemaException("$ref", pointer, "only local references ('#', '#/$defs/...') are "
                    + "supported, was " + ref);
        }
        String target = ref.textValue().substring(1);
        String existing = refRules.get(target);
        if (existing != null) {
            return new Expr.Ref(existing);
        }
        JsonNode node = target.isEmpty() ? root : root.at(target);
        if (node.isMissingNode()) {
            throw new UnsupportedSchemaException("$ref", pointer, "points to nothing: " + ref.textValue());
        }
        String name = names + "ref" + generated++;
        refRules.put(target, name);
        // registered before compiling the target, so recursive references resolve to the same rule
        builder.rule(name, Expr.EMPTY);
        builder.rule(name, schema(node, target));
        return new Expr.Ref(name);
    }

    private static Expr literalValue(JsonNode value) {
        try {
            return Expr.literal(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON value always serialises", e);
        }
    }

    private static String escapePointer(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
