package swamp.master.script;

import java.util.BitSet;
import java.util.regex.Pattern;

/** Shell patterns ({@code * ? [...]}) as Java regular expressions. */
final class Glob {

  private Glob() {}

  /** True if an unquoted {@code * ? [} is in {@code s}. */
  static boolean hasMagic(String s, BitSet quoted) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (!quoted.get(k) && (c == '*' || c == '?' || (c == '[' && s.indexOf(']', k + 2) > 0))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The pattern as a regular expression; quoted characters match themselves. With
   * {@code pathname} a wildcard does not match {@code /} (file names); without, it does
   * ({@code ${x%pattern}}, {@code [[ $x == pattern ]]}).
   */
  static Pattern compile(String s, BitSet quoted, boolean pathname) {
    StringBuilder re = new StringBuilder();
    String any = pathname ? "[^/]" : "[\\s\\S]";
    int n = s.length();
    for (int k = 0; k < n; k++) {
      char c = s.charAt(k);
      if (quoted.get(k)) {
        re.append(Pattern.quote(String.valueOf(c)));
      } else if (c == '*') {
        re.append(any).append('*');
      } else if (c == '?') {
        re.append(any);
      } else if (c == '[') {
        int end = classEnd(s, k);
        if (end < 0) {
          re.append("\\[");
          continue;
        }
        StringBuilder cls = new StringBuilder("[");
        int j = k + 1;
        if (s.charAt(j) == '!' || s.charAt(j) == '^') {
          cls.append('^');
          j++;
        }
        for (; j < end; j++) {
          char d = s.charAt(j);
          if (d == '[' && s.startsWith("[:", j)) {
            int close = s.indexOf(":]", j);
            if (close > 0) {
              cls.append(posixClass(s.substring(j + 2, close)));
              j = close + 1;
              continue;
            }
          }
          if (d == '\\' || d == '[' || d == ']' || d == '&' || d == '^') {
            cls.append('\\');
          }
          cls.append(d);
        }
        re.append(cls).append(']');
        k = end;
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }

  static Pattern compile(String s, boolean pathname) {
    return compile(s, new BitSet(), pathname);
  }

  private static int classEnd(String s, int open) {
    int j = open + 1;
    if (j < s.length() && (s.charAt(j) == '!' || s.charAt(j) == '^')) {
      j++;
    }
    if (j < s.length() && s.charAt(j) == ']') {
      j++;
    }
    while (j < s.length()) {
      if (s.startsWith("[:", j)) {
        int close = s.indexOf(":]", j);
        if (close > 0) {
          j = close + 2;
          continue;
        }
      }
      if (s.charAt(j) == ']') {
        return j;
      }
      j++;
    }
    return -1;
  }

  private static String posixClass(String name) {
    return switch (name) {
      case "digit" -> "0-9";
      case "alpha" -> "A-Za-z";
      case "alnum" -> "A-Za-z0-9";
      case "upper" -> "A-Z";
      case "lower" -> "a-z";
      case "space" -> "\\s";
      case "xdigit" -> "0-9A-Fa-f";
      case "punct" -> "\\p{Punct}";
      default -> "";
    };
  }
}
