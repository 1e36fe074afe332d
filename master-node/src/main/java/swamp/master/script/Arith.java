package swamp.master.script;

/**
 * Bash arithmetic ({@code $(( ))}, {@code (( ))}, {@code let}, array subscripts) on 64-bit
 * integers: {@code + - * / % **}, comparisons, {@code && || !}, bit operators, {@code ?:},
 * assignments ({@code = += -= *= /= %=}) and {@code ++}/{@code --}. A variable that is unset or
 * empty counts as 0; one that holds an expression is evaluated, as bash does.
 */
final class Arith {

  /** Where names are read and assigned. */
  interface Variables {
    String get(String name);

    void set(String name, String value);
  }

  /** An expression bash would refuse. */
  static final class ArithException extends Exception {
    private static final long serialVersionUID = 1L;
    /** What bash prints of it, where bash abandons the command and goes on; null elsewhere. */
    final String bashError;

    ArithException(String message) {
      this(message, null);
    }

    ArithException(String message, String bashError) {
      super(message);
      this.bashError = bashError;
    }
  }

  private final String s;
  private final Variables vars;
  private final int depth;
  private int i;
  /** Where the operand read last began: the token of bash's "division by 0". */
  private int operandAt;

  private Arith(String s, Variables vars, int depth) {
    this.s = s;
    this.vars = vars;
    this.depth = depth;
  }

  static long eval(String expression, Variables vars) throws ArithException {
    return eval(expression, vars, 0);
  }

  private static long eval(String expression, Variables vars, int depth) throws ArithException {
    if (depth > 64) {
      throw new ArithException("expression recursion level exceeded");
    }
    Arith a = new Arith(expression, vars, depth);
    try {
      a.skip();
      if (a.i >= a.s.length()) {
        return 0;
      }
      long v = a.comma();
      a.skip();
      if (a.i < a.s.length()) {
        throw new ArithException("syntax error in expression '" + expression.trim() + "' near '"
            + expression.substring(a.i) + "'");
      }
      return v;
    } catch (ArithException e) {
      if (e.bashError != null) {
        throw e;
      }
      throw new ArithException(e.getMessage(), a.asBash(e.getMessage()));
    }
  }

  /**
   * What bash prints for the error {@code message}: the expression, bash's words, and the text
   * from where it failed ("10*1.5: syntax error: invalid arithmetic operator (error token is
   * ".5")"); the token as near to bash's as this parser knows where it was.
   */
  private String asBash(String message) {
    int at = Math.min(i, s.length());
    String words = message;
    if (message.equals("division by 0") || message.equals("exponent less than 0")) {
      at = operandAt;
    } else if (message.startsWith("syntax error")) {
      char c = at < s.length() ? s.charAt(at) : ' ';
      words = Character.isLetterOrDigit(c) || c == '_' || c == '$'
          ? "syntax error in expression" : "syntax error: invalid arithmetic operator";
    } else if (message.startsWith("operand expected")) {
      words = "syntax error: operand expected";
      if (s.substring(at).isBlank()) { // at the end: bash names the operator before
        String[] parts = s.trim().split("\\s+");
        return s.trim() + ": " + words + " (error token is \"" + parts[parts.length - 1] + "\")";
      }
    } else if (message.startsWith("'?'")) {
      words = "`:' expected for conditional expression";
    } else if (message.startsWith("missing ')'")) {
      words = "missing `)'";
    }
    return s.trim() + ": " + words + " (error token is \"" + s.substring(Math.min(at, s.length())).trim() + "\")";
  }

  private void skip() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }

  private boolean eat(String op) {
    skip();
    if (s.startsWith(op, i)) {
      i += op.length();
      return true;
    }
    return false;
  }

  /** True if {@code op} is next and is not the start of a longer operator in {@code longer}. */
  private boolean eatExact(String op, String... longer) {
    skip();
    for (String l : longer) {
      if (s.startsWith(l, i)) {
        return false;
      }
    }
    return eat(op);
  }

  private long comma() throws ArithException {
    long v = assignment();
    while (eat(",")) {
      v = assignment();
    }
    return v;
  }

  private long assignment() throws ArithException {
    skip();
    int save = i;
    String name = name();
    if (name != null) {
      skip();
      for (String op : new String[] {"=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "|=", "^="}) {
        if (s.startsWith(op, i) && !(op.equals("=") && s.startsWith("==", i))) {
          i += op.length();
          long rhs = assignment();
          long v = op.equals("=") ? rhs : binary(op.substring(0, op.length() - 1), value(name), rhs);
          vars.set(name, Long.toString(v));
          return v;
        }
      }
    }
    i = save;
    return conditional();
  }

  private long conditional() throws ArithException {
    long c = or();
    if (eat("?")) {
      long a = assignment();
      if (!eat(":")) {
        throw new ArithException("'?' without ':' in '" + s.trim() + "'");
      }
      long b = assignment();
      return c != 0 ? a : b;
    }
    return c;
  }

  private long or() throws ArithException {
    long v = and();
    while (eat("||")) {
      long r = and();
      v = (v != 0 || r != 0) ? 1 : 0;
    }
    return v;
  }

  private long and() throws ArithException {
    long v = bitOr();
    while (eat("&&")) {
      long r = bitOr();
      v = (v != 0 && r != 0) ? 1 : 0;
    }
    return v;
  }

  private long bitOr() throws ArithException {
    long v = bitXor();
    while (eatExact("|", "||", "|=")) {
      v |= bitXor();
    }
    return v;
  }

  private long bitXor() throws ArithException {
    long v = bitAnd();
    while (eatExact("^", "^=")) {
      v ^= bitAnd();
    }
    return v;
  }

  private long bitAnd() throws ArithException {
    long v = equality();
    while (eatExact("&", "&&", "&=")) {
      v &= equality();
    }
    return v;
  }

  private long equality() throws ArithException {
    long v = relational();
    while (true) {
      if (eat("==")) {
        v = v == relational() ? 1 : 0;
      } else if (eat("!=")) {
        v = v != relational() ? 1 : 0;
      } else {
        return v;
      }
    }
  }

  private long relational() throws ArithException {
    long v = shift();
    while (true) {
      if (eat("<=")) {
        v = v <= shift() ? 1 : 0;
      } else if (eat(">=")) {
        v = v >= shift() ? 1 : 0;
      } else if (eatExact("<", "<<")) {
        v = v < shift() ? 1 : 0;
      } else if (eatExact(">", ">>")) {
        v = v > shift() ? 1 : 0;
      } else {
        return v;
      }
    }
  }

  private long shift() throws ArithException {
    long v = additive();
    while (true) {
      if (eatExact("<<", "<<=")) {
        v = v << additive();
      } else if (eatExact(">>", ">>=")) {
        v = v >> additive();
      } else {
        return v;
      }
    }
  }

  private long additive() throws ArithException {
    long v = multiplicative();
    while (true) {
      if (eatExact("+", "++", "+=")) {
        v = v + multiplicative();
      } else if (eatExact("-", "--", "-=")) {
        v = v - multiplicative();
      } else {
        return v;
      }
    }
  }

  private long multiplicative() throws ArithException {
    long v = power();
    while (true) {
      if (eatExact("*", "**", "*=")) {
        v = v * power();
      } else if (eatExact("/", "/=")) {
        v = binary("/", v, divisor());
      } else if (eatExact("%", "%=")) {
        v = binary("%", v, divisor());
      } else {
        return v;
      }
    }
  }

  /** The right operand of / or %, where a "division by 0" names it. */
  private long divisor() throws ArithException {
    skip();
    int at = i;
    long v = power();
    operandAt = at;
    return v;
  }

  private long power() throws ArithException {
    long base = unary();
    if (eat("**")) {
      skip();
      operandAt = i;
      long exp = power();
      if (exp < 0) {
        throw new ArithException("exponent less than 0");
      }
      long r = 1;
      for (long k = 0; k < exp; k++) {
        r *= base;
      }
      return r;
    }
    return base;
  }

  private long unary() throws ArithException {
    skip();
    if (eat("++") || eat("--")) {
      boolean inc = s.charAt(i - 1) == '+';
      skip();
      String name = name();
      if (name == null) {
        throw new ArithException("'" + (inc ? "++" : "--") + "' needs a variable");
      }
      long v = value(name) + (inc ? 1 : -1);
      vars.set(name, Long.toString(v));
      return v;
    }
    if (eat("!")) {
      return unary() == 0 ? 1 : 0;
    }
    if (eat("~")) {
      return ~unary();
    }
    if (eat("-")) {
      return -unary();
    }
    if (eat("+")) {
      return unary();
    }
    return postfix();
  }

  private long postfix() throws ArithException {
    skip();
    if (eat("(")) {
      long v = comma();
      if (!eat(")")) {
        throw new ArithException("missing ')' in '" + s.trim() + "'");
      }
      return v;
    }
    if (i < s.length() && Character.isDigit(s.charAt(i))) {
      return number();
    }
    if (i < s.length() && s.charAt(i) == '$') {
      i++; // "$x" inside (( )) is the same as "x"
    }
    String name = name();
    if (name == null) {
      throw new ArithException(i >= s.length() ? "operand expected in '" + s.trim() + "'"
          : "syntax error in expression '" + s.trim() + "' near '" + s.substring(i) + "'");
    }
    long v = value(name);
    if (eat("++")) {
      vars.set(name, Long.toString(v + 1));
    } else if (eat("--")) {
      vars.set(name, Long.toString(v - 1));
    }
    return v;
  }

  private long number() throws ArithException {
    int start = i;
    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '#')) {
      i++;
    }
    String t = s.substring(start, i);
    try {
      if (t.startsWith("0x") || t.startsWith("0X")) {
        return Long.parseLong(t.substring(2), 16);
      }
      int hash = t.indexOf('#');
      if (hash > 0) {
        return Long.parseLong(t.substring(hash + 1), Integer.parseInt(t.substring(0, hash)));
      }
      if (t.length() > 1 && t.startsWith("0")) {
        return Long.parseLong(t.substring(1), 8);
      }
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw new ArithException("value too great for base (error token is \"" + t + "\")"
          + (t.matches("0[0-9]+") ? "; a number with a leading 0 is octal to bash: write 10#" + t
          + " (or $((10#$var))) for decimal" : ""),
          t + ": value too great for base (error token is \"" + t + "\")");
    }
  }

  /** A name, with an optional subscript kept as part of it ({@code a[3]}); null when none. */
  private String name() {
    int start = i;
    if (i < s.length() && (Character.isLetter(s.charAt(i)) || s.charAt(i) == '_')) {
      i++;
      while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
        i++;
      }
      if (i < s.length() && s.charAt(i) == '[') {
        int end = s.indexOf(']', i);
        if (end > 0) {
          i = end + 1;
        }
      }
      return s.substring(start, i);
    }
    return null;
  }

  private long value(String name) throws ArithException {
    String v = vars.get(name);
    if (v == null || v.isBlank()) {
      return 0;
    }
    v = v.trim();
    if (v.matches("[-+]?0[0-9]+")) { // "08" is octal to bash, as a literal is: 010 is 8, 08 an error
      return eval(v, vars, depth + 1);
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return eval(v, vars, depth + 1);
    }
  }

  private static long binary(String op, long a, long b) throws ArithException {
    return switch (op) {
      case "+" -> a + b;
      case "-" -> a - b;
      case "*" -> a * b;
      case "/", "%" -> {
        if (b == 0) {
          throw new ArithException("division by 0");
        }
        yield op.equals("/") ? a / b : a % b;
      }
      case "<<" -> a << b;
      case ">>" -> a >> b;
      case "&" -> a & b;
      case "|" -> a | b;
      case "^" -> a ^ b;
      default -> throw new ArithException("unknown operator " + op);
    };
  }
}
