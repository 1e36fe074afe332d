package swamp.master.script;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Shell patterns ({@code * ? [...]}) as Java regular expressions, and the paths a pattern names
 * among the files a script sees while it is planned.
 */
final class Glob {

  private Glob() {}

  /**
   * The options of {@code shopt} that change what a glob matches: {@code nullglob} (a glob that
   * matches nothing expands to nothing), {@code globstar} ({@code **} alone in a part of a path
   * matches any depth of directories, none included, and with nothing after it every file
   * below too), {@code dotglob} (a wildcard matches a leading dot too) and {@code extglob}
   * ({@code @(a|b) ?(a|b) *(a|b) +(a|b) !(a|b)}: one, at most one, any number, at least one of
   * the patterns, or anything but them); and {@code nocasematch}, which globs leave alone: {@code
   * case}, {@code [[ == ]]}, {@code =~} and {@code ${x/pattern/}} then match letters of either case;
   * and, kept with them as the shell's other {@code shopt}, {@code lastpipe}: the last stage of a
   * pipeline runs in the script's shell ({@code ls | while read f; do n=$((n+1)); done; echo $n}).
   */
  record Options(boolean nullglob, boolean globstar, boolean dotglob, boolean extglob, boolean nocasematch,
      boolean lastpipe, boolean noglob) {
    /** Bash's defaults: all off. */
    static final Options BASH = new Options(false, false, false, false, false, false, false);

    /** These options with {@code option} (a shopt's name, or {@code noglob}: set -f) on or off. */
    Options with(String option, boolean on) {
      return switch (option) {
        case "nullglob" -> new Options(on, globstar, dotglob, extglob, nocasematch, lastpipe, noglob);
        case "globstar" -> new Options(nullglob, on, dotglob, extglob, nocasematch, lastpipe, noglob);
        case "dotglob" -> new Options(nullglob, globstar, on, extglob, nocasematch, lastpipe, noglob);
        case "extglob" -> new Options(nullglob, globstar, dotglob, on, nocasematch, lastpipe, noglob);
        case "nocasematch" -> new Options(nullglob, globstar, dotglob, extglob, on, lastpipe, noglob);
        case "lastpipe" -> new Options(nullglob, globstar, dotglob, extglob, nocasematch, on, noglob);
        case "noglob" -> new Options(nullglob, globstar, dotglob, extglob, nocasematch, lastpipe, on);
        default -> throw new IllegalArgumentException(option);
      };
    }
  }

  /** True if an unquoted {@code * ? [} (or, with {@code extglob}, {@code @( !( +(}) is in {@code s}. */
  static boolean hasMagic(String s, BitSet quoted, boolean extglob) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (!quoted.get(k) && (c == '*' || c == '?' || (c == '[' && s.indexOf(']', k + 2) > 0)
          || extglob && extended(s, quoted, k) > 0)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Where the extended pattern that starts at {@code k} ({@code @(}, {@code !(}...) ends, its
   * {@code )}; -1 when none starts there.
   */
  private static int extended(String s, BitSet quoted, int k) {
    if (k + 1 >= s.length() || "@!+*?".indexOf(s.charAt(k)) < 0 || s.charAt(k + 1) != '('
        || quoted.get(k) || quoted.get(k + 1)) {
      return -1;
    }
    int depth = 0;
    for (int j = k + 1; j < s.length(); j++) {
      if (quoted.get(j)) {
        continue;
      }
      if (s.charAt(j) == '(') {
        depth++;
      } else if (s.charAt(j) == ')' && --depth == 0) {
        return j;
      }
    }
    return -1;
  }

  /**
   * Refuses an extended pattern ({@code @(a|b)}) written in the script's word {@code raw} (not
   * quoted, not in an expansion) where {@code shopt -s extglob} is off: bash's parser takes it
   * for a syntax error there. One that a variable's value brings is a plain word then, as in bash.
   */
  static void requireExtglob(String raw, Options options, int line) {
    if (options.extglob()) {
      return;
    }
    for (int k = 0; k < raw.length(); ) {
      int next = Scan.skipQuotedOrExpansion(raw, k);
      if (next < 0) {
        return;
      }
      if (next > k) {
        k = next;
        continue;
      }
      char c = raw.charAt(k);
      if (c == '\\') {
        k += 2;
        continue;
      }
      if ("@!+*?".indexOf(c) >= 0 && raw.startsWith("(", k + 1)) {
        throw Refusal.at(line, "the extended glob pattern '" + c + "(...)' needs 'shopt -s"
            + " extglob' on an earlier line; without it bash takes it for a syntax error");
      }
      k++;
    }
  }

  /**
   * The pattern as a regular expression; quoted characters match themselves. With
   * {@code pathname} a wildcard does not match {@code /} (file names); without, it does
   * ({@code ${x%pattern}}, {@code [[ $x == pattern ]]}).
   */
  static Pattern compile(String s, BitSet quoted, boolean pathname, boolean extglob) {
    return Pattern.compile(regex(s, quoted, pathname, extglob, 0, s.length()));
  }

  /** The regular expression of {@code s} from {@code from} to {@code to}. */
  private static String regex(String s, BitSet quoted, boolean pathname, boolean extglob, int from,
      int to) {
    StringBuilder re = new StringBuilder();
    String any = pathname ? "[^/]" : "[\\s\\S]";
    int n = to;
    for (int k = from; k < n; k++) {
      char c = s.charAt(k);
      int groupEnd = extglob ? extended(s, quoted, k) : -1;
      if (groupEnd > 0 && groupEnd < n) {
        StringJoiner alternatives = new StringJoiner("|");
        int start = k + 2;
        int depth = 0;
        for (int j = k + 2; j <= groupEnd; j++) {
          char d = s.charAt(j);
          if (!quoted.get(j) && d == '(') {
            depth++;
          } else if (!quoted.get(j) && d == ')' && depth > 0) {
            depth--;
          } else if (j == groupEnd || !quoted.get(j) && d == '|' && depth == 0) {
            alternatives.add(regex(s, quoted, pathname, true, start, j));
            start = j + 1;
          }
        }
        String group = "(?:" + alternatives + ")";
        switch (c) {
          case '@' -> re.append(group);
          case '?' -> re.append(group).append('?');
          case '*' -> re.append(group).append('*');
          case '+' -> re.append(group).append('+');
          default -> // '!': anything here but the patterns, the rest of the pattern after it
              re.append("(?:(?!").append(group).append(regex(s, quoted, pathname, true, groupEnd + 1, n))
                  .append("$)").append(any).append("*?)");
        }
        k = groupEnd;
        continue;
      }
      if (quoted.get(k)) {
        re.append(Pattern.quote(String.valueOf(c)));
      } else if (c == '*') {
        re.append(any).append('*');
      } else if (c == '?') {
        re.append(any);
      } else if (c == '[') {
        int end = classEnd(s, k);
        if (end < 0 || end >= n) {
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
    return re.toString();
  }

  /**
   * {@code matches} without those {@code GLOBIGNORE} (colon-separated patterns, each matched
   * against the whole name) names, and without {@code .} and {@code ..} where it is set, as bash's.
   */
  static List<String> ignoring(List<String> matches, String globignore, boolean extglob) {
    if (globignore == null || globignore.isEmpty()) {
      return matches;
    }
    List<Pattern> ignored = new ArrayList<>();
    for (String p : globignore.split(":")) {
      if (!p.isEmpty()) {
        ignored.add(compile(p, new BitSet(), true, extglob));
      }
    }
    return matches.stream().filter(m -> {
      String name = m.endsWith("/") ? m.substring(0, m.length() - 1) : m;
      String last = name.substring(name.lastIndexOf('/') + 1);
      return !last.equals(".") && !last.equals("..") && ignored.stream().noneMatch(p -> p.matcher(m).matches());
    }).toList();
  }

  static Pattern compile(String s, boolean pathname) {
    return compile(s, new BitSet(), pathname, false);
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

  /** The characters of POSIX's class {@code [:name:]}, in a Java class; none of an unknown name. */
  static String posixClass(String name) {
    return switch (name) {
      case "digit" -> "0-9";
      case "alpha" -> "A-Za-z";
      case "alnum" -> "A-Za-z0-9";
      case "upper" -> "A-Z";
      case "lower" -> "a-z";
      case "space" -> "\\s";
      case "xdigit" -> "0-9A-Fa-f";
      case "punct" -> "\\p{Punct}";
      case "blank" -> " \\t";
      case "cntrl" -> "\\p{Cntrl}";
      case "graph" -> "\\p{Graph}";
      case "print" -> "\\p{Print}";
      default -> "";
    };
  }

  /**
   * The paths {@code pattern} names (quoted characters match themselves), relative to {@code
   * cwd} unless absolute, sorted in {@code order} (the script's locale's, {@link Collation}): among the files that exist and those the script's earlier
   * lines will write ({@code files}), as {@code options} say. Empty when none matches.
   */
  static List<String> paths(String pattern, BitSet quoted, String cwd, PlannedFiles files,
      Options options, java.util.Comparator<String> order) {
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
    new Descent(files, segments, quotedSegs, directories, options, results)
        .from(absolute ? "/" : "", absolute ? "/" : cwd, 0);
    results.sort(order);
    if (directories) {
      results.replaceAll(r -> r + "/");
    }
    return results;
  }

  /** One glob's walk down the directories its parts name, collecting what it matches. */
  private record Descent(PlannedFiles files, List<String> segs, List<BitSet> quoted,
      boolean directories, Options options, List<String> out) {

    void from(String prefix, String dir, int k) {
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
      if (options.globstar() && seg.equals("**") && q.isEmpty()) {
        anyDepth(prefix, dir, k, anything);
        return;
      }
      if (!hasMagic(seg, q, options.extglob())) {
        String path = PlannedFiles.resolve(dir, seg);
        if (sep.isEmpty() && directories ? files.isDirectory(path) : files.exists(path)) {
          from(prefix + seg + sep, path, k + 1);
        }
        return;
      }
      Pattern p = compile(seg, q, true, options.extglob());
      for (String name : files.list(dir, seg.startsWith(".") || options.dotglob())) {
        if (p.matcher(name).matches()) {
          String path = dir.equals("/") ? "/" + name : dir + "/" + name;
          if (anything || files.isDirectory(path)) {
            from(prefix + name + sep, path, k + 1);
          }
        }
      }
    }

    /**
     * {@code **} under globstar: the parts after it from {@code dir} and from every directory
     * below it; when it is the last part, {@code dir} itself (as the path so far, "d/") and every
     * file and directory below ({@code anything}), or every directory. A link to a directory is
     * listed but not walked into, as by bash since 4.3.
     */
    private void anyDepth(String prefix, String dir, int k, boolean anything) {
      if (k < segs.size() - 1) {
        from(prefix, dir, k + 1);
      } else if (!prefix.isEmpty()) { // 'd/**': "d/"; 'd/**/': "d", its '/' added at the end
        out.add(anything || prefix.length() == 1 ? prefix : prefix.substring(0, prefix.length() - 1));
      }
      below(prefix, dir, k, anything);
    }

    private void below(String prefix, String dir, int k, boolean anything) {
      boolean last = k == segs.size() - 1;
      for (String name : files.list(dir, options.dotglob())) {
        String path = dir.equals("/") ? "/" + name : dir + "/" + name;
        boolean directory = files.isDirectory(path);
        if (last && (anything || directory)) {
          out.add(prefix + name);
        }
        if (directory && !files.isSymbolicLink(path)) {
          if (!last) {
            from(prefix + name + "/", path, k + 1);
          }
          below(prefix + name + "/", path, k, anything);
        }
      }
    }
  }
}
