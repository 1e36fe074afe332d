package swamp.master.script;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code expr ARGS} as GNU coreutils evaluates it while planning: {@code | & = != < <= > >= + - *
 * / % : ( )}, {@code match}, {@code substr}, {@code index}, {@code length}, by precedence from
 * {@code |} down; it prints the value and exits 1 when the value is empty or 0.
 */
final class Expr {

  private Expr() {}

  static Coreutils.Output evaluate(List<String> args) throws Coreutils.UsageException {
    if (args.isEmpty()) {
      throw new Coreutils.UsageException("expr: missing operand");
    }
    Parser e = new Parser(args);
    String v = e.or();
    if (e.k < args.size()) {
      throw new Coreutils.UsageException("expr: syntax error: unexpected argument '" + args.get(e.k) + "'");
    }
    return new Coreutils.Output(v + "\n", v.isEmpty() || v.equals("0") ? 1 : 0);
  }

  private static final class Parser {
    final List<String> a;
    int k;

    Parser(List<String> a) {
      this.a = a;
    }

    boolean at(String op) {
      return k < a.size() && a.get(k).equals(op);
    }

    String or() throws Coreutils.UsageException {
      String v = and();
      while (at("|")) {
        k++;
        String r = and();
        v = isNull(v) ? (isNull(r) ? "0" : r) : v;
      }
      return v;
    }

    String and() throws Coreutils.UsageException {
      String v = compare();
      while (at("&")) {
        k++;
        String r = compare();
        v = isNull(v) || isNull(r) ? "0" : v;
      }
      return v;
    }

    String compare() throws Coreutils.UsageException {
      String v = additive();
      while (k < a.size() && List.of("<", "<=", "=", "==", "!=", ">=", ">").contains(a.get(k))) {
        String op = a.get(k++);
        String r = additive();
        int c;
        if (isInt(v) && isInt(r)) {
          c = Long.compare(Long.parseLong(v), Long.parseLong(r));
        } else {
          c = v.compareTo(r);
        }
        boolean t = switch (op) {
          case "<" -> c < 0;
          case "<=" -> c <= 0;
          case "=", "==" -> c == 0;
          case "!=" -> c != 0;
          case ">=" -> c >= 0;
          default -> c > 0;
        };
        v = t ? "1" : "0";
      }
      return v;
    }

    String additive() throws Coreutils.UsageException {
      String v = multiplicative();
      while (at("+") || at("-")) {
        String op = a.get(k++);
        long r = num(multiplicative());
        v = Long.toString(op.equals("+") ? num(v) + r : num(v) - r);
      }
      return v;
    }

    String multiplicative() throws Coreutils.UsageException {
      String v = match();
      while (at("*") || at("/") || at("%")) {
        String op = a.get(k++);
        long r = num(match());
        if (!op.equals("*") && r == 0) {
          throw new Coreutils.UsageException("expr: division by zero");
        }
        v = Long.toString(op.equals("*") ? num(v) * r : op.equals("/") ? num(v) / r : num(v) % r);
      }
      return v;
    }

    String match() throws Coreutils.UsageException {
      String v = primary();
      while (at(":")) {
        k++;
        v = regexMatch(v, primary());
      }
      return v;
    }

    String primary() throws Coreutils.UsageException {
      if (k >= a.size()) {
        throw new Coreutils.UsageException("expr: syntax error: missing argument");
      }
      String t = a.get(k++);
      switch (t) {
        case "(" -> {
          String v = or();
          if (!at(")")) {
            throw new Coreutils.UsageException("expr: syntax error: expecting ')'");
          }
          k++;
          return v;
        }
        case "length" -> {
          return Integer.toString(primary().length());
        }
        case "substr" -> {
          String s = primary();
          long pos = num(primary());
          long len = num(primary());
          if (pos < 1 || len < 1 || pos > s.length()) {
            return "";
          }
          return s.substring((int) pos - 1, (int) Math.min(s.length(), pos - 1 + len));
        }
        case "index" -> {
          String s = primary();
          String chars = primary();
          for (int j = 0; j < s.length(); j++) {
            if (chars.indexOf(s.charAt(j)) >= 0) {
              return Integer.toString(j + 1);
            }
          }
          return "0";
        }
        case "match" -> {
          String s = primary();
          return regexMatch(s, primary());
        }
        case "+" -> {
          return a.get(k++);
        }
        default -> {
          return t;
        }
      }
    }

    private static String regexMatch(String s, String basicRegex) {
      String re = basicRegex.replace("\\(", "\u0001").replace("\\)", "\u0002")
          .replace("(", "\\(").replace(")", "\\)").replace("\u0001", "(").replace("\u0002", ")")
          .replace("\\{", "{").replace("\\}", "}");
      Matcher m = Pattern.compile(re).matcher(s);
      if (!m.lookingAt()) {
        return m.groupCount() > 0 ? "" : "0";
      }
      return m.groupCount() > 0 ? (m.group(1) == null ? "" : m.group(1)) : Integer.toString(m.end());
    }

    private static boolean isNull(String v) {
      return v.isEmpty() || v.equals("0");
    }

    private static boolean isInt(String v) {
      return v.matches("[-+]?[0-9]+");
    }

    private static long num(String v) throws Coreutils.UsageException {
      if (!isInt(v)) {
        throw new Coreutils.UsageException("expr: non-integer argument");
      }
      return Long.parseLong(v);
    }
  }
}
