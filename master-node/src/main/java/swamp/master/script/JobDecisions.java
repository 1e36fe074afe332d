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

  private final PlannedJobs jobs;
  private final Walk walk;

  JobDecisions(PlannedJobs jobs, Walk walk) {
    this.jobs = jobs;
    this.walk = walk;
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
    if (c.known()) {
      return (c.code() == 0) != negated ? walk.exec(i.bodies().get(k)) : ifFrom(i, k + 1);
    }
    Guard taken = new Guard(c.step(), !negated);
    Status then = underGuard(taken, () -> walk.exec(i.bodies().get(k)));
    Status otherwise = underGuard(new Guard(c.step(), negated), () -> ifFrom(i, k + 1));
    if (then.equals(otherwise)) {
      return then;
    }
    return jobs.join(new Plan.Join(taken, then.step(), then.code(), otherwise.step(), otherwise.code()),
        i.line(), walk.guards());
  }

  private Status underGuard(Guard g, Supplier<Status> branch) {
    walk.guards().push(g);
    try {
      return branch.get();
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
    if (!Plan.holdsStatus(value)) {
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

  /**
   * {@code [ $? -ne 0 ]}, {@code [ "$rc" -eq 0 ]}, {@code [[ $rc != 0 ]]}: a test of a job's
   * status against 0, known once the job has run. Its status is a {@link Plan.Join}'s: 0 where
   * the test holds, 1 where not, as {@code test}'s. Any other test of a job's status is refused.
   */
  Status statusTest(List<String> a, int line) {
    boolean negated = a.size() == 4 && a.get(0).equals("!");
    List<String> t = negated ? a.subList(1, 4) : a;
    if (t.size() == 3) {
      boolean left = Plan.statusStep(t.get(0)) >= 0;
      int step = Plan.statusStep(t.get(left ? 0 : 2));
      String other = t.get(left ? 2 : 0).trim();
      Boolean onSuccess = step < 0 ? null : switch (t.get(1)) { // whether the test holds where the job succeeded
        case "-eq", "=", "==" -> other.matches("0+") ? Boolean.TRUE : null;
        case "-ne", "!=" -> other.matches("0+") ? Boolean.FALSE : null;
        case "-gt", "-lt" -> other.matches("0+") && t.get(1).equals(left ? "-gt" : "-lt") ? Boolean.FALSE : null;
        case "-le", "-ge" -> other.matches("0+") && t.get(1).equals(left ? "-le" : "-ge") ? Boolean.TRUE : null;
        default -> null;
      };
      if (onSuccess != null) {
        Guard holds = new Guard(step, onSuccess != negated);
        return jobs.join(new Plan.Join(holds, -1, 0, -1, 1), line, walk.guards());
      }
    }
    throw Refusal.jobStatus(line, "this test (a test of it against 0 is not)");
  }
}
