package swamp.master.script;

/**
 * Finding where a quoted string or an expansion ends in raw shell text, which the lexer (to keep a
 * word whole) and the planner (to expand it) both need.
 */
final class Scan {

  private Scan() {}

  /**
   * If a quote or an expansion ({@code '...' "..." `...` $(...) $((...)) ${...}}) starts at
   * {@code i}, the index just past its end; {@code i} itself when none starts there; -1 when it
   * is not terminated.
   */
  static int skipQuotedOrExpansion(String s, int i) {
    char c = s.charAt(i);
    switch (c) {
      case '\'': {
        int end = s.indexOf('\'', i + 1);
        return end < 0 ? -1 : end + 1;
      }
      case '"': {
        int k = i + 1;
        while (k < s.length()) {
          char d = s.charAt(k);
          if (d == '"') {
            return k + 1;
          }
          if (d == '\\') {
            k += 2;
          } else if (d == '$' || d == '`') {
            int next = skipQuotedOrExpansion(s, k);
            if (next < 0) {
              return -1;
            }
            k = next > k ? next : k + 1;
          } else {
            k++;
          }
        }
        return -1;
      }
      case '`': {
        int k = i + 1;
        while (k < s.length()) {
          char d = s.charAt(k);
          if (d == '\\') {
            k += 2;
          } else if (d == '`') {
            return k + 1;
          } else {
            k++;
          }
        }
        return -1;
      }
      case '$': {
        if (s.startsWith("$((", i)) {
          int end = close(s, i + 3, "((");
          if (end >= 0) {
            return end + 2;
          }
          // "$( (" a command substitution starting with a subshell: fall through
        }
        if (s.startsWith("$(", i)) {
          int end = close(s, i + 2, "(");
          return end < 0 ? -1 : end + 1;
        }
        if (s.startsWith("${", i)) {
          int end = close(s, i + 2, "{");
          return end < 0 ? -1 : end + 1;
        }
        return i;
      }
      default:
        return i;
    }
  }

  /**
   * The index of the closer that matches an opener just before {@code from}: for {@code "("} the
   * matching {@code )}, for {@code "{"} the matching {@code }}, for {@code "(("} the first
   * {@code ))} at depth 0. Quotes and nested expansions are skipped. -1 when there is none.
   */
  static int close(String s, int from, String opener) {
    int depth = 0;
    int k = from;
    char open = opener.equals("{") ? '{' : '(';
    char closer = opener.equals("{") ? '}' : ')';
    while (k < s.length()) {
      char d = s.charAt(k);
      if (d == '\\') {
        k += 2;
        continue;
      }
      if (d == '\'' || d == '"' || d == '`' || d == '$') {
        int next = skipQuotedOrExpansion(s, k);
        if (next < 0) {
          return -1;
        }
        if (next > k) {
          k = next;
          continue;
        }
      }
      if (d == open) {
        depth++;
      } else if (d == closer) {
        if (depth == 0) {
          if (opener.equals("((")) {
            return k + 1 < s.length() && s.charAt(k + 1) == ')' ? k : -1;
          }
          return k;
        }
        depth--;
      }
      k++;
    }
    return -1;
  }

  /** What starts at {@code i}, for an error message. */
  static String describe(char c, String s, int i) {
    return switch (c) {
      case '\'' -> "single quote";
      case '"' -> "double quote";
      case '`' -> "backquote";
      default -> s.startsWith("${", i) ? "'${'" : s.startsWith("$((", i) ? "'$(('" : "'$('";
    };
  }
}
