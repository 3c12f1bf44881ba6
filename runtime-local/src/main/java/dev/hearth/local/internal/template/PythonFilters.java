package dev.hearth.local.internal.template;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;

import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;

/** Filters and tests whose jinjava versions differ from the Jinja2 ones Hugging Face templates are written against. */
final class PythonFilters {
    private PythonFilters() {
    }

    /**
     * {@code tojson}, {@code tojson(indent=4)}, {@code tojson(ensure_ascii=False)}, {@code tojson(sort_keys=True)}:
     * Python's json.dumps as transformers calls it (see {@link PythonJson}).
     */
    static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 0 ? args[0] : null;
            Object sortKeys = kwargs.get("sort_keys");
            // transformers' tojson defaults to ensure_ascii=False; templates may ask for True
            Object ensureAscii = kwargs.get("ensure_ascii");
            return PythonJson.dumps(var, Optional.ofNullable(indent).map(i -> ((Number) i).intValue()),
                    Boolean.TRUE.equals(sortKeys), Boolean.TRUE.equals(ensureAscii));
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return PythonJson.dumps(var, args.length > 0 ? Optional.of(Integer.parseInt(args[0])) : Optional.empty(), false);
        }
    }

    /**
     * Jinja2's {@code indent(width=4, first=False, blank=False)}: indents every line but the first (unless
     * {@code first}), leaving blank lines alone (unless {@code blank}).
     */
    static final class Indent implements Filter {
        @Override
        public String getName() {
            return "indent";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object width = kwargs.getOrDefault("width", args.length > 0 ? args[0] : 4L);
            boolean first = truthy(kwargs.getOrDefault("first", args.length > 1 ? args[1] : false));
            boolean blank = truthy(kwargs.getOrDefault("blank", args.length > 2 ? args[2] : false));
            String prefix = width instanceof Number n ? " ".repeat(n.intValue()) : String.valueOf(TemplateValues.unwrap(width));
            String text = String.valueOf(TemplateValues.unwrap(var));
            String[] lines = text.split("\n", -1);
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < lines.length; i++) {
                if (i > 0) {
                    out.append('\n');
                }
                boolean indentThis = (i > 0 || first) && (blank || !lines[i].isBlank());
                if (indentThis) {
                    out.append(prefix);
                }
                out.append(lines[i]);
            }
            return out.toString();
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }

        private static boolean truthy(Object value) {
            return Boolean.TRUE.equals(value) || "true".equalsIgnoreCase(String.valueOf(value));
        }
    }

    /** Python's {@code is iterable}: strings and mappings are iterable too. */
    static final class IsIterable implements ExpTest {
        @Override
        public String getName() {
            return "iterable";
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            Object plain = TemplateValues.unwrap(var);
            return plain instanceof Iterable<?> || plain instanceof Map<?, ?> || plain instanceof CharSequence
                    || plain != null && plain.getClass().isArray();
        }
    }

    /** {@code mapping|items}: the key/value pairs, for {@code {% for key, value in mapping|items %}}. */
    static final class Items implements Filter {
        @Override
        public String getName() {
            return "items";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            Object plain = TemplateValues.unwrap(var);
            if (plain instanceof Map<?, ?> map) {
                return new ArrayList<>(map.entrySet());
            }
            return plain == null ? new ArrayList<>() : plain;
        }
    }
}
