package swamp.master.script;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commands that scripts use to compute names, evaluated while planning as GNU coreutils and
 * bash would print them: {@code echo}, {@code printf}, {@code seq}, {@code basename},
 * {@code dirname} (and {@link Expr}). Each takes its arguments (without the command name) and returns
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

  /** Appends {@code s} with backslash escapes done; false when {@code \c} stops the output. */
  private static boolean unescape(String s, StringBuilder out) {
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

  private static final Pattern SPEC = Pattern.compile(
      "%([-+ #0]*)(\\*|[0-9]+)?(?:\\.(\\*|[0-9]*))?([diouxXfFeEgGscbq%]|\\([^)]*\\)T)");

  static Output printf(List<String> args) throws UsageException {
    if (args.isEmpty()) {
      throw new UsageException("printf: usage: printf FORMAT [ARGUMENT]...");
    }
    String format = args.get(0);
    List<String> rest = args.subList(1, args.size());
    StringBuilder out = new StringBuilder();
    int used = 0;
    int status = 0;
    do {
      int consumedBefore = used;
      Matcher m = SPEC.matcher(format);
      int last = 0;
      while (m.find()) {
        if (!unescape(format.substring(last, m.start()), out)) {
          return new Output(out.toString(), status);
        }
        last = m.end();
        char conv = m.group(4).charAt(0);
        if (conv == '%') {
          out.append('%');
          continue;
        }
        String flags = m.group(1);
        String width = m.group(2);
        String precision = m.group(3);
        if ("*".equals(width)) {
          width = used < rest.size() ? rest.get(used++) : "0";
        }
        if ("*".equals(precision)) {
          precision = used < rest.size() ? rest.get(used++) : "0";
        }
        String arg = used < rest.size() ? rest.get(used++) : null;
        String spec = "%" + flags.replace("#", conv == 'o' || conv == 'x' || conv == 'X' ? "#" : "")
            + (width == null ? "" : width) + (precision == null ? "" : "." + precision);
        // a string's conversion: only the - flag (Java refuses the others for %s); a width of 10 keeps its 0
        String text = "%" + flags.replaceAll("[0#+ ]", "") + (width == null ? "" : width)
            + (precision == null ? "" : "." + precision);
        try {
          switch (conv) {
            case 'd', 'i', 'u' -> out.append(String.format(spec + "d", integer(arg)));
            case 'o', 'x', 'X' -> out.append(String.format(spec + conv, integer(arg)));
            case 'f', 'F', 'e', 'E', 'g', 'G' -> out.append(floating(flags, width, precision, conv,
                arg == null || arg.isEmpty() ? 0.0 : Double.parseDouble(arg)));
            case '(' -> out.append(String.format(text + "s", // %(%Y-%m-%d)T
                Strftime.format(m.group(4).substring(1, m.group(4).length() - 2), arg)));
            case 'q' -> out.append(String.format(text + "s", shellQuoted(arg == null ? "" : arg)));
            case 'c' -> out.append(String.format(text + "s",
                arg == null || arg.isEmpty() ? "" : arg.substring(0, 1)));
            case 'b' -> {
              StringBuilder b = new StringBuilder();
              unescape(arg == null ? "" : arg, b);
              out.append(String.format(text + "s", b));
            }
            default -> out.append(String.format(text + "s", arg == null ? "" : arg));
          }
        } catch (NumberFormatException e) {
          out.append(conv == 'f' || conv == 'e' || conv == 'g' ? "0.000000" : "0");
          status = 1; // bash prints 0 and fails: "invalid number"
        } catch (java.util.IllegalFormatException e) {
          throw new UsageException("printf: invalid format '" + m.group() + "'");
        }
      }
      if (!unescape(format.substring(last), out)) {
        break;
      }
      if (used == consumedBefore) {
        break; // a format without conversions is printed once
      }
    } while (used < rest.size());
    return new Output(out.toString(), status);
  }

  /** bash's {@code printf %q}: the word quoted so that the shell reads it back as it is. */
  static String shellQuoted(String s) {
    if (s.isEmpty()) {
      return "''";
    }
    if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      StringBuilder b = new StringBuilder("$'");
      for (char c : s.toCharArray()) {
        switch (c) {
          case '\n' -> b.append("\\n");
          case '\t' -> b.append("\\t");
          case '\r' -> b.append("\\r");
          case '\'', '\\' -> b.append('\\').append(c);
          default -> b.append(c < 0x20 || c == 0x7f ? String.format("\\%03o", (int) c) : String.valueOf(c));
        }
      }
      return b.append('\'').toString();
    }
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (!(Character.isLetterOrDigit(c) || "_@%+=:,./-".indexOf(c) >= 0) || c > 0x7e) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  /** A floating-point conversion as C's printf does it: %g drops trailing zeros, Java's does not. */
  static String floating(String flags, String width, String precision, char conv, double v) {
    int p = precision == null || precision.isEmpty() ? 6 : Integer.parseInt(precision);
    String body;
    char lower = Character.toLowerCase(conv);
    if (lower == 'g') {
      if (p == 0) {
        p = 1;
      }
      int exponent = v == 0 ? 0 : new java.math.BigDecimal(Math.abs(v))
          .round(new java.math.MathContext(p)).precision()
          - new java.math.BigDecimal(Math.abs(v)).round(new java.math.MathContext(p)).scale() - 1;
      if (exponent >= -4 && exponent < p) {
        body = String.format("%." + (p - 1 - exponent) + "f", Math.abs(v));
      } else {
        body = String.format("%." + (p - 1) + "e", Math.abs(v));
      }
      if (!flags.contains("#")) {
        int e = body.indexOf('e');
        String mantissa = e < 0 ? body : body.substring(0, e);
        String exp = e < 0 ? "" : body.substring(e);
        if (mantissa.contains(".")) {
          mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        body = mantissa + exp;
      }
      if (conv == 'G') {
        body = body.toUpperCase();
      }
    } else {
      body = String.format("%." + p + (lower == 'e' ? conv : "f"), Math.abs(v));
    }
    String sign = v < 0 || (v == 0 && 1 / v < 0) ? "-" : flags.contains("+") ? "+" : flags.contains(" ") ? " " : "";
    int w = width == null || width.equals("*") ? 0 : Integer.parseInt(width);
    int pad = Math.max(0, w - sign.length() - body.length());
    if (flags.contains("-")) {
      return sign + body + " ".repeat(pad);
    }
    if (flags.contains("0")) {
      return sign + "0".repeat(pad) + body;
    }
    return " ".repeat(pad) + sign + body;
  }

  private static long integer(String arg) {
    if (arg == null || arg.isEmpty()) {
      return 0;
    }
    String a = arg.trim();
    if (a.startsWith("'") || a.startsWith("\"")) {
      return a.length() > 1 ? a.charAt(1) : 0;
    }
    boolean negative = a.startsWith("-");
    String digits = negative || a.startsWith("+") ? a.substring(1) : a;
    long v;
    if (digits.startsWith("0x") || digits.startsWith("0X")) {
      v = Long.parseLong(digits.substring(2), 16);
    } else if (digits.length() > 1 && digits.startsWith("0")) {
      v = Long.parseLong(digits.substring(1), 8);
    } else {
      v = Long.parseLong(digits);
    }
    return negative ? -v : v;
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
        Matcher m = SPEC.matcher(format);
        if (!m.find() || "diouxXcsbq(".indexOf(m.group(4).charAt(0)) >= 0) {
          throw new UsageException("seq: format '" + format + "' has no %f, %e or %g directive");
        }
        out.add(format.substring(0, m.start()).replace("%%", "%")
            + floating(m.group(1), m.group(2), m.group(3), m.group(4).charAt(0), v.doubleValue())
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
