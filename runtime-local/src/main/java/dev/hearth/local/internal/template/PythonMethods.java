package dev.hearth.local.internal.template;

import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;
import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Python {@code str} and {@code dict} methods (and string subscripts) chat templates call ({@code message.content.strip()},
 * {@code tool.get('name')}, {@code args.items()}, ...). Jinjava only offers the Java methods of the underlying
 * objects, whose names and semantics differ ({@code startsWith}, regex {@code split}), so this resolver answers those
 * calls first, with Python's semantics, and leaves every other call to jinjava's own resolvers.
 */
final class PythonMethods extends ELResolver {
    private static final Object NOT_HANDLED = new Object();

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (base == null || method == null) {
            return null;
        }
        Object target = base instanceof com.hubspot.jinjava.objects.SafeString safe ? safe.getValue() : base;
        Object[] args = params == null ? new Object[0] : params;
        String name = method.toString();
        Object result = switch (target) {
            case String text -> stringMethod(text, name, args);
            case Map<?, ?> map -> mapMethod(map, name, args);
            default -> NOT_HANDLED;
        };
        if (result == NOT_HANDLED) {
            return null; // not resolved: jinjava's own resolvers try next
        }
        context.setPropertyResolved(true);
        return result;
    }

    private static Object stringMethod(String text, String name, Object[] args) {
        return switch (name) {
            case "strip" -> strip(text, charsArg(args), true, true);
            case "lstrip" -> strip(text, charsArg(args), true, false);
            case "rstrip" -> strip(text, charsArg(args), false, true);
            case "upper" -> text.toUpperCase(Locale.ROOT);
            case "lower" -> text.toLowerCase(Locale.ROOT);
            case "title" -> title(text);
            case "capitalize" -> text.isEmpty() ? text
                    : text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1).toLowerCase(Locale.ROOT);
            case "startswith" -> matchesAny(text, args.length > 0 ? args[0] : null, true);
            case "endswith" -> matchesAny(text, args.length > 0 ? args[0] : null, false);
            case "split" -> split(text, args.length > 0 && args[0] != null ? str(args[0]) : null,
                    args.length > 1 ? ((Number) args[1]).intValue() : -1);
            case "splitlines" -> new ArrayList<>(text.lines().toList());
            case "replace" -> replace(text, str(args[0]), str(args[1]), args.length > 2 ? ((Number) args[2]).intValue() : -1);
            case "find" -> (long) text.indexOf(str(args[0]));
            case "count" -> count(text, str(args[0]));
            case "join" -> join(text, args[0]);
            case "isdigit" -> !text.isEmpty() && text.chars().allMatch(Character::isDigit);
            case "isspace" -> !text.isEmpty() && text.chars().allMatch(Character::isWhitespace);
            default -> NOT_HANDLED;
        };
    }

    private static Object mapMethod(Map<?, ?> map, String name, Object[] args) {
        return switch (name) {
            case "items" -> new ArrayList<>(map.entrySet());
            case "keys" -> new ArrayList<>(map.keySet());
            case "values" -> new ArrayList<>(map.values());
            case "get" -> {
                Object value = map.get(args.length > 0 ? args[0] : null);
                yield value != null ? value : args.length > 1 ? args[1] : null;
            }
            default -> NOT_HANDLED;
        };
    }

    private static String str(Object value) {
        return String.valueOf(TemplateValues.unwrap(value));
    }

    private static String charsArg(Object[] args) {
        return args.length > 0 && args[0] != null ? str(args[0]) : null;
    }

    /** Python strip: whitespace by default, otherwise any of the given characters. */
    static String strip(String text, String chars, boolean left, boolean right) {
        int start = 0;
        int end = text.length();
        if (left) {
            while (start < end && stripped(text.charAt(start), chars)) {
                start++;
            }
        }
        if (right) {
            while (end > start && stripped(text.charAt(end - 1), chars)) {
                end--;
            }
        }
        return text.substring(start, end);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? Character.isWhitespace(c) || Character.isSpaceChar(c) : chars.indexOf(c) >= 0;
    }

    private static String title(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean previousCased = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousCased = Character.isLetter(c);
        }
        return out.toString();
    }

    private static boolean matchesAny(String text, Object prefixes, boolean start) {
        Object plain = TemplateValues.unwrap(prefixes);
        if (plain instanceof Collection<?> many) {
            for (Object candidate : many) {
                if (matchesAny(text, candidate, start)) {
                    return true;
                }
            }
            return false;
        }
        String affix = str(plain);
        return start ? text.startsWith(affix) : text.endsWith(affix);
    }

    /** Python split: runs of whitespace without a separator (empty strings dropped), exact separator otherwise. */
    static List<String> split(String text, String separator, int maxSplit) {
        List<String> parts = new ArrayList<>();
        if (separator == null) {
            int i = 0;
            int n = text.length();
            while (true) {
                while (i < n && Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                if (i >= n) {
                    break;
                }
                if (maxSplit >= 0 && parts.size() == maxSplit) {
                    parts.add(strip(text.substring(i), null, false, true));
                    break;
                }
                int j = i;
                while (j < n && !Character.isWhitespace(text.charAt(j))) {
                    j++;
                }
                parts.add(text.substring(i, j));
                i = j;
            }
            return parts;
        }
        if (separator.isEmpty()) {
            throw new IllegalArgumentException("empty separator");
        }
        int from = 0;
        while (maxSplit < 0 || parts.size() < maxSplit) {
            int at = text.indexOf(separator, from);
            if (at < 0) {
                break;
            }
            parts.add(text.substring(from, at));
            from = at + separator.length();
        }
        parts.add(text.substring(from));
        return parts;
    }

    private static String replace(String text, String old, String replacement, int count) {
        if (count < 0) {
            return text.replace(old, replacement);
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int done = 0; done < count; done++) {
            int at = text.indexOf(old, from);
            if (at < 0) {
                break;
            }
            out.append(text, from, at).append(replacement);
            from = at + old.length();
            if (old.isEmpty()) {
                if (from < text.length()) {
                    out.append(text.charAt(from));
                }
                from++;
            }
        }
        if (from <= text.length()) {
            out.append(text, Math.min(from, text.length()), text.length());
        }
        return out.toString();
    }

    private static long count(String text, String needle) {
        if (needle.isEmpty()) {
            return text.length() + 1L;
        }
        long count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            count++;
        }
        return count;
    }

    private static String join(String separator, Object items) {
        Object plain = TemplateValues.unwrap(items);
        List<String> parts = new ArrayList<>();
        if (plain instanceof Iterable<?> iterable) {
            for (Object item : iterable) {
                parts.add(str(item));
            }
        } else {
            parts.add(str(plain));
        }
        return String.join(separator, parts);
    }

    /** {@code text[0]}, {@code text[-1]}: a one-character string, as in Python (jinjava has no string subscripts). */
    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        Object target = base instanceof com.hubspot.jinjava.objects.SafeString safe ? safe.getValue() : base;
        // jinjava hands subscripts over as text ("0", "-1")
        if (target instanceof String text && property != null && property.toString().matches("-?\\d{1,9}")) {
            long index = Long.parseLong(property.toString());
            if (index < 0) {
                index += text.length();
            }
            context.setPropertyResolved(true);
            return index >= 0 && index < text.length() ? String.valueOf(text.charAt((int) index)) : null;
        }
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // not a property resolver
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return Object.class;
    }
}
