package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code declare -p NAME...} (and {@code typeset -p}) and {@code declare -F [NAME...]}
 * print, as bash 5.2 prints it: {@code declare -- x="v"}, {@code declare -a a=([0]="p" [1]="q")},
 * {@code declare -A m=([k]="v" )}, each with its attributes in bash's order, its value
 * double-quoted or, with control characters in it, as {@code $'...'}. A name that is not set
 * is bash's error ({@code declare: x: not found}, status 1). {@code declare -f NAME...} prints
 * the functions' text ({@link FunctionText}).
 */
final class Declared {

  /** What the names print, the errors bash gives for the missing ones, and the status. */
  record Shown(String text, List<String> errors, int status) {}

  private static final String METAS = " \t\n'\"\\|&;()<>!{}*[]?^$`";

  private Declared() {}

  /**
   * Whether {@code args} of {@code name} ask to print ({@code -p}, {@code -F}) rather than
   * declare; {@code export -p NAME} and {@code readonly -p NAME} export and make them readonly.
   */
  static boolean prints(String name, List<String> args) {
    boolean asked = args.subList(0, args.size() - names(args).size()).stream().filter(a -> !a.equals("--"))
        .anyMatch(a -> a.contains("p") || (a.contains("F") && !name.equals("export"))
            || a.contains("f") && !a.contains("x") && (name.equals("declare") || name.equals("typeset")));
    return asked && (name.equals("declare") || name.equals("typeset") || names(args).isEmpty());
  }

  /** The names {@code args} give, after the options. */
  static List<String> names(List<String> args) {
    int k = 0;
    while (k < args.size() && args.get(k).startsWith("-") && !args.get(k).equals("--")) {
      k++;
    }
    return args.subList(k < args.size() && args.get(k).equals("--") ? k + 1 : k, args.size());
  }

  /**
   * What {@code name args} prints; without names, {@code declare -F} lists every function, as
   * {@code declare -f NAME} lines in bash's order (variables without names are refused before).
   */
  static Shown show(String name, List<String> args, Map<String, ShellState.Var> vars,
      Map<String, Ast.FunctionDef> functions) {
    List<String> options = args.subList(0, args.size() - names(args).size());
    boolean functionNames = options.stream().anyMatch(a -> !a.equals("--") && a.contains("F"));
    boolean functionTexts = !functionNames && options.stream().anyMatch(a -> !a.equals("--") && a.contains("f"));
    boolean asDeclare = names(args).isEmpty() || options.stream().anyMatch(a -> !a.equals("--") && a.contains("p"));
    StringBuilder out = new StringBuilder();
    List<String> errors = new ArrayList<>();
    int status = 0;
    List<String> asked = names(args).isEmpty() ? new java.util.TreeSet<>(functions.keySet()).stream().toList()
        : names(args);
    for (String n : asked) {
      if (functionTexts) { // 'declare -f helper > funcs.sh': its text, as bash prints it
        if (functions.containsKey(n)) {
          out.append(FunctionText.of(functions.get(n)));
        } else {
          status = 1;
        }
        continue;
      }
      if (functionNames) { // 'declare -F f': its name, if it is one
        if (functions.containsKey(n)) {
          out.append(asDeclare ? "declare -f " : "").append(n).append('\n');
        } else {
          status = 1;
        }
        continue;
      }
      ShellState.Var v = vars.get(n);
      if (v == null) {
        errors.add(name + ": " + n + ": not found");
        status = 1;
        continue;
      }
      out.append(line(n, v)).append('\n');
    }
    return new Shown(out.toString(), errors, status);
  }

  private static String line(String n, ShellState.Var v) {
    StringBuilder flags = new StringBuilder();
    if (v.array && !v.associative()) {
      flags.append('a');
    }
    if (v.associative()) {
      flags.append('A');
    }
    if (v.integer) {
      flags.append('i');
    }
    if (v.readonly) {
      flags.append('r');
    }
    if (v.exported) {
      flags.append('x');
    }
    if (v.letterCase != 0) {
      flags.append(v.letterCase);
    }
    String head = "declare -" + (flags.isEmpty() ? "-" : flags) + " " + n;
    if (v.associative()) {
      StringBuilder s = new StringBuilder(head).append("=(");
      for (String k : v.keys()) {
        s.append('[').append(containsMeta(k) ? doubleQuoted(k) : k).append("]=")
            .append(quoted(v.byKey.get(k))).append(' ');
      }
      return s.append(')').toString();
    }
    if (v.array) {
      List<String> elements = new ArrayList<>();
      v.values.forEach((k, e) -> elements.add("[" + k + "]=" + quoted(e)));
      return head + "=(" + String.join(" ", elements) + ")";
    }
    String value = v.values.get(0L);
    return value == null ? head : head + "=" + quoted(value);
  }

  static boolean containsMeta(String s) {
    return s.chars().anyMatch(c -> METAS.indexOf(c) >= 0) || s.startsWith("~") || s.startsWith("#");
  }

  /** A value as bash's {@code declare -p} quotes it. */
  static String quoted(String s) {
    return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f) ? ansiC(s) : doubleQuoted(s);
  }

  /** A value as bash's {@code ${v@Q}} quotes it: {@code 'it'\''s'}, or {@code $'a\nb'}. */
  static String shellQuoted(String s) {
    return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f) ? ansiC(s) : "'" + s.replace("'", "'\\''") + "'";
  }

  private static String doubleQuoted(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\' || c == '$' || c == '`') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.append('"').toString();
  }

  private static String ansiC(String s) {
    StringBuilder b = new StringBuilder("$'");
    for (char c : s.toCharArray()) {
      switch (c) {
        case 7 -> b.append("\\a");
        case '\b' -> b.append("\\b");
        case 27 -> b.append("\\E");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case 11 -> b.append("\\v");
        case '\\' -> b.append("\\\\");
        case '\'' -> b.append("\\'");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\%03o", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('\'').toString();
  }
}
