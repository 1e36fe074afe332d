package swamp.master.script;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * C's {@code strftime}, for bash's {@code printf '%(%Y-%m-%d)T'}: the conversions scripts stamp
 * names and logs with, in the planning machine's zone. What it does not know it prints as
 * written, as glibc does.
 */
final class Strftime {

  private Strftime() {}

  /**
   * {@code format} applied to {@code arg}: seconds since the epoch, or the time now when it is
   * missing, empty, {@code -1} or {@code -2} (the shell's start, which is now while planning).
   */
  static String format(String format, String arg) {
    long seconds = arg == null || arg.isBlank() || arg.trim().equals("-1") || arg.trim().equals("-2")
        ? Instant.now().getEpochSecond() : Long.parseLong(arg.trim());
    ZonedDateTime t = Instant.ofEpochSecond(seconds).atZone(ZoneId.systemDefault());
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%' || i + 1 == format.length()) {
        out.append(c);
        continue;
      }
      char f = format.charAt(++i);
      String v = conversion(f, t);
      out.append(v != null ? v : "%" + f);
    }
    return out.toString();
  }

  private static String conversion(char f, ZonedDateTime t) {
    return switch (f) {
      case 'Y' -> Integer.toString(t.getYear());
      case 'C' -> two(t.getYear() / 100);
      case 'y' -> two(t.getYear() % 100);
      case 'm' -> two(t.getMonthValue());
      case 'd' -> two(t.getDayOfMonth());
      case 'e' -> String.format("%2d", t.getDayOfMonth());
      case 'j' -> String.format("%03d", t.getDayOfYear());
      case 'H' -> two(t.getHour());
      case 'k' -> String.format("%2d", t.getHour());
      case 'I' -> two((t.getHour() + 11) % 12 + 1);
      case 'l' -> String.format("%2d", (t.getHour() + 11) % 12 + 1);
      case 'M' -> two(t.getMinute());
      case 'S' -> two(t.getSecond());
      case 'p' -> t.getHour() < 12 ? "AM" : "PM";
      case 's' -> Long.toString(t.toEpochSecond());
      case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.US);
      case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.US);
      case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.US);
      case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.US);
      case 'u' -> Integer.toString(t.getDayOfWeek().getValue());
      case 'w' -> Integer.toString(t.getDayOfWeek().getValue() % 7);
      case 'V' -> two(t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      case 'G' -> Integer.toString(t.get(IsoFields.WEEK_BASED_YEAR));
      case 'z' -> t.getOffset().getId().equals("Z") ? "+0000" : t.getOffset().getId().replace(":", "");
      case 'Z' -> t.getZone().getDisplayName(TextStyle.SHORT, Locale.US);
      case 'F' -> t.getYear() + "-" + two(t.getMonthValue()) + "-" + two(t.getDayOfMonth());
      case 'T' -> two(t.getHour()) + ":" + two(t.getMinute()) + ":" + two(t.getSecond());
      case 'R' -> two(t.getHour()) + ":" + two(t.getMinute());
      case 'D' -> two(t.getMonthValue()) + "/" + two(t.getDayOfMonth()) + "/" + two(t.getYear() % 100);
      case 'r' -> conversion('I', t) + ":" + two(t.getMinute()) + ":" + two(t.getSecond()) + " " + conversion('p', t);
      case 'c' -> conversion('a', t) + " " + conversion('b', t) + " " + conversion('e', t) + " "
          + conversion('T', t) + " " + t.getYear();
      case 'n' -> "\n";
      case 't' -> "\t";
      case '%' -> "%";
      default -> null;
    };
  }

  private static String two(int v) {
    return v < 10 ? "0" + v : Integer.toString(v);
  }
}
