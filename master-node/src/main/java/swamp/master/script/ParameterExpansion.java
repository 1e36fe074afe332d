package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates one {@code ${...}}: lengths {@code ${#x}}, defaults {@code :-} {@code :=}
 * {@code :?} {@code :+} (with and without the colon), trims {@code # ## % %%}, replacements
 * {@code / // /# /%}, substrings and array slices {@code :offset:length}, and case changes
 * {@code ^ ^^ , ,,} and transformations {@code @Q @E @U @u @L}, on scalars, array elements and {@code @}/{@code *} lists. It is apart from
 * {@link Expander} because these operators are a language of their own, while the Expander
 * runs bash's pipeline (quotes, substitutions, splitting, globs) around them: the seam is a
 * {@link Result} the Expander turns into fields, and the three things the operators need back
 * from the pipeline, {@link Words}.
 */
final class ParameterExpansion {

  /** What the operators need from the pipeline: words and arithmetic expanded. */
  interface Words {
    /** A word expanded without splitting or globbing, as an assignment's value is. */
    String expandString(String raw, int line);

    /** The value of an arithmetic expression, {@code $} expansions in it done first. */
    long arith(String expression, int line);
  }

  /** What a {@code ${...}} expands to, for the pipeline to put into its fields. */
  sealed interface Result {}

  /** Nothing at all: the parameter is unset, or {@code ${x+word}} with x unset. */
  record Nothing() implements Result {}

  /**
   * One string, or with {@code list} one field per element as {@code "$@"} gives them (joined by
   * spaces when {@code star} and quoted, as {@code "$*"}).
   */
  record Values(List<String> values, boolean list, boolean star) implements Result {}

  /** A word expanded in place, its quotes and splitting the pipeline's: {@code ${x:-word}}, {@code ${x:+word}}. */
  record Word(String raw) implements Result {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!0-]");

  /**
   * A parameter as {@code ${...}} names it: its name, its subscript or null, and the operator
   * after them ({@code :-word}, {@code /a/b}...), empty for none.
   */
  private record Param(String name, String sub, String op) {}

  /**
   * {@code body} read as a parameter, or null. A subscript ends at its own {@code ]}: it may hold
   * brackets, expansions and quotes of its own ({@code ${a[${#a[@]}-1]}}).
   */
  private static Param param(String body) {
    Matcher name = NAME.matcher(body);
    if (!name.lookingAt()) {
      return null;
    }
    int k = name.end();
    if (k == body.length() || body.charAt(k) != '[') {
      return new Param(name.group(), null, body.substring(k));
    }
    int depth = 0;
    for (int i = k + 1; i < body.length(); ) {
      char c = body.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == '\'' || c == '"' || c == '`' || c == '$') {
        int next = Scan.skipQuotedOrExpansion(body, i);
        if (next < 0) {
          return null;
        }
        i = Math.max(next, i + 1);
      } else if (c == '[') {
        depth++;
        i++;
      } else if (c == ']' && depth-- == 0) {
        return new Param(name.group(), body.substring(k + 1, i), body.substring(i + 1));
      } else {
        i++;
      }
    }
    return null;
  }

  private final ShellState state;
  private final Words words;
  /** The patterns of {@code ${x%pattern}}, {@code ${x/pattern/...}} and their kin. */
  private final PatternWords patterns;

  ParameterExpansion(ShellState state, Words words, PatternWords patterns) {
    this.state = state;
    this.words = words;
    this.patterns = patterns;
  }

  private static final Pattern KEYS = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\[([@*])\\]");

  /**
   * {@code ${!a[@]}} (an array's indices), {@code ${!name}} (the variable that {@code name}
   * names; {@code ${!#}}, the last argument) and {@code ${!prefix*}} (the names of the variables set that start with it, sorted);
   * nothing else starting with {@code !}.
   */
  private Result indirect(String body, int line) {
    String rest = body.substring(1);
    Matcher keys = KEYS.matcher(rest);
    if (keys.matches()) {
      ShellState.Var v = state.lookup(keys.group(1));
      return values(v == null ? List.of() : v.keys(), true, keys.group(2).equals("*"));
    }
    if (rest.length() > 1 && ShellState.NAME.matcher(rest.substring(0, rest.length() - 1)).matches()
        && (rest.endsWith("*") || rest.endsWith("@"))) { // ${!prefix_*}: the names of the variables set
      String prefix = rest.substring(0, rest.length() - 1);
      List<String> names = state.vars.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)
          && (!e.getValue().values.isEmpty() || e.getValue().associative())).map(java.util.Map.Entry::getKey).sorted().toList();
      return values(names.isEmpty() ? null : names, true, rest.endsWith("*"));
    }
    Matcher ref = REFERENCE.matcher(rest);
    if (ref.matches()) { // ${!name}, ${!#}, ${!1}; with an operator, ${!name-default}, ${!name%.nc}
      String target = state.special(ref.group(1)); // ${!#}: the last argument; ${!1}: the variable $1 names
      if (target == null) {
        throw new Refusal.Aborted(ref.group(1) + ": invalid indirect expansion", line, "${!" + ref.group(1)
            + "} of an unset " + ref.group(1) + ": bash's error here abandons the line, which cannot be planned");
      }
      Param named = param(target);
      if (named == null || !named.op().isEmpty()) {
        throw new Refusal.Aborted(target + ": invalid variable name", line, "${!" + ref.group(1) + "}: '" + target
            + "' is not a variable's name: bash's error here abandons the line, which cannot be planned");
      }
      return expand(target + (ref.group(2) == null ? "" : ref.group(2)), line); // 'n=a[1]': ${!n} is ${a[1]}
    }
    throw Refusal.at(line, "'${" + body + "}' is not supported; of the indirect expansions swamp"
        + " plans ${!name} (with an operator: ${!name-default}), ${!#}, ${!array[@]} and ${!prefix*}");
  }

  /** {@code name}, a positional parameter's number or {@code #}, then the operator applied to what it names. */
  private static final Pattern REFERENCE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*|[0-9]+|#)([^\\[].*)?", Pattern.DOTALL);

  /** The value of {@code ${body}}, or a word the pipeline expands in its place. */
  Result expand(String body, int line) {
    if (body.startsWith("#") && body.length() > 1) {
      String inner = body.substring(1);
      Param m = param(inner);
      if (m != null && m.op().isEmpty()) {
        String name = m.name();
        String sub = m.sub();
        int length;
        if (name.equals("@") || name.equals("*")) {
          length = state.positional.size();
        } else if ("@".equals(sub) || "*".equals(sub)) {
          ShellState.Var v = state.lookup(name);
          length = v == null ? 0 : v.size();
        } else {
          String v = sub == null ? state.special(name) : element(name, sub, line);
          length = v == null ? 0 : v.length();
        }
        return new Values(List.of(Integer.toString(length)), false, false);
      }
    }
    if (body.startsWith("!")) {
      return indirect(body, line);
    }
    Param m = param(body);
    if (m == null) {
      throw Refusal.at(line, "bad substitution: '${" + body + "}'");
    }
    String name = m.name();
    String sub = m.sub();
    String op = m.op();
    List<String> values;
    boolean isList = false;
    if (sub != null && (sub.equals("@") || sub.equals("*"))) {
      ShellState.Var v = state.lookup(name);
      values = v == null ? List.of() : v.elements();
      isList = true;
    } else if (sub == null && (name.equals("@") || name.equals("*"))) {
      values = new ArrayList<>(state.positional);
      isList = true;
    } else {
      String v = sub == null ? state.special(name) : element(name, sub, line);
      values = v == null ? null : List.of(v);
    }
    boolean star = "*".equals(sub) || name.equals("*");
    if (op.isEmpty()) {
      if (values == null && state.nounset) {
        throw state.unbound(sub == null ? name : name + "[" + sub + "]");
      }
      return values(values, isList, star);
    }
    String single = values == null ? null : String.join(" ", values);
    boolean unsetOrEmpty = values == null || (isList ? values.isEmpty() : single.isEmpty());
    for (String test : List.of(":-", ":=", ":+", ":?", "-", "=", "+", "?")) {
      if (op.startsWith(test) && !(test.length() == 1 && op.startsWith(":"))) {
        boolean colon = test.startsWith(":");
        boolean missing = colon ? unsetOrEmpty : values == null;
        String word = op.substring(test.length());
        return switch (test.charAt(test.length() - 1)) {
          case '-' -> missing ? new Word(word) : values(values, isList, star);
          case '=' -> {
            if (!missing) {
              yield values(values, isList, star);
            }
            String v = words.expandString(word, line);
            state.assign(name, v, line);
            yield new Values(List.of(v), false, star);
          }
          case '+' -> missing ? new Nothing() : new Word(word);
          default -> {
            if (missing) {
              String msg = word.isEmpty() ? "parameter null or not set" : words.expandString(word, line);
              throw new Refusal.Unbound(name + ": " + msg, line, name + ": " + msg + ": bash stops the script here,"
                  + " and swamp cannot plan that stop where it depends on a job's status (or inside $(...))");
            }
            yield values(values, isList, star);
          }
        };
      }
    }
    List<String> source = values == null ? List.of("") : values;
    List<String> result = new ArrayList<>();
    if (op.startsWith("%") || op.startsWith("#")) {
      boolean longest = op.startsWith("%%") || op.startsWith("##");
      boolean suffix = op.startsWith("%");
      Pattern p = patterns.pattern(op.substring(longest ? 2 : 1), line);
      for (String v : source) {
        result.add(trim(v, p, suffix, longest));
      }
    } else if (op.startsWith("/")) {
      boolean all = op.startsWith("//");
      String rest = op.substring(all ? 2 : 1);
      boolean anchorStart = rest.startsWith("#");
      boolean anchorEnd = rest.startsWith("%");
      if (anchorStart || anchorEnd) {
        rest = rest.substring(1);
      }
      int slash = indexOfUnescaped(rest, '/');
      String pat = slash < 0 ? rest : rest.substring(0, slash);
      String rep = slash < 0 ? "" : words.expandString(rest.substring(slash + 1), line);
      Pattern p = patterns.matching(pat, line);
      for (String v : source) {
        result.add(replace(v, p, rep, all, anchorStart, anchorEnd));
      }
    } else if (op.startsWith(":") && isList) { // ${a[@]:1:2}: a slice of the elements
      // ${@:1} starts at $1: the positional parameters count from $0, as bash counts them
      List<String> slice = sub == null ? withArg0(source) : source;
      String[] parts = op.substring(1).split(":", 2);
      long offset = words.arith(parts[0], line);
      int from = (int) (offset < 0 ? Math.max(0, slice.size() + offset) : Math.min(offset, slice.size()));
      int to = parts.length > 1 ? (int) Math.min(slice.size(), from + Math.max(0, words.arith(parts[1], line)))
          : slice.size();
      if (slice.size() + offset >= 0) { // ${a[@]: -5:2} of 3: nothing, as bash's
        result.addAll(slice.subList(from, Math.max(from, to)));
      }
    } else if (op.startsWith(":")) {
      String[] parts = op.substring(1).split(":", 2);
      long offset = words.arith(parts[0], line);
      for (String v : source) {
        int from = (int) (offset < 0 ? Math.max(0, v.length() + offset) : Math.min(offset, v.length()));
        int to = v.length();
        if (parts.length > 1) {
          long len = words.arith(parts[1], line);
          if (len < 0 && v.length() + len < from && v.length() + offset >= 0 && offset <= v.length()) { // ${v:3:-2} of ccsm
            throw new Refusal.Aborted(len + ": substring expression < 0", line, "${...:" + op.substring(1)
                + "}: its length ends before its offset: bash's error here abandons the line, which cannot be planned");
          }
          to = (int) (len < 0 ? Math.max(from, v.length() + len) : Math.min(v.length(), from + len));
        }
        result.add(v.length() + offset < 0 ? "" : v.substring(from, to)); // ${v: -6:4} of ccsm: nothing
      }
    } else if (op.startsWith("^^") || op.startsWith(",,") || op.startsWith("^") || op.startsWith(",")) {
      boolean upper = op.startsWith("^");
      boolean all = op.startsWith("^^") || op.startsWith(",,");
      String pat = op.substring(all ? 2 : 1); // ${x^^[cs]}: only the letters the pattern matches
      Pattern only = pat.isEmpty() ? null : patterns.pattern(pat, line);
      for (String v : source) {
        result.add(changeCase(v, upper, all, only));
      }
    } else if (op.matches("@[QEULu]")) { // ${v@Q}: quoted for the shell to read again; @E: $'...' escapes
      if (values == null) {
        return new Nothing();
      }
      for (String v : source) {
        result.add(switch (op.charAt(1)) {
          case 'Q' -> Declared.shellQuoted(v);
          case 'E' -> Coreutils.echo(List.of("-ne", v)).text();
          case 'U' -> v.toUpperCase();
          case 'L' -> v.toLowerCase();
          default -> v.isEmpty() ? v : v.substring(0, 1).toUpperCase() + v.substring(1);
        });
      }
    } else {
      throw Refusal.at(line, "bad substitution: '${" + body + "}'");
    }
    return values(values == null ? (result.get(0).isEmpty() ? null : result) : result, isList, star);
  }

  private static Result values(List<String> values, boolean list, boolean star) {
    return values == null ? new Nothing() : new Values(values, list, star);
  }

  private String element(String name, String subscript, int line) {
    ShellState.Var v = state.lookup(name);
    if (v == null) {
      return null;
    }
    if (v.associative()) {
      return v.byKey.get(words.expandString(subscript, line));
    }
    long index = words.arith(subscript, line);
    if (index < 0 && !v.values.isEmpty()) {
      index = v.values.lastKey() + 1 + index;
    }
    return v.values.get(index);
  }

  private static int indexOfUnescaped(String s, char c) {
    for (int k = 0; k < s.length(); k++) {
      if (s.charAt(k) == '\\') {
        k++;
      } else if (s.charAt(k) == c) {
        return k;
      }
    }
    return -1;
  }

  private static String trim(String v, Pattern p, boolean suffix, boolean longest) {
    if (suffix) {
      int from = longest ? 0 : v.length();
      for (int k = from; longest ? k <= v.length() : k >= 0; k += longest ? 1 : -1) {
        if (p.matcher(v.substring(k)).matches()) {
          return v.substring(0, k);
        }
      }
    } else {
      int from = longest ? v.length() : 0;
      for (int k = from; longest ? k >= 0 : k <= v.length(); k += longest ? -1 : 1) {
        if (p.matcher(v.substring(0, k)).matches()) {
          return v.substring(k);
        }
      }
    }
    return v;
  }

  private static String replace(String v, Pattern p, String rep, boolean all, boolean anchorStart, boolean anchorEnd) {
    StringBuilder out = new StringBuilder();
    int k = 0;
    boolean done = false;
    while (k <= v.length()) {
      int matchEnd = -1;
      if (!done && (!anchorStart || k == 0)) {
        for (int e = v.length(); e >= k; e--) { // longest match at k
          // an empty match only where anchored: ${a[@]/#/dir/} prefixes, ${a[@]/%/.nc} suffixes
          if ((!anchorEnd || e == v.length()) && (e > k || anchorStart || anchorEnd)
              && p.matcher(v.substring(k, e)).matches()) {
            matchEnd = e;
            break;
          }
        }
      }
      if (matchEnd == k) {
        out.append(rep);
        done = true;
        matchEnd = -1;
      }
      if (matchEnd >= 0) {
        out.append(rep);
        k = matchEnd;
        done = !all;
      } else {
        if (k < v.length()) {
          out.append(v.charAt(k));
        }
        k++;
      }
    }
    return out.toString();
  }

  /** {@code $0} followed by the positional parameters {@code values}. */
  private List<String> withArg0(List<String> values) {
    List<String> all = new ArrayList<>(values.size() + 1);
    all.add(state.special("0"));
    all.addAll(values);
    return all;
  }

  /**
   * {@code ${x^^}}, {@code ${x,}}: the first letter or every letter of {@code v} in upper or
   * lower case, of those that {@code only} (a pattern of one character) matches, where it is given.
   */
  static String changeCase(String v, boolean upper, boolean all, Pattern only) {
    StringBuilder out = new StringBuilder();
    v.codePoints().forEach(c -> {
      boolean change = (all || out.length() == 0) && (only == null || only.matcher(Character.toString(c)).matches());
      out.appendCodePoint(!change ? c : upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
    });
    return out.toString();
  }
}
