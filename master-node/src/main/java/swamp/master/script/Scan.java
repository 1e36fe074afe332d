package swamp.master.script;

import java.util.ArrayList;
import java.util.List;

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
        if (s.startsWith("$[", i)) { // bash's old form of $(( ))
          int end = closeBracket(s, i + 2);
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
    // the here-documents of a command substitution's current line: their lines, which may hold
    // quotes and parentheses of any count, come after it
    List<HereDelimiter> hereDelimiters = new ArrayList<>();
    int cases = 0;
    while (k < s.length()) {
      char d = s.charAt(k);
      if (d == '\\') {
        k += 2;
        continue;
      }
      if (d == '\n' && !hereDelimiters.isEmpty()) {
        k = pastHereDocuments(s, k + 1, hereDelimiters);
        hereDelimiters.clear();
        continue;
      }
      if (opener.equals("(") && s.startsWith("<<", k) && !s.startsWith("<<<", k)) {
        HereDelimiter h = hereDelimiter(s, k + 2);
        if (h == null) {
          return -1;
        }
        hereDelimiters.add(h);
        k = h.end();
        continue;
      }
      if (opener.equals("(") && d == '#' && (k == from || " \t\n;|&(".indexOf(s.charAt(k - 1)) >= 0)) {
        int eol = s.indexOf('\n', k); // a comment: its quotes and parentheses, "(don't change it)", are text
        if (eol < 0) {
          return -1;
        }
        k = eol;
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
      if (opener.equals("(") && keyword(s, k, "case")) { // its patterns end with ')': $(case $f in *.nc) ...
        cases++;
        k += 4;
        continue;
      }
      if (opener.equals("(") && cases > 0 && keyword(s, k, "esac")) {
        cases--;
        k += 4;
        continue;
      }
      if (d == open) {
        depth++;
      } else if (d == closer && depth == 0 && cases > 0) {
        k++; // the end of a case pattern
        continue;
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

  /** Whether the reserved word {@code word} starts at {@code k}: a word of its own. */
  private static boolean keyword(String s, int k, String word) {
    if (!s.startsWith(word, k)) {
      return false;
    }
    boolean before = k == 0 || " \t\n;(|&".indexOf(s.charAt(k - 1)) >= 0;
    int end = k + word.length();
    return before && (end == s.length() || " \t\n;)".indexOf(s.charAt(end)) >= 0);
  }

  /**
   * The word that ends a here-document, after {@code <<} or {@code <<-}: {@code word} with its
   * quotes removed, {@code stripTabs} for {@code <<-}, {@code quoted} when quotes or a backslash
   * in it keep the text from being expanded, and {@code end} the index past it.
   */
  record HereDelimiter(String word, boolean stripTabs, boolean quoted, int end) {}

  /** The here-document delimiter whose {@code <<} ends just before {@code k}; null if there is none. */
  static HereDelimiter hereDelimiter(String s, int k) {
    boolean stripTabs = k < s.length() && s.charAt(k) == '-';
    if (stripTabs) {
      k++;
    }
    while (k < s.length() && (s.charAt(k) == ' ' || s.charAt(k) == '\t')) {
      k++;
    }
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    while (k < s.length() && " \t\n;&|<>()".indexOf(s.charAt(k)) < 0) {
      char c = s.charAt(k);
      if (c == '\\' && k + 1 < s.length()) {
        word.append(s.charAt(k + 1));
        quoted = true;
        k += 2;
      } else if (c == '\'' || c == '"') {
        int close = s.indexOf(c, k + 1);
        if (close < 0) {
          return null;
        }
        word.append(s, k + 1, close);
        quoted = true;
        k = close + 1;
      } else {
        word.append(c);
        k++;
      }
    }
    return word.length() == 0 && !quoted ? null
        : new HereDelimiter(word.toString(), stripTabs, quoted, k);
  }

  /** Past the lines of the here-documents {@code delimiters}, which start at {@code k}. */
  private static int pastHereDocuments(String s, int k, List<HereDelimiter> delimiters) {
    for (HereDelimiter d : delimiters) {
      while (k < s.length()) {
        int eol = s.indexOf('\n', k);
        String line = s.substring(k, eol < 0 ? s.length() : eol);
        k = eol < 0 ? s.length() : eol + 1;
        if ((d.stripTabs() ? line.replaceFirst("^\t+", "") : line).equals(d.word())) {
          break;
        }
      }
    }
    return k;
  }

  /** The {@code ]} that closes a {@code [} just before {@code from}; -1 when there is none. */
  static int closeBracket(String s, int from) {
    int depth = 0;
    for (int k = from; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == '[') {
        depth++;
      } else if (c == ']' && depth-- == 0) {
        return k;
      }
    }
    return -1;
  }

  /** What starts at {@code i}, for an error message. */
  static String describe(char c, String s, int i) {
    return switch (c) {
      case '\'' -> "single quote";
      case '"' -> "double quote";
      case '`' -> "backquote";
      default -> s.startsWith("${", i) ? "'${'" : s.startsWith("$((", i) ? "'$(('"
          : s.startsWith("$[", i) ? "'$['" : "'$('";
    };
  }
}
