package swamp.master.script;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Shell patterns ({@code * ? [...]}) as Java regular expressions, and the paths a pattern names
 * among the files a script sees while it is planned.
 */
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

  /**
   * The paths {@code pattern} names (quoted characters match themselves), relative to {@code
   * cwd} unless absolute, sorted: among the files that exist and those the script's earlier
   * lines will write ({@code files}). Empty when none matches.
   */
  static List<String> paths(String pattern, BitSet quoted, String cwd, PlannedFiles files) {
    boolean absolute = pattern.startsWith("/");
    List<String> segments = new ArrayList<>();
    List<BitSet> quotedSegs = new ArrayList<>();
    int start = absolute ? 1 : 0;
    for (int k = start; k <= pattern.length(); k++) {
      if (k == pattern.length() || pattern.charAt(k) == '/') {
        if (k > start) {
          segments.add(pattern.substring(start, k));
          quotedSegs.add(quoted.get(start, k));
        }
        start = k + 1;
      }
    }
    boolean directories = pattern.endsWith("/") && !segments.isEmpty(); // 'out/*/': directories, with their '/'
    List<String> results = new ArrayList<>();
    pathsFrom(files, absolute ? "/" : "", absolute ? "/" : cwd, segments, quotedSegs, 0, directories, results);
    results.sort(null);
    if (directories) {
      results.replaceAll(r -> r + "/");
    }
    return results;
  }

  private static void pathsFrom(PlannedFiles files, String prefix, String dir, List<String> segs,
      List<BitSet> quoted, int k, boolean directories, List<String> out) {
    if (k == segs.size()) {
      out.add(prefix.isEmpty() ? "."
          : prefix.endsWith("/") && prefix.length() > 1 ? prefix.substring(0, prefix.length() - 1)
          : prefix);
      return;
    }
    String seg = segs.get(k);
    BitSet q = quoted.get(k);
    String sep = k == segs.size() - 1 ? "" : "/";
    boolean anything = sep.isEmpty() && !directories;
    if (!hasMagic(seg, q)) {
      String path = PlannedFiles.resolve(dir, seg);
      if (sep.isEmpty() && directories ? files.isDirectory(path) : files.exists(path)) {
        pathsFrom(files, prefix + seg + sep, path, segs, quoted, k + 1, directories, out);
      }
      return;
    }
    Pattern p = compile(seg, q, true);
    boolean hidden = seg.startsWith(".");
    for (String name : files.list(dir, hidden)) {
      if (p.matcher(name).matches()) {
        String path = dir.equals("/") ? "/" + name : dir + "/" + name;
        if (anything || files.isDirectory(path)) {
          pathsFrom(files, prefix + name + sep, path, segs, quoted, k + 1, directories, out);
        }
      }
    }
  }
}
