package swamp.master.script;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import swamp.master.script.Ast.Node;
import swamp.master.script.Plan.Guard;

/**
 * What a job's status decides once the job has run: {@code if} on a job, and a test of its
 * status against 0 ({@code [ $? -ne 0 ]}, {@code [ "$rc" -eq 0 ]}). The {@link Planner}'s walk
 * plans what depends on it under {@link Guard}s, and the status of the {@code if} or the test as
 * a {@link Plan.Join}, which the run gives once it knows.
 */
final class JobDecisions {

  /** Builtins that may take a job's status: they keep it, print it, exit with it or test it. */
  private static final Set<String> TAKE_A_STATUS = Set.of("exit", "return", "[", "test",
      "local", "declare", "typeset", "export", "readonly", "echo", "printf", ":", "true", "eval", "unset");

  private final ShellState state;
  private final Expander expander;
  private final PlannedJobs jobs;
  private final Walk walk;

  JobDecisions(ShellState state, Expander expander, PlannedJobs jobs, Walk walk) {
    this.state = state;
    this.expander = expander;
    this.jobs = jobs;
    this.walk = walk;
  }

  /**
   * {@code cmd || failed=1}, {@code cmd || rc=$?}: an assignment that happens by a job's status.
   * The variable holds a number (or a job's status) either way, and from here it holds a {@link
   * Plan.Join}'s: the new value where the guards hold, else the one before, known once the jobs
   * have run; what it can be used for is what a job's status can ({@link Refusal#jobStatus}).
   * Anything else (no number before or after, an array, {@code +=}) is refused.
   */
  void assignOnStatus(Ast.Word assignment, int line) {
    java.util.regex.Matcher m = Variables.ASSIGNMENT.matcher(assignment.raw());
    m.matches();
    String name = m.group(1);
    if (m.group(2) != null || !m.group(4).isEmpty()) {
      throw Refusal.at(line, "'" + assignment.raw() + "' after a command that runs as a job: an array element or '+='"
          + " that happens by a job's status cannot be planned; set a plain variable to a number ('failed=1')");
    }
    java.util.regex.Matcher sum = SUM.matcher(m.group(5)); // 'n=$((n + 1))'
    Status now = sum.matches() ? plus(counted(sum.group(1)), Integer.parseInt(sum.group(2)))
        : number(expander.expandString(m.group(5), line));
    String was = state.scalar(name);
    // unset or empty before: 'cmd || { rc=$?; echo "failed: $rc"; exit $rc; }'
    setOnStatus(name, now, was == null || was.isEmpty() ? new Status(Plan.Join.EMPTY, -1) : number(was), assignment.raw(), line);
  }

  /**
   * Whether {@code assignment} adds a number to a variable that holds a job's status or a
   * number it set ({@code made=$((made + 1))} after {@code if ...; then made=$((made + 1)); fi}
   * on a job): planned as {@link #assignOnStatus} is, where no guard holds it too.
   */
  boolean sumsAStatus(Ast.Word assignment) {
    java.util.regex.Matcher m = Variables.ASSIGNMENT.matcher(assignment.raw());
    if (!m.matches() || m.group(2) != null || !m.group(4).isEmpty()) {
      return false;
    }
    java.util.regex.Matcher sum = SUM.matcher(m.group(5));
    return sum.matches() && holdsAStatus(sum.group(1));
  }

  /** Whether {@code (( expression ))} is a count ({@link #countOnStatus}) of a variable that holds a job's status. */
  boolean countsAStatus(String expression) {
    java.util.regex.Matcher m = COUNT.matcher(expression);
    return m.matches() && holdsAStatus(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
  }

  private boolean holdsAStatus(String name) {
    String value = state.scalar(name);
    return value != null && Marks.statusStep(value) >= 0;
  }

  /** {@code $((NAME + K))}, {@code $(( NAME+K ))}. */
  private static final java.util.regex.Pattern SUM = java.util.regex.Pattern.compile(
      "\\$\\(\\(\\s*\\$?([A-Za-z_][A-Za-z0-9_]*)\\s*\\+\\s*([0-9]{1,3})\\s*\\)\\)");
  /** {@code n++}, {@code ++n}, {@code n += K}, {@code n = K}, {@code n = n + K} in {@code (( ))}. */
  private static final java.util.regex.Pattern COUNT = java.util.regex.Pattern.compile(
      "\\s*(?:([A-Za-z_][A-Za-z0-9_]*)\\s*\\+\\+|\\+\\+\\s*([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*)\\s*(\\+?=)\\s*"
      + "(?:([0-9]{1,3})|\\3\\s*\\+\\s*([0-9]{1,3})))\\s*");

  /**
   * {@code cmd || (( n++ ))}: arithmetic that sets a number by a job's status, as {@link
   * #assignOnStatus} does (a count, {@code n += K}, {@code n = K}); its own status, as bash's, is
   * 1 where the value it gives is 0 ({@code n++} of 0). Any other arithmetic that sets a variable
   * after a job's {@code &&}/{@code ||} is refused; null where it sets none.
   */
  Status countOnStatus(String expression, int line) {
    java.util.regex.Matcher m = COUNT.matcher(expression);
    if (!m.matches()) {
      if (expression.matches("(?s).*([-+*/%&|^]?=(?!=)|\\+\\+|--).*") && !expression.matches("(?s).*[!<>=]=.*")) {
        throw Refusal.at(line, "'(( " + expression.trim() + " ))' after a command that runs as a job sets a variable"
            + " by the job's status; only a count is planned ('(( n++ ))', '(( n += 2 ))', 'n=$((n + 1))')");
      }
      return null;
    }
    String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
    Status before = counted(name);
    Status now = m.group(5) != null ? (m.group(4).equals("=") ? number(m.group(5)) : plus(before, Integer.parseInt(m.group(5))))
        : plus(before, m.group(6) != null ? Integer.parseInt(m.group(6)) : 1);
    setOnStatus(name, now, before, "(( " + expression.trim() + " ))", line);
    Status result = m.group(1) != null ? before : number(state.scalar(name)); // n++ gives the value before
    return result.known() ? Status.of(result.code() != 0 ? 0 : 1) : statusTest(List.of(Marks.statusMark(result.step()), "-ne", "0"), line);
  }

  /** The value of {@code name} in arithmetic: unset or empty is 0, as in bash. */
  private Status counted(String name) {
    String value = state.scalar(name);
    return value == null || value.isEmpty() ? Status.OK : number(value);
  }

  private static Status plus(Status value, int k) {
    return value == null ? null : new Status(value.code() + k, value.step());
  }

  /** {@code name} holds {@code now} where the guards hold, else {@code before}: see {@link #assignOnStatus}. */
  private void setOnStatus(String name, Status now, Status before, String written, int line) {
    if (now == null || before == null) {
      throw Refusal.at(line, "'" + written + "' after a command that runs as a job ('cmd || failed=1', 'if cmd;"
          + " then ok=1; fi') is planned only where " + name + " is a number (or $?) both before and after it, known"
          + " once the job has run: set it first ('" + name + "=0'), to a number");
    }
    List<Plan.Guard> when = List.copyOf(walk.guards());
    Status value = jobs.join(new Plan.Join(when, now.step(), now.code(), before.step(), before.code(), null, 0), line, List.of());
    state.assign(name, Marks.statusMark(value.step()), line);
  }

  /** A number 0-255 as bash gives it, or a job's status; null for anything else. */
  private static Status number(String value) {
    if (value == null) {
      return null;
    }
    int step = Marks.statusStep(value);
    return step >= 0 ? new Status(0, step) : value.matches("0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5]")
        ? new Status(Integer.parseInt(value), -1) : null;
  }

  Status ifCommand(Ast.If i) {
    return ifFrom(i, 0);
  }

  /**
   * The {@code if} from its {@code k}th condition on ({@code elif}s are the later ones). A
   * condition that runs as a job decides by its status once it has run: each branch is planned
   * under a {@link Guard} on it, the status of the whole known from the branch taken ({@link
   * Plan.Join}). {@code ! cmd} swaps the branches' guards.
   */
  private Status ifFrom(Ast.If i, int k) {
    if (k == i.conditions().size()) {
      return i.otherwise() != null ? walk.exec(i.otherwise()) : Status.OK;
    }
    Node cond = i.conditions().get(k);
    boolean negated = cond instanceof Ast.Pipeline p && p.negated();
    Status c = walk.inCondition(negated ? new Ast.Pipeline(((Ast.Pipeline) cond).stages(), false, cond.line()) : cond);
    // $? in a branch: the condition's, 0 where it held; 'if ! cmd' fails where cmd succeeded
    Status failed = negated ? Status.FAIL : c;
    return branches(c, negated, () -> {
      state.last = Status.OK;
      return walk.exec(i.bodies().get(k));
    }, () -> {
      state.last = failed;
      return ifFrom(i, k + 1);
    }, i.line());
  }

  /**
   * {@code then} where the condition's status {@code c} is 0, {@code otherwise} where not (the
   * other way round where {@code negated}); on a job's, each planned under a {@link Guard} on it,
   * the status of the whole known from the branch taken ({@link Plan.Join}).
   */
  private Status branches(Status c, boolean negated, Supplier<Status> then, Supplier<Status> otherwise, int line) {
    if (c.known()) {
      return (c.code() == 0) != negated ? then.get() : otherwise.get();
    }
    Guard taken = new Guard(c.step(), !negated);
    Status t = underGuard(taken, then);
    Status o = underGuard(new Guard(c.step(), negated), otherwise);
    if (t == null || o == null || t.equals(o)) { // waited for: the branch bash took
      return t == null ? o : t;
    }
    return jobs.join(Plan.Join.ofIf(taken, t, o), line, walk.guards());
  }

  /**
   * {@code a && b || c}: where {@code a}'s status is a job's, {@code b} is planned under a {@link
   * Guard} on it; the list's status is known once the jobs have run.
   */
  Status andOr(Ast.AndOr a) {
    Status s = walk.inCondition(a.first());
    boolean guarded = false;
    for (int k = 0; k < a.ops().size(); k++) {
      boolean and = a.ops().get(k).equals("&&");
      Node next = a.rest().get(k);
      boolean lastOne = k == a.ops().size() - 1;
      if (s.known()) {
        if (and == (s.code() == 0)) {
          s = lastOne ? walk.exec(next) : walk.inCondition(next);
        }
        continue;
      }
      // 'a && b && c': c runs if b succeeded, which implies a did. 'a && b || c': c runs if b
      // failed or did not run (a failed), the status of 'a && b' being not 0 either way
      boolean mixed = guarded && !a.ops().get(k - 1).equals(a.ops().get(k));
      Status t = underGuard(new Guard(s.step(), and, mixed),
          () -> lastOne ? walk.exec(next) : walk.inCondition(next));
      if (t == null) {
        // waited for, cmd went the other way: bash never ran this, and the list's status is cmd's
      } else if (!t.known()) {
        s = t;
      } else if (!and && t.code() == 0) {
        s = Status.OK; // 'cmd || true': 0 whether cmd fails or not
      } else {
        s = new Status(0, s.step());
      }
      guarded = true;
    }
    return s;
  }

  /**
   * The branch whose pattern matches first; {@code ;&} runs on into the next branch's body and
   * {@code ;;&} goes on testing the next branches. 0 when no pattern matches. A job's status
   * ({@code case $rc in 0) ...;; 3) ...;; *) ...;; esac}) is tested as {@code if}s of its numbers.
   */
  Status caseCommand(Ast.Case c) {
    String subject = expander.expandString(c.subject().raw(), c.line());
    if (Marks.holdsStatus(subject)) {
      return caseOnStatus(c, subject, 0, 0);
    }
    Status s = Status.OK;
    boolean fallThrough = false;
    for (Ast.CaseBranch b : c.branches()) {
      if (!fallThrough && b.patterns().stream()
          .noneMatch(p -> expander.patterns.matching(p.raw(), p.line()).matcher(subject).matches())) {
        continue;
      }
      s = walk.exec(b.body());
      fallThrough = b.end().equals(";&");
      if (b.end().equals(";;")) {
        break;
      }
    }
    return s;
  }

  /**
   * {@code case $rc in} from the {@code p}th pattern of its {@code k}th branch on, as {@code if [
   * $rc -eq N ]; then ...; elif ...}: its patterns numbers or {@code *}, its branches ended by
   * {@code ;;}; any other is refused.
   */
  private Status caseOnStatus(Ast.Case c, String subject, int k, int p) {
    if (k == c.branches().size()) {
      return Status.OK;
    }
    Ast.CaseBranch b = c.branches().get(k);
    if (p == b.patterns().size()) {
      return caseOnStatus(c, subject, k + 1, 0);
    }
    String pattern = expander.expandString(b.patterns().get(p).raw(), c.line());
    boolean last = k == c.branches().size() - 1;
    if (Marks.statusStep(subject) < 0 || !pattern.matches("\\*|0|[1-9][0-9]{0,2}") || !last && !b.end().equals(";;")) {
      throw Refusal.jobStatus(c.line(), "this 'case' (one on it alone, its patterns numbers or *, each branch ended"
          + " by ;;, is decided once it has run)");
    }
    if (pattern.equals("*")) {
      return walk.exec(b.body());
    }
    Status matches = statusTest(List.of(subject, "-eq", pattern), c.line());
    return branches(matches, false, () -> walk.exec(b.body()), () -> caseOnStatus(c, subject, k, p + 1), c.line());
  }

  /** Walks {@code branch} under {@code g}; null where, waited for, {@code g} did not hold: bash never took it. */
  private Status underGuard(Guard g, Supplier<Status> branch) {
    walk.guards().push(g);
    try {
      return branch.get();
    } catch (Refusal.NotTaken notTaken) {
      if (notTaken.guard != g) {
        throw notTaken;
      }
      return null;
    } finally {
      walk.guards().pop();
    }
  }

  /**
   * A builtin whose words hold a job's status: {@code [} and {@code test} test it ({@link
   * #statusTest}); those that keep, print or exit with it are left to run (null); any other is
   * refused.
   */
  Status builtinOnStatus(List<String> argv, int line) {
    String name = argv.get(0);
    if (name.equals("[") || name.equals("test")) {
      return statusTest(argv.subList(1, argv.size() - (name.equals("[") ? 1 : 0)), line);
    }
    boolean formatsNow = name.equals("printf") && argv.size() > 1 && argv.get(1).equals("-v");
    if (CommandLookup.isBuiltin(name) && !TAKE_A_STATUS.contains(name) || formatsNow) {
      throw Refusal.jobStatus(line, "'" + name + (formatsNow ? " -v" : "") + "'");
    }
    return null;
  }

  /**
   * {@code [ -f out.nc ]}, {@code [ ! -e out.nc ]}, {@code test -s out.nc}: whether a file is
   * there that an earlier job writes only if it succeeds (a program's output: NCO writes to a
   * temporary file and renames it at the end), or only where its guards let it run ({@code
   * else echo none > missing.txt}), known once that job has run. Its status is a {@link
   * Plan.Join}'s on those, as bash's test after it would find. Null for any other test, or a file
   * that is there whatever the jobs do (a redirection's that always runs, one there before).
   */
  Status fileTestOnJob(List<String> argv, int line) {
    boolean bracket = argv.get(0).equals("[");
    if (bracket && !argv.get(argv.size() - 1).equals("]")) {
      return null;
    }
    List<String> t = argv.subList(1, argv.size() - (bracket ? 1 : 0));
    boolean negated = t.size() == 3 && t.get(0).equals("!");
    if (negated) {
      t = t.subList(1, 3);
    }
    if (t.size() != 2 || !FILE_TESTS.contains(t.get(0)) || t.get(1).isEmpty()) {
      return null;
    }
    String path = PlannedFiles.resolve(state.cwd, t.get(1));
    Marks.Made made = state.files.madeBy(path);
    if (made == null || state.files.isDirectory(path) || made.whetherItFails() && t.get(0).equals("-s")) {
      return null; // whether a redirection wrote anything is known only once it ran: refused as before
    }
    List<Plan.Guard> when = new java.util.ArrayList<>(jobs.guardsOf(made.step())); // it ran
    if (!made.whetherItFails()) {
      when.add(new Plan.Guard(made.step(), true)); // and succeeded
    }
    if (when.isEmpty()) {
      return null;
    }
    return jobs.join(new Plan.Join(when, -1, negated ? 1 : 0, -1, negated ? 0 : 1, null, 0), line, walk.guards());
  }

  /** The file tests whose answer an NCO output's being there decides. */
  private static final java.util.Set<String> FILE_TESTS = java.util.Set.of("-e", "-a", "-f", "-s", "-r");

  /** {@code (( rc != 0 ))}, {@code (( $? ))}, {@code (( !rc ))}: one operand, a comparison with a number. */
  private static final java.util.regex.Pattern ARITH_TEST = java.util.regex.Pattern.compile(
      "\\s*(!?)\\s*(\\$\\?|\\$\\{\\?}|\\$?\\{?[A-Za-z_][A-Za-z0-9_]*}?)\\s*(?:(==|!=|>=|<=|>|<)\\s*([0-9]+)\\s*)?");

  /**
   * {@code (( EXPRESSION ))} where it tests a job's status against 0 ({@code (( $? != 0 ))},
   * {@code (( rc ))}): as the test's {@link #statusTest}; null where the expression holds no
   * job's status ({@code expand} gives an operand's value: {@code $?}, {@code $rc} or {@code rc}).
   */
  Status arithOnStatus(String expression, int line, java.util.function.UnaryOperator<String> expand) {
    java.util.regex.Matcher m = ARITH_TEST.matcher(expression);
    if (!m.matches()) {
      return null;
    }
    String operand = m.group(2);
    String value = expand.apply(operand.startsWith("$") ? operand : "$" + operand);
    if (!Marks.holdsStatus(value)) {
      return null;
    }
    String op = m.group(3) == null ? "-ne" : switch (m.group(3)) {
      case "==" -> "-eq";
      case "!=" -> "-ne";
      case ">" -> "-gt";
      case "<" -> "-lt";
      case ">=" -> "-ge";
      default -> "-le";
    };
    List<String> test = List.of(value, op, m.group(4) == null ? "0" : m.group(4));
    return statusTest(m.group(1).isEmpty() ? test : java.util.stream.Stream.concat(
        java.util.stream.Stream.of("!"), test.stream()).toList(), line);
  }

  /** {@code ! cmd} where {@code cmd}'s status {@code s} is a job's: 0 where it is not, else 1. */
  Status not(Status s, int line) {
    return jobs.join(Plan.Join.ofTest(s, "-ne", 0), line, walk.guards());
  }

  /**
   * {@code [ $? -ne 0 ]}, {@code [ "$rc" = 1 ]}, {@code [[ 0 -lt $rc ]]}: a comparison of a job's
   * status, or of a variable a job's status sets, with a number, known once the jobs have run.
   * Its status is a {@link Plan.Join}'s: 0 where the comparison holds, 1 where not, as {@code
   * test}'s. Any other test of a job's status is refused.
   */
  Status statusTest(List<String> a, int line) {
    boolean negated = a.size() == 4 && a.get(0).equals("!");
    List<String> t = negated ? a.subList(1, 4) : a;
    if (t.size() == 3) {
      boolean left = Marks.statusStep(t.get(0)) >= 0;
      int step = Marks.statusStep(t.get(left ? 0 : 2));
      String number = t.get(left ? 2 : 0).trim();
      String op = switch (t.get(1)) { // '=' compares text: "1" and "01" differ
        case "=", "==" -> number.matches("0|[1-9][0-9]{0,8}") ? "-eq" : null;
        case "!=" -> number.matches("0|[1-9][0-9]{0,8}") ? "-ne" : null;
        case "-eq", "-ne", "-lt", "-le", "-gt", "-ge" -> number.matches("-?[0-9]{1,9}") ? t.get(1) : null;
        default -> null;
      };
      if (step >= 0 && op != null) {
        op = left ? op : MIRRORED.get(op); // '0 -lt $rc' is '$rc -gt 0'
        return jobs.join(Plan.Join.ofTest(new Status(0, step), negated ? NEGATED.get(op) : op, Integer.parseInt(number)),
            line, walk.guards());
      }
    }
    throw Refusal.jobStatus(line, "this test (a comparison of it with a number is not)");
  }

  private static final java.util.Map<String, String> MIRRORED = java.util.Map.of("-eq", "-eq", "-ne", "-ne",
      "-lt", "-gt", "-gt", "-lt", "-le", "-ge", "-ge", "-le");
  private static final java.util.Map<String, String> NEGATED = java.util.Map.of("-eq", "-ne", "-ne", "-eq",
      "-lt", "-ge", "-ge", "-lt", "-gt", "-le", "-le", "-gt");
}
