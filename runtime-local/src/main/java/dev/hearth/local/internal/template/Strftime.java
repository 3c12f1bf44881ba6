package dev.hearth.local.internal.template;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/** Python's {@code strftime} in the C locale, for the {@code strftime_now} function templates call to print dates. */
final class Strftime {
    private Strftime() {
    }

    static String format(String pattern, ZonedDateTime time) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                out.append(c);
                continue;
            }
            char directive = pattern.charAt(++i);
            switch (directive) {
                case 'd' -> out.append(String.format("%02d", time.getDayOfMonth()));
                case 'e' -> out.append(String.format("%2d", time.getDayOfMonth()));
                case 'm' -> out.append(String.format("%02d", time.getMonthValue()));
                case 'Y' -> out.append(time.getYear());
                case 'y' -> out.append(String.format("%02d", time.getYear() % 100));
                case 'b', 'h' -> out.append(time.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> out.append(time.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'a' -> out.append(time.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> out.append(time.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'H' -> out.append(String.format("%02d", time.getHour()));
                case 'I' -> out.append(String.format("%02d", (time.getHour() + 11) % 12 + 1));
                case 'p' -> out.append(time.getHour() < 12 ? "AM" : "PM");
                case 'M' -> out.append(String.format("%02d", time.getMinute()));
                case 'S' -> out.append(String.format("%02d", time.getSecond()));
                case 'j' -> out.append(String.format("%03d", time.getDayOfYear()));
                case 'F' -> out.append(format("%Y-%m-%d", time));
                case 'T' -> out.append(format("%H:%M:%S", time));
                case 'Z' -> out.append(time.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case '%' -> out.append('%');
                default -> out.append('%').append(directive);
            }
        }
        return out.toString();
    }
}
