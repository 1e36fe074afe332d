package swamp.master.script;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * The commands that scripts use to compute names, evaluated while planning as GNU coreutils and
 * bash would print them: {@code echo}, {@code seq}, {@code basename}, {@code dirname} (and
 * {@link Printf}, {@link Expr}). Each takes its arguments (without the command name) and returns
 * what it prints and its exit status. {@link HereCommands} runs them in a command substitution;
 * the shell's own builtins, which change its state ({@code cd}, {@code set}, {@code declare}
 * ...), are {@link ShellBuiltins}.
 */
final class Coreutils {

  /** What a command printed and its exit status. */
  record Output(String text, int status) {
    static Output ok(String text) {
      return new Output(text, 0);
    }
  }

  /** A use the command itself would reject. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private Coreutils() {}

  /**
   * A file's name as GNU coreutils quote it in their errors: {@code 'a b'}, {@code "it's"}, a
   * control character as {@code '$'\t''}.
   */
  static String quotedForError(String name) {
    if (name.indexOf('\'') >= 0 && name.chars().noneMatch(c -> c < 32 || "\"$`\\".indexOf(c) >= 0)) {
      return "\"" + name + "\"";
    }
    StringBuilder q = new StringBuilder("'");
    for (char c : name.toCharArray()) {
      if (c == '\'') {
        q.append("'\\''");
      } else if (c < 32) {
        String escape = switch (c) {
          case '\t' -> "\\t";
          case '\n' -> "\\n";
          default -> String.format("\\%03o", (int) c);
        };
        q.append("'$'").append(escape).append("''");
      } else {
        q.append(c);
      }
    }
    return q.append('\'').toString();
  }

  static Output echo(List<String> args) {
    boolean newline = true;
    boolean escapes = false;
    int k = 0;
    while (k < args.size() && args.get(k).matches("-[neE]+")) {
      for (char c : args.get(k).substring(1).toCharArray()) {
        if (c == 'n') {
          newline = false;
        } else if (c == 'e') {
          escapes = true;
        } else {
          escapes = false;
        }
      }
      k++;
    }
    String text = String.join(" ", args.subList(k, args.size()));
    if (escapes) {
      StringBuilder sb = new StringBuilder();
      if (!unescape(text, sb)) {
        return Output.ok(sb.toString());
      }
      text = sb.toString();
    }
    return Output.ok(newline ? text + "\n" : text);
  }

  /**
   * dash's {@code echo}, what {@code sh} runs on Debian: {@code -n} is its only option, and
   * backslash escapes are always read.
   */
  static Output dashEcho(List<String> args) {
    boolean newline = args.isEmpty() || !args.get(0).equals("-n");
    String text = String.join(" ", args.subList(newline ? 0 : 1, args.size()));
    StringBuilder sb = new StringBuilder();
    if (!unescape(text, sb)) {
      return Output.ok(sb.toString());
    }
    return Output.ok(newline ? sb.append('\n').toString() : sb.toString());
  }

  /** Appends {@code s} with backslash escapes done; false when {@code \c} stops the output. */
  static boolean unescape(String s, StringBuilder out) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c != '\\' || k + 1 >= s.length()) {
        out.append(c);
        continue;
      }
      char d = s.charAt(++k);
      switch (d) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'a' -> out.append('\007');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'v' -> out.append('\013');
        case 'e', 'E' -> out.append('\033');
        case '\\' -> out.append('\\');
        case 'c' -> {
          return false;
        }
        case '0' -> {
          int v = 0;
          int j = 0;
          while (j < 3 && k + 1 < s.length() && s.charAt(k + 1) >= '0' && s.charAt(k + 1) <= '7') {
            v = v * 8 + (s.charAt(++k) - '0');
            j++;
          }
          out.append((char) v);
        }
        default -> out.append('\\').append(d);
      }
    }
    return true;
  }

  static Output seq(List<String> args) throws UsageException {
    String format = null;
    String separator = "\n";
    boolean equalWidth = false;
    List<String> nums = new ArrayList<>();
    for (int k = 0; k < args.size(); k++) {
      String a = args.get(k);
      if (a.equals("-w") || a.equals("--equal-width")) {
        equalWidth = true;
      } else if (a.equals("-f") || a.equals("-s")) {
        if (k + 1 >= args.size()) {
          throw new UsageException("seq: option requires an argument -- '" + a.charAt(1) + "'");
        }
        if (a.equals("-f")) {
          format = args.get(++k);
        } else {
          separator = args.get(++k);
        }
      } else if (a.startsWith("-f") && a.length() > 2) {
        format = a.substring(2);
      } else if (a.startsWith("-s") && a.length() > 2) {
        separator = a.substring(2);
      } else {
        nums.add(a);
      }
    }
    if (nums.isEmpty() || nums.size() > 3) {
      throw new UsageException("seq: " + (nums.isEmpty() ? "missing operand" : "extra operand '" + nums.get(3) + "'"));
    }
    BigDecimal first = BigDecimal.ONE;
    BigDecimal step = BigDecimal.ONE;
    BigDecimal last;
    try {
      last = new BigDecimal(nums.get(nums.size() - 1));
      if (nums.size() >= 2) {
        first = new BigDecimal(nums.get(0));
      }
      if (nums.size() == 3) {
        step = new BigDecimal(nums.get(1));
      }
    } catch (NumberFormatException e) {
      throw new UsageException("seq: invalid floating point argument: " + e.getMessage());
    }
    if (step.signum() == 0) {
      throw new UsageException("seq: invalid Zero increment value: '0'");
    }
    int scale = Math.max(0, Math.max(first.scale(), step.scale()));
    List<String> out = new ArrayList<>();
    for (BigDecimal v = first; step.signum() > 0 ? v.compareTo(last) <= 0 : v.compareTo(last) >= 0; v = v.add(step)) {
      if (out.size() > 10_000_000) {
        throw new UsageException("seq: more than 10,000,000 numbers");
      }
      if (format != null) {
        Matcher m = Printf.SPEC.matcher(format);
        if (!m.find() || "diouxXcsbq(".indexOf(m.group(4).charAt(0)) >= 0) {
          throw new UsageException("seq: format '" + format + "' has no %f, %e or %g directive");
        }
        out.add(format.substring(0, m.start()).replace("%%", "%")
            + Printf.floating(m.group(1), m.group(2), m.group(3), m.group(4).charAt(0), v.doubleValue())
            + format.substring(m.end()).replace("%%", "%"));
      } else {
        out.add(v.setScale(scale, java.math.RoundingMode.HALF_EVEN).toPlainString());
      }
    }
    if (equalWidth && format == null) {
      int width = out.stream().mapToInt(String::length).max().orElse(0);
      out.replaceAll(s -> {
        boolean neg = s.startsWith("-");
        String body = neg ? s.substring(1) : s;
        return (neg ? "-" : "") + "0".repeat(Math.max(0, width - s.length())) + body;
      });
    }
    return Output.ok(out.isEmpty() ? "" : String.join(separator, out) + "\n");
  }

  static Output basename(List<String> args) throws UsageException {
    List<String> names = new ArrayList<>();
    String suffix = null;
    boolean multiple = false;
    for (int k = 0; k < args.size(); k++) {
      String a = args.get(k);
      if (a.equals("-a") || a.equals("--multiple")) {
        multiple = true;
      } else if (a.equals("-s") && k + 1 < args.size()) {
        suffix = args.get(++k);
        multiple = true;
      } else if (a.startsWith("--suffix=")) {
        suffix = a.substring(9);
        multiple = true;
      } else {
        names.add(a);
      }
    }
    if (names.isEmpty()) {
      throw new UsageException("basename: missing operand");
    }
    if (!multiple && names.size() == 2) {
      suffix = names.remove(1);
    } else if (!multiple && names.size() > 2) {
      throw new UsageException("basename: extra operand '" + names.get(2) + "'");
    }
    StringBuilder out = new StringBuilder();
    for (String name : names) {
      String b = name.replaceAll("/+$", "");
      if (b.isEmpty()) {
        b = name.isEmpty() ? "" : "/";
      } else {
        b = b.substring(b.lastIndexOf('/') + 1);
      }
      if (suffix != null && !suffix.isEmpty() && b.endsWith(suffix) && !b.equals(suffix)) {
        b = b.substring(0, b.length() - suffix.length());
      }
      out.append(b).append('\n');
    }
    return Output.ok(out.toString());
  }

  static Output dirname(List<String> args) throws UsageException {
    if (args.isEmpty()) {
      throw new UsageException("dirname: missing operand");
    }
    StringBuilder out = new StringBuilder();
    for (String name : args) {
      String d = name.replaceAll("/+$", "");
      int slash = d.lastIndexOf('/');
      if (name.startsWith("/") && d.isEmpty()) {
        d = "/";
      } else if (slash < 0) {
        d = ".";
      } else {
        d = d.substring(0, slash).replaceAll("/+$", "");
        if (d.isEmpty()) {
          d = "/";
        }
      }
      out.append(d).append('\n');
    }
    return Output.ok(out.toString());
  }
}
