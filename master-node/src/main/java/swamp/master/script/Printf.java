package swamp.master.script;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import swamp.protocol.ShellText;

/**
 * bash's {@code printf} builtin, evaluated while planning: its format's conversions as C's printf
 * prints them (where Java's {@code String.format} differs: {@code %g}, the flags a string takes),
 * the format reused while arguments are left, bash's own {@code %q}, {@code %b} and
 * {@code %(fmt)T} ({@link Strftime}).
 */
final class Printf {

  private Printf() {}

  /** One conversion: its flags, width, precision and letter (or bash's {@code (fmt)T}). */
  static final Pattern SPEC = Pattern.compile(
      "%([-+ #0]*)(\\*|[0-9]+)?(?:\\.(\\*|[0-9]*))?([diouxXfFeEgGscbq%]|\\([^)]*\\)T)");

  static Coreutils.Output format(List<String> args) throws Coreutils.UsageException {
    return format(args, new StringBuilder());
  }

  /**
   * As {@link #format}; bash's error for each argument that is not a number where one is
   * converted ("printf: 08: invalid octal number", a line each) is added to {@code invalid}: the
   * number is then what its start gives (0 of 08, 3 of 3.5), formatted as asked, and the status 1.
   */
  static Coreutils.Output format(List<String> args, StringBuilder invalid) throws Coreutils.UsageException {
    if (args.isEmpty()) {
      throw new Coreutils.UsageException("printf: usage: printf FORMAT [ARGUMENT]...");
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
        if (!Coreutils.unescape(format.substring(last, m.start()), out)) {
          return new Coreutils.Output(out.toString(), status);
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
            case 'd', 'i', 'u' -> out.append(String.format(spec + "d", integer(arg, invalid)));
            case 'o', 'x', 'X' -> out.append(String.format(spec + conv, integer(arg, invalid)));
            case 'f', 'F', 'e', 'E', 'g', 'G' -> out.append(floating(flags, width, precision, conv,
                arg == null || arg.isEmpty() ? 0.0 : floating(arg, invalid)));
            case '(' -> out.append(String.format(text + "s", // %(%Y-%m-%d)T
                Strftime.format(m.group(4).substring(1, m.group(4).length() - 2), arg)));
            case 'q' -> out.append(String.format(text + "s", shellQuoted(arg == null ? "" : arg)));
            case 'c' -> out.append(String.format(text + "s",
                arg == null || arg.isEmpty() ? "" : arg.substring(0, 1)));
            case 'b' -> {
              StringBuilder b = new StringBuilder();
              Coreutils.unescape(arg == null ? "" : arg, b);
              out.append(String.format(text + "s", b));
            }
            default -> out.append(String.format(text + "s", arg == null ? "" : arg));
          }
        } catch (NumberFormatException e) {
          out.append(conv == 'f' || conv == 'e' || conv == 'g' ? "0.000000" : "0");
          status = 1; // bash prints 0 and fails: "invalid number"
        } catch (java.util.IllegalFormatException e) {
          throw new Coreutils.UsageException("printf: invalid format '" + m.group() + "'");
        }
      }
      if (!Coreutils.unescape(format.substring(last), out)) {
        break;
      }
      if (!invalid.isEmpty()) {
        status = 1;
      }
      if (used == consumedBefore) {
        break; // a format without conversions is printed once
      }
    } while (used < rest.size());
    return new Coreutils.Output(out.toString(), status);
  }

  /** bash's {@code printf %q}: the word quoted so that the shell reads it back as it is. */
  static String shellQuoted(String s) {
    if (s.isEmpty()) {
      return "''";
    }
    if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return ShellText.dollarQuoted(s);
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

  /** C's strtoimax of base 0 ({@code 0x1f}, {@code 017}, {@code 17}): the number its start gives. */
  private static final Pattern INTEGER = Pattern.compile("\\s*([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)");
  /** C's strtold: the number a word's start gives. */
  private static final Pattern FLOATING = Pattern.compile(
      "\\s*[-+]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?");

  private static long integer(String arg, StringBuilder invalid) {
    if (arg == null || arg.isEmpty()) {
      return 0;
    }
    String a = arg.trim();
    if (a.startsWith("'") || a.startsWith("\"")) {
      return a.length() > 1 ? a.charAt(1) : 0;
    }
    Matcher m = INTEGER.matcher(arg);
    long v = 0;
    if (m.lookingAt()) {
      String digits = m.group(2);
      v = digits.length() > 2 && (digits.charAt(1) == 'x' || digits.charAt(1) == 'X')
          ? Long.parseLong(digits.substring(2), 16)
          : digits.length() > 1 && digits.startsWith("0") ? Long.parseLong(digits.substring(1), 8) : Long.parseLong(digits);
      v = m.group(1).equals("-") ? -v : v;
    }
    if (!m.lookingAt() || m.end() < arg.length()) { // bash's sh_invalidnum
      invalid.append("printf: ").append(arg).append(": ").append(arg.matches("0[0-9].*") ? "invalid octal number"
          : arg.startsWith("0x") ? "invalid hex number" : "invalid number").append('\n');
    }
    return v;
  }

  private static double floating(String arg, StringBuilder invalid) {
    Matcher m = FLOATING.matcher(arg);
    if (m.lookingAt() && m.end() == arg.length()) {
      return Double.parseDouble(arg.trim());
    }
    if (arg.trim().matches("(?i)[-+]?(inf|infinity|nan)")) {
      return Double.parseDouble(arg.trim().replaceFirst("(?i)inf(inity)?", "Infinity").replaceFirst("(?i)nan", "NaN"));
    }
    invalid.append("printf: ").append(arg).append(": invalid number\n");
    return m.lookingAt() ? Double.parseDouble(m.group().trim()) : 0.0;
  }
}
