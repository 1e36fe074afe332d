package swamp.master.script;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import swamp.master.script.Ast.Word;

/**
 * {@code test}, {@code [ ]} and {@code [[ ]]}. Both read {@code ! ( )} and an "or" of "ands" in
 * one descent ({@link Descent}); they differ in their operators ({@code -o -a} against
 * {@code || &&}) and their primaries: {@code test} gets words already expanded and follows
 * POSIX's rules by their number first, {@code [[ ]]} expands its words itself, without splitting
 * or globbing, and matches {@code == !=} against patterns. A test of a file sees what earlier
 * lines of the script write ({@link PlannedFiles}).
 */
final class Conditions {

  private final ShellState state;
  private final Expander expander;

  Conditions(ShellState state, Expander expander) {
    this.state = state;
    this.expander = expander;
  }

  /**
   * {@code test ARGS} and {@code [ ARGS ]} ({@code name}), by POSIX's rules for up to four
   * arguments and a descent beyond. Words that are no test ({@code [ $empty = x ]}, {@code [ abc
   * -gt 0 ]}) fail as bash's builtin does: its error, status 2 ({@link Refusal.Failed}).
   */
  boolean test(String name, List<String> a, int line) {
    if (a.stream().anyMatch(Marks::holdsStatus)) { // a test against 0 is the Planner's, once the job has run
      throw Refusal.jobStatus(line, "this test (a comparison of it with a number is not)");
    }
    try {
      return posix(a, line);
    } catch (NoTest e) {
      throw new Refusal.Failed(name + ": " + e.getMessage(), 2, line, name + ": " + e.getMessage());
    }
  }

  private boolean posix(List<String> a, int line) {
    switch (a.size()) {
      case 0 -> {
        return false;
      }
      case 1 -> {
        return !a.get(0).isEmpty();
      }
      case 2 -> {
        if (a.get(0).equals("!")) {
          return a.get(1).isEmpty();
        }
        if (!isUnary(a.get(0))) {
          throw new NoTest(a.get(0) + ": unary operator expected");
        }
        return unaryTest(a.get(0), a.get(1), line);
      }
      case 3 -> {
        if (isBinary(a.get(1)) && !a.get(1).equals("=~")) {
          return binaryTest(a.get(0), a.get(1), a.get(2), line);
        }
        if (a.get(0).equals("!")) {
          return !posix(a.subList(1, 3), line);
        }
        if (a.get(0).equals("(") && a.get(2).equals(")")) {
          return !a.get(1).isEmpty();
        }
        if (!a.get(1).equals("-a") && !a.get(1).equals("-o")) {
          throw new NoTest(a.get(1) + ": binary operator expected");
        }
      }
      case 4 -> {
        if (a.get(0).equals("!")) {
          return !posix(a.subList(1, 4), line);
        }
        if (a.get(0).equals("(") && a.get(3).equals(")")) {
          return posix(a.subList(1, 3), line);
        }
      }
      default -> { }
    }
    return new Descent(a, "-o", "-a", line) {
      @Override
      String problem(String p) {
        return p;
      }

      @Override
      RuntimeException error(String p) {
        return new NoTest(p.startsWith("unexpected") ? "too many arguments" : p);
      }

      @Override
      boolean primary() {
        if (k >= t.size()) {
          throw new NoTest("argument expected");
        }
        String first = t.get(k);
        if (k + 2 < t.size() && isBinary(t.get(k + 1))) {
          k += 3;
          return binaryTest(first, t.get(k - 2), t.get(k - 1), line);
        }
        if (isUnary(first) && k + 1 < t.size()) {
          k += 2;
          return unaryTest(first, t.get(k - 1), line);
        }
        k++;
        return !first.isEmpty();
      }
    }.whole();
  }

  /** Words of {@code test} that are no test: bash's message, without the builtin's name. */
  private static final class NoTest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoTest(String message) {
      super(message, null, false, false);
    }
  }

  /** {@code [[ WORDS ]]}. */
  boolean conditional(List<Word> words, int line) {
    return conditional(words, line, null);
  }

  /**
   * {@code [[ WORDS ]]}, each primary that bash evaluates given to {@code traced} (null: none) as
   * {@code set -x} shows it ({@link Xtrace#conditional}): expanded, {@code -n} before a lone
   * word, the quoted parts of a pattern escaped.
   */
  boolean conditional(List<Word> words, int line, java.util.function.Consumer<String> traced) {
    if (words.isEmpty()) {
      throw Refusal.at(line, "'[[ ]]' is empty");
    }
    return new Descent(words.stream().map(Word::raw).toList(), "||", "&&", line) {
      @Override
      String problem(String p) {
        return p + " in [[ ]]";
      }

      @Override
      boolean primary() {
        if (k >= t.size()) {
          throw Refusal.at(line, "an operand is missing in [[ ]]");
        }
        String first = t.get(k);
        if (isUnary(first) && k + 1 < t.size() && !(k + 2 < t.size() && isBinary(t.get(k + 1)))) {
          k += 2;
          String arg = known(expander.expandString(t.get(k - 1), line));
          trace(first, arg);
          return unaryTest(first, arg, line);
        }
        String left = known(expander.expandString(first, line));
        if (k + 1 < t.size() && isBinary(t.get(k + 1))) {
          String op = t.get(k + 1);
          if (k + 2 >= t.size()) {
            throw Refusal.at(line, "'" + op + "' needs a right operand in [[ ]]");
          }
          String rightWord = t.get(k + 2);
          k += 3;
          boolean matches = Set.of("=", "==", "!=").contains(op);
          if (traced != null && live) {
            trace(Xtrace.operand(left) + " " + op, matches ? expander.patterns.shown(rightWord, line)
                : op.equals("=~") ? expander.patterns.regex(rightWord, line) : expander.expandString(rightWord, line));
          }
          if (matches) { // '*" $f "*': the quoted parts literal, the rest a pattern
            java.util.regex.Pattern pattern = expander.patterns.conditional(rightWord, line);
            known(pattern.pattern());
            return pattern.matcher(left).matches() == !op.equals("!=");
          }
          if (op.equals("=~")) { // '=~ \.nc$', '=~ "a.b"': the quoted characters literal
            return binaryTest(left, op, known(expander.patterns.regex(rightWord, line)), line);
          }
          String right = known(expander.expandString(rightWord, line));
          if (Set.of("-eq", "-ne", "-lt", "-le", "-gt", "-ge").contains(op)) {
            return binaryTest(Long.toString(expander.arith(left, line)), op,
                Long.toString(expander.arith(right, line)), line);
          }
          if (op.equals("<") || op.equals(">")) { // in the locale's order; [ ] and test by byte
            int order = Collation.of(state).compare(left, right);
            return op.equals("<") ? order < 0 : order > 0;
          }
          return binaryTest(left, op, right, line);
        }
        k++;
        trace("-n", left);
        return !left.isEmpty();
      }

      private void trace(String shownBefore, String operand) {
        if (traced != null && live) {
          traced.accept((negated ? "! " : "") + shownBefore + " " + Xtrace.operand(operand));
        }
      }

      private String known(String operand) {
        if (Marks.holdsStatus(operand)) {
          throw Refusal.jobStatus(line, "this test in [[ ]] (a comparison of it with a number, alone, is not)");
        }
        return operand;
      }
    }.whole();
  }

  private static boolean isUnary(String op) {
    return op.length() == 2 && op.charAt(0) == '-' && "bcdefghknprsStuvwxzLOGN".indexOf(op.charAt(1)) >= 0;
  }

  private static boolean isBinary(String op) {
    return Set.of("=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef", "=~").contains(op);
  }

  private boolean unaryTest(String op, String arg, int line) {
    if (op.equals("-z")) {
      return arg.isEmpty();
    }
    if (op.equals("-n")) {
      return !arg.isEmpty();
    }
    if (op.equals("-v")) { // a variable that is set, or an element: -v m[key]
      java.util.regex.Matcher element = java.util.regex.Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\[(.*)\\]").matcher(arg);
      if (element.matches()) {
        ShellState.Var v = state.vars.get(element.group(1));
        return v != null && (v.associative() ? v.byKey.containsKey(element.group(2))
            : v.values.containsKey(expander.arith(element.group(2), line)));
      }
      ShellState.Var v = state.vars.get(arg);
      return v != null && (v.associative() ? !v.byKey.isEmpty() : v.values.containsKey(0L));
    }
    if (op.equals("-t")) {
      return false;
    }
    String path = PlannedFiles.resolve(state.cwd, arg);
    if (arg.isEmpty()) {
      return false;
    }
    state.files.consulted(path);
    return switch (op) {
      case "-e", "-a" -> state.files.exists(path);
      case "-f" -> state.files.isFile(path);
      case "-d" -> state.files.isDirectory(path);
      case "-s" -> {
        Boolean nonEmpty = state.files.nonEmpty(path);
        if (nonEmpty == null) {
          throw new Refusal.ReadsPlanned(line, "'[ -s " + arg + " ]' asks whether " + arg + " is empty, and an"
              + " earlier line of the script writes it, which swamp knows only once that has run; it waits for"
              + " that, but not in a subshell or function that may exit on a job's status, nor in a loop's"
              + " condition or a substitution, as here: test what wrote it instead ('if grep ... > f')");
        }
        yield nonEmpty;
      }
      case "-r" -> state.files.exists(path) && (state.files.touched(path) || Files.isReadable(Path.of(path)));
      case "-w" -> state.files.exists(path) && (state.files.touched(path) || Files.isWritable(Path.of(path)));
      case "-x" -> state.files.exists(path) && !state.files.touched(path) && Files.isExecutable(Path.of(path));
      case "-L", "-h" -> state.files.isSymbolicLink(path);
      default -> throw Refusal.at(line, "test " + op + " is not supported");
    };
  }

  /**
   * {@code [ in.nc -nt out.nc ]} (newer, or the only one there), {@code -ot}, {@code -ef} (the
   * same file). Files no earlier line of the script writes are compared as they are; one that an
   * earlier line writes is newer than one no line writes (it is written after the script
   * started, as the plan counts on); two such are refused, as is {@code -ef} of one.
   */
  private boolean compareFiles(String left, String op, String right, int line) {
    String a = PlannedFiles.resolve(state.cwd, left);
    String b = PlannedFiles.resolve(state.cwd, right);
    boolean ta = state.files.touched(a);
    boolean tb = state.files.touched(b);
    if (ta && tb || (ta || tb) && op.equals("-ef")) {
      throw Refusal.at(line, "'[ " + left + " " + op + " " + right + " ]' compares files' times, and earlier"
          + " lines of the script write " + (ta && tb ? "both" : ta ? left : right) + ": which is newer is known only"
          + " once they have run. Test -f instead, or split the script in two at that point");
    }
    state.files.consulted(ta ? a : b);
    boolean ea = state.files.exists(a);
    boolean eb = state.files.exists(b);
    try {
      int newer = ta ? 1 : tb ? -1 : Files.getLastModifiedTime(Path.of(a)).compareTo(Files.getLastModifiedTime(Path.of(b)));
      return switch (op) {
        case "-nt" -> ea && (!eb || newer > 0);
        case "-ot" -> eb && (!ea || newer < 0);
        default -> ea && eb && Files.isSameFile(Path.of(a), Path.of(b));
      };
    } catch (java.io.IOException e) { // one is not there: as above, without its time
      return op.equals("-nt") ? ea && !eb : op.equals("-ot") && eb && !ea;
    }
  }

  private boolean binaryTest(String left, String op, String right, int line) {
    switch (op) {
      case "=", "==" -> {
        return left.equals(right);
      }
      case "!=" -> {
        return !left.equals(right);
      }
      case "<" -> {
        return left.compareTo(right) < 0;
      }
      case ">" -> {
        return left.compareTo(right) > 0;
      }
      case "=~" -> {
        try {
          Matcher m = expander.patterns.caseless(Pattern.compile(PosixRegex.toJava(right))).matcher(left);
          boolean found = m.find();
          ShellState.Var rematch = new ShellState.Var();
          rematch.array = true;
          if (found) {
            for (int g = 0; g <= m.groupCount(); g++) {
              rematch.values.put((long) g, Objects.requireNonNullElse(m.group(g), ""));
            }
          }
          state.vars.put("BASH_REMATCH", rematch);
          return found;
        } catch (PatternSyntaxException e) {
          throw Refusal.at(line, "invalid regular expression '" + right + "'");
        }
      }
      case "-nt", "-ot", "-ef" -> {
        return compareFiles(left, op, right, line);
      }
      default -> {
        long l = integer(left, line);
        long r = integer(right, line);
        return switch (op) {
          case "-eq" -> l == r;
          case "-ne" -> l != r;
          case "-lt" -> l < r;
          case "-le" -> l <= r;
          case "-gt" -> l > r;
          default -> l >= r;
        };
      }
    }
  }

  private long integer(String s, int line) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw new NoTest(s + ": integer expression expected"); // only test's: [[ ]] reads arithmetic
    }
  }
}
