package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brace expansion, the first of bash's expansions, on a word's raw text: {@code a{b,c}d} is
 * {@code abd acd}, {@code {1..12}} and {@code {01..12}} count, {@code {a..e}} and
 * {@code {1..10..2}} too. Braces inside quotes or {@code ${...}} are left alone, as is a brace
 * with neither a comma nor a range.
 */
final class BraceExpansion {

  private static final Pattern RANGE = Pattern.compile("(-?[0-9]+)\\.\\.(-?[0-9]+)(?:\\.\\.(-?[0-9]+))?");
  private static final Pattern CHAR_RANGE = Pattern.compile("([A-Za-z])\\.\\.([A-Za-z])(?:\\.\\.(-?[0-9]+))?");
  private static final int MAX_WORDS = 1_000_000;

  private BraceExpansion() {}

  static List<String> expand(String raw) {
    List<String> out = new ArrayList<>();
    expand(raw, out);
    return out;
  }

  private static void expand(String raw, List<String> out) {
    int n = raw.length();
    for (int k = 0; k < n; k++) {
      char c = raw.charAt(k);
      if (c == '\\') {
        k++;
        continue;
      }
      if (c == '\'' || c == '"' || c == '`' || (c == '$' && k + 1 < n && "({".indexOf(raw.charAt(k + 1)) >= 0)) {
        int next = Scan.skipQuotedOrExpansion(raw, k);
        if (next > k) {
          k = next - 1;
        }
        continue;
      }
      if (c != '{') {
        continue;
      }
      int close = -1;
      List<Integer> commas = new ArrayList<>();
      int depth = 0;
      for (int j = k + 1; j < n; j++) {
        char d = raw.charAt(j);
        if (d == '\\') {
          j++;
        } else if (d == '\'' || d == '"' || d == '`' || d == '$') {
          int next = Scan.skipQuotedOrExpansion(raw, j);
          if (next > j) {
            j = next - 1;
          }
        } else if (d == '{') {
          depth++;
        } else if (d == '}') {
          if (depth == 0) {
            close = j;
            break;
          }
          depth--;
        } else if (d == ',' && depth == 0) {
          commas.add(j);
        }
      }
      if (close < 0) {
        continue;
      }
      String prefix = raw.substring(0, k);
      String suffix = raw.substring(close + 1);
      List<String> items = new ArrayList<>();
      if (!commas.isEmpty()) {
        int from = k + 1;
        for (int comma : commas) {
          items.add(raw.substring(from, comma));
          from = comma + 1;
        }
        items.add(raw.substring(from, close));
      } else {
        items = range(raw.substring(k + 1, close));
        if (items == null) {
          continue; // "{x}" or "{}": not an expansion
        }
      }
      for (String item : items) {
        if (out.size() > MAX_WORDS) {
          return;
        }
        expand(prefix + item + suffix, out);
      }
      return;
    }
    out.add(raw);
  }

  private static List<String> range(String body) {
    Matcher m = RANGE.matcher(body);
    if (m.matches()) {
      long from = Long.parseLong(m.group(1));
      long to = Long.parseLong(m.group(2));
      long step = m.group(3) == null ? 1 : Math.abs(Long.parseLong(m.group(3)));
      if (step == 0) {
        step = 1;
      }
      int width = padded(m.group(1)) || padded(m.group(2)) ? Math.max(m.group(1).length(), m.group(2).length()) : 0;
      List<String> items = new ArrayList<>();
      for (long v = from; from <= to ? v <= to : v >= to; v += from <= to ? step : -step) {
        String s = Long.toString(Math.abs(v));
        int w = width - (v < 0 ? 1 : 0);
        s = "0".repeat(Math.max(0, w - s.length())) + s;
        items.add(v < 0 ? "-" + s : s);
        if (items.size() > MAX_WORDS) {
          break;
        }
      }
      return items;
    }
    m = CHAR_RANGE.matcher(body);
    if (m.matches()) {
      char from = m.group(1).charAt(0);
      char to = m.group(2).charAt(0);
      int step = m.group(3) == null ? 1 : Math.max(1, Math.abs(Integer.parseInt(m.group(3))));
      List<String> items = new ArrayList<>();
      for (int v = from; from <= to ? v <= to : v >= to; v += from <= to ? step : -step) {
        items.add(String.valueOf((char) v));
      }
      return items;
    }
    return null;
  }

  private static boolean padded(String n) {
    String digits = n.startsWith("-") ? n.substring(1) : n;
    return digits.length() > 1 && digits.startsWith("0");
  }
}
