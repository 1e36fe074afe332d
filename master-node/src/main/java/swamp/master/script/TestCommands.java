package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The shell's tests as the walk meets them: {@code [[ ... ]]}, and {@code [} or {@code test} of a
 * file that an earlier job writes, which that job decides once it has run ({@link
 * JobDecisions#fileTestOnJob}) rather than the walk now; a test of a job's status by {@link
 * JobDecisions#statusTest}; any other now, by {@link Conditions}.
 */
final class TestCommands {

  /** A unary test of a file in {@code [[ ]]}. */
  private static final Pattern FILE_TEST = Pattern.compile("-[a-zA-Z]");

  private final ShellState state;
  private final Expander expander;
  private final Conditions conditions;
  private final JobDecisions decisions;
  private final Walk walk;
  private final Xtrace xtrace;
  /**
   * Whether a test of a file an earlier job writes is decided by that job ({@link
   * JobDecisions#fileTestOnJob}), and whether one was: see {@link Script#plan}.
   */
  private final boolean fileTestsOnJobs;
  private boolean fileTestOnJob;

  TestCommands(ShellState state, Expander expander, Conditions conditions, JobDecisions decisions, Walk walk,
      Xtrace xtrace, boolean fileTestsOnJobs) {
    this.state = state;
    this.expander = expander;
    this.conditions = conditions;
    this.decisions = decisions;
    this.walk = walk;
    this.xtrace = xtrace;
    this.fileTestsOnJobs = fileTestsOnJobs;
  }

  /** Whether a test of a file was decided by the job that writes it ({@link JobDecisions#fileTestOnJob}). */
  boolean decidedFileTestsByJobs() {
    return fileTestOnJob;
  }

  /**
   * A test of a file ({@code [ -f out.nc ]}, {@code test ! -s out.nc}, {@code [[ -f out.nc ]]}
   * as {@code test -f out.nc}) that the job writing the file decides, once it has run ({@link
   * JobDecisions#fileTestOnJob}); null where it is not one.
   */
  Status fileTestOnJob(List<String> argv, int line) {
    if (!fileTestsOnJobs || walk.captured() != null || state.loopCondition) {
      return null;
    }
    Status onJob = decisions.fileTestOnJob(argv, line);
    fileTestOnJob |= onJob != null;
    return onJob;
  }

  /**
   * {@code [[ ... ]]}: a test of a file a job writes ({@code [[ -f out.nc ]]}) as {@code test -f
   * out.nc} is, decided by that job; a test of a job's status ({@code [[ $rc -ne 0 ]]}) by {@link
   * JobDecisions#statusTest}; any other now, by {@link Conditions}.
   */
  Status conditional(Ast.Conditional c) {
    List<String> raw = c.words().stream().map(Ast.Word::raw).toList();
    String path = raw.isEmpty() ? "" : raw.get(raw.size() - 1);
    if ((raw.size() == 2 && FILE_TEST.matcher(raw.get(0)).matches()
        || raw.size() == 3 && raw.get(0).equals("!") && FILE_TEST.matcher(raw.get(1)).matches())
        && !path.contains("$(") && !path.contains("`")) { // expanded once more below where it is not one
      // no splitting in [[ ]]: the path is one word, as quoted
      List<String> test = new ArrayList<>(raw.subList(0, raw.size() - 1));
      test.add(0, "test");
      test.add(expander.expandString(path, c.line()));
      Status onJob = fileTestOnJob(test, c.line());
      if (onJob != null) {
        traceConditional(String.join(" ", test.subList(1, test.size())), c.line());
        return onJob;
      }
    }
    if (c.words().size() == 3) { // '[[ $rc -ne 0 ]]'
      List<String> operands = List.of(expander.expandString(c.words().get(0).raw(), c.line()), c.words().get(1).raw(),
          expander.expandString(c.words().get(2).raw(), c.line()));
      if (operands.stream().anyMatch(Marks::holdsStatus)) {
        traceConditional(String.join(" ", operands), c.line()); // the status filled in by the run
        return decisions.statusTest(operands, c.line());
      }
    }
    List<String> traced = new ArrayList<>();
    boolean holds = conditions.conditional(c.words(), c.line(), xtrace.on() ? traced::add : null);
    if (!traced.isEmpty()) {
      xtrace.conditional(traced, c.line());
    }
    return Status.of(holds ? 0 : 1);
  }

  private void traceConditional(String primary, int line) {
    if (xtrace.on()) {
      xtrace.conditional(List.of(primary), line);
    }
  }
}
