package swamp.master.script;

/**
 * A POSIX extended regular expression, the right operand of {@code [[ WORD =~ REGEX ]]} that bash
 * hands to regcomp, as a Java one: its bracket expressions are POSIX's ({@code [[:space:]]} a class
 * of characters, a {@code ]} first in brackets one of them, {@code [} and {@code &} plain
 * characters), where Java's would read {@code [[:space:]]} as the characters {@code :space}. A
 * backslash escapes the character after it, in brackets too: {@link PatternWords#regex} put it
 * before each quoted character.
 */
final class PosixRegex {
  private PosixRegex() {}

  static String toJava(String ere) {
    StringBuilder re = new StringBuilder();
    for (int k = 0; k < ere.length(); k++) {
      char c = ere.charAt(k);
      int end = c == '[' ? bracketEnd(ere, k) : -1;
      if (c == '\\' && k + 1 < ere.length()) {
        re.append(c).append(ere.charAt(++k));
      } else if (end > 0) {
        re.append(bracket(ere, k + 1, end));
        k = end;
      } else {
        re.append(c);
      }
    }
    return re.toString();
  }

  /** Where the bracket expression that opens at {@code open} closes; -1 where it does not. */
  private static int bracketEnd(String s, int open) {
    int j = open + 1;
    if (j < s.length() && s.charAt(j) == '^') {
      j++;
    }
    if (j < s.length() && s.charAt(j) == ']') {
      j++;
    }
    while (j < s.length()) {
      int close = s.startsWith("[:", j) ? s.indexOf(":]", j + 2) : -1;
      if (close > 0) {
        j = close + 2;
      } else if (s.charAt(j) == '\\') {
        j += 2;
      } else if (s.charAt(j) == ']') {
        return j;
      } else {
        j++;
      }
    }
    return -1;
  }

  /** The Java class of the bracket expression between {@code from} (after its {@code [}) and {@code end}. */
  private static String bracket(String s, int from, int end) {
    StringBuilder cls = new StringBuilder("[");
    int j = from;
    if (s.charAt(j) == '^') {
      cls.append('^');
      j++;
    }
    if (s.charAt(j) == ']') {
      cls.append("\\]");
      j++;
    }
    for (; j < end; j++) {
      char d = s.charAt(j);
      int close = s.startsWith("[:", j) ? s.indexOf(":]", j + 2) : -1;
      if (close > 0) {
        cls.append(Glob.posixClass(s.substring(j + 2, close)));
        j = close + 1;
      } else if (d == '\\' && j + 1 < end) {
        cls.append(d).append(s.charAt(++j));
      } else {
        cls.append("[]&^\\".indexOf(d) >= 0 ? "\\" : "").append(d);
      }
    }
    return cls.append(']').toString();
  }
}
