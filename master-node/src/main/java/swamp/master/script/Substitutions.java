package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import swamp.master.script.Ast.Node;

/**
 * Command substitutions, {@code $(...)} and backquotes. As a rule one runs while planning, what
 * it prints taking its place ({@link Captures#printed}); {@code $(< file)} is bash's {@code $(cat
 * file)}. In the words of {@code echo}, {@code printf} or a function, one that reads what an
 * earlier job writes ({@code echo "mean: $(ncks -H -v T out.nc)"}) cannot run then: it is planned
 * as jobs of its own, and the run fills what they printed into the words ({@link Marks#outputMark}).
 * Not in a program's words (the {@link Planner} refuses the mark there too, come through a
 * function's parameters): what it prints might name files, which the plan must know to order the
 * program after what writes them. There, and in an assignment, a test or a loop's list ({@code
 * mean=$(ncks -H -v T avg.nc)}), the walk waits for those jobs to run ({@link Planning}) where it
 * can ({@link Waits#canWait}), and goes on with what they printed.
 */
final class Substitutions {

  private final ShellState state;
  private final PlannedJobs jobs;
  private final Map<String, Ast.FunctionDef> functions;
  private final Walk walk;
  private final Captures captures;
  private final SubstitutionReplay replay;
  /** The steps planned for substitutions that run as jobs. */
  private final Set<Integer> steps = new TreeSet<>();

  Substitutions(ShellState state, PlannedJobs jobs, Map<String, Ast.FunctionDef> functions,
      SubstitutionReplay replay, Captures captures, Walk walk) {
    this.state = state;
    this.captures = captures;
    this.replay = replay;
    this.jobs = jobs;
    this.functions = functions;
    this.walk = walk;
  }

  /**
   * What {@code $(text)} gives on line {@code line}; {@code quoted}: inside double quotes. One
   * that ran while planning in an earlier walk of the script gives what it gave then ({@link
   * SubstitutionReplay}).
   */
  String run(String text, int line, boolean quoted) {
    SubstitutionReplay.Entry entry = replay.next(text, line);
    if (entry.value() != null) { // bash runs it once: 'tmp=$(mktemp -d)' makes one directory
      state.lastSubstitution = entry.status();
      state.last = entry.status();
      state.substitutionErrors.append(entry.errors()); // and its errors are printed in this walk's plan too
      return entry.value();
    }
    int planned = jobs.size();
    int errors = state.substitutionErrors.length();
    boolean[] here = {false};
    String value = runNow(text, line, quoted, here);
    entry.ran(here[0] && jobs.size() == planned ? value : null, state.last,
        state.substitutionErrors.substring(Math.min(errors, state.substitutionErrors.length())));
    return value;
  }

  private String runNow(String text, int line, boolean quoted, boolean[] here) {
    boolean wordsOfJob = state.printingWords && walk.captured() == null;
    int errors = state.substitutionErrors.length();
    Node program;
    try {
      program = ShellParser.parse(text, line);
      if (onlyReads(program)) { // '$(< years.txt)': bash's $(cat years.txt)
        program = ShellParser.parse("cat " + text, line);
      }
    } catch (ScriptException e) {
      throw new Refusal(new ScriptException(e.line(), "in a command substitution: " + e.problem()));
    }
    try {
      if (readsProcesses(program) && onlyPrograms(program)) {
        // 'v=$(paste <(ncks ... a.nc) <(ncks ... b.nc) | sort)': the files bash names are written by jobs
        throw new Refusal.ReadsPlanned(line, "'<(...)' in a command substitution reads what a job writes"
            + " to a file of its own");
      }
      String value = value(captures.printed(program));
      here[0] = true;
      return value;
    } catch (Refusal.ReadsPlanned r) {
      // what its builtins printed on standard error before it stopped ('echo "working on $1" >&2'
      // in a function): its jobs print it again
      state.substitutionErrors.setLength(Math.min(errors, state.substitutionErrors.length()));
      if (!onlyPrograms(program)) {
        throw r;
      }
      if (wordsOfJob) {
        return asJobs(program, quoted);
      }
      if (!walk.waits().canWait()) {
        throw r;
      }
      walk.waits().awaitGuards(line, r.cause.problem()); // 'cmd && v=$(...)': once cmd has run, if bash got here
      return awaited(program, line, r);
    }
  }

  /**
   * Plans {@code program} as jobs and waits for what they print ({@link Waits#await}): {@code
   * mean=$(ncks -H -v T avg.nc)} after the line that writes avg.nc. What they printed, its last
   * newlines dropped, takes the substitution's place, and their status becomes {@code $?}, as
   * bash's.
   */
  private String awaited(Node program, int line, Refusal cannot) {
    Planning.Printed printed = ran(program, line, cannot);
    Status ran = Status.of(printed.status()); // $? is the substitution's
    state.lastSubstitution = ran;
    state.last = ran;
    return value(printed.text());
  }

  /** What {@code $(...)} gives of what its commands printed: the last newlines dropped. */
  static String value(String printed) {
    int end = printed.length();
    while (end > 0 && printed.charAt(end - 1) == '\n') {
      end--;
    }
    return printed.substring(0, end);
  }

  /**
   * What the commands of {@code program} print, the input of a loop or of {@code xargs} they pipe
   * into, where they read what jobs planned before write ({@code find out -name '*.nc' | xargs
   * ...}, {@code ls -t out | while read f}): planned as jobs, whose output the run does not
   * print, and waited for where the walk can wait; else {@code cannot} stands.
   */
  Planning.Printed printedBy(Node program, int line, Refusal.ReadsPlanned cannot) {
    if (!onlyPrograms(program) || !walk.waits().canWait()) {
      throw cannot;
    }
    walk.waits().awaitGuards(line, cannot.cause.problem());
    return ran(program, line, cannot);
  }

  /** Plans {@code program} as jobs whose output the run does not print, and waits for them. */
  private Planning.Printed ran(Node program, int line, Refusal cannot) {
    boolean programWords = state.programWords;
    boolean printingWords = state.printingWords;
    Jobs made = planned(program, () -> {
      state.programWords = programWords;
      state.printingWords = printingWords;
    });
    List<Integer> planned = made.steps();
    if (planned.isEmpty() && made.status().known()) { // 'msg=$(check f.nc)': the values it tested decided it all
      return new Planning.Printed("", List.of(made.status().code()));
    }
    steps.addAll(planned);
    Planning.Printed printed = planned.isEmpty() ? new Planning.Printed("", List.of(0))
        : walk.waits().await(planned, line, cannot.cause.problem());
    // its status: what its commands gave, '$(check f.nc)' where check ends in 'return 1' too
    Status s = made.status();
    int code = s.known() ? s.code() : planned.contains(s.step()) ? printed.statuses().get(planned.indexOf(s.step()))
        : walk.waits().await(List.of(s.step()), line, cannot.cause.problem()).status();
    return new Planning.Printed(printed.text(), List.of(code));
  }

  /** The steps that are command substitutions run as jobs, whose output the run does not print. */
  Set<Integer> steps() {
    return steps;
  }

  /**
   * Plans {@code program} as jobs, under the guards of the command whose words it is in, in a
   * subshell (what it sets does not stay), and without set -e stopping on it (its status is not
   * the command's); the mark of what they print.
   */
  private String asJobs(Node program, boolean quoted) {
    List<Integer> planned = planned(program, () -> {
      state.programWords = true; // the words of the echo, printf or function it is in go on
      state.printingWords = true;
    }).steps();
    if (planned.isEmpty()) {
      return ""; // a function whose tests, decided while planning, left it nothing to print
    }
    steps.addAll(planned);
    return Marks.outputMark(planned, quoted);
  }

  /**
   * Plans {@code program} as the jobs of a command substitution, in a subshell and without set
   * -e stopping on it; {@code after} sets the words' state again.
   */
  private Jobs planned(Node program, Runnable after) {
    Status status;
    int first = jobs.size();
    ShellState.Saved saved = state.save();
    state.outputs = state.outputs.inSubstitution();
    state.xtrace = false; // not traced inside $(...), as where it runs while planning (Xtrace#on)
    jobs.enterSubshell(false); // its 'cmd || exit 1' ends only the substitution
    try {
      status = walk.inCondition(program);
    } catch (Jump j) {
      if (!j.is(Jump.Kind.EXIT)) {
        throw j;
      }
      status = j.status();
    } finally {
      jobs.leaveScope();
      state.restore(saved);
      after.run();
    }
    List<Integer> planned = new ArrayList<>();
    for (int step = first; step < jobs.size(); step++) {
      if (!steps.contains(step)) { // '$(echo $(ncks ...))': the inner one's output is in the echo's words
        planned.add(step);
      }
    }
    return new Jobs(planned, status);
  }

  /** The steps whose output is a substitution's, and its status: a known one, or a step's. */
  private record Jobs(List<Integer> steps, Status status) {}

  private static final java.util.regex.Pattern NAME_PART = java.util.regex.Pattern.compile(
      "\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)\\}|([A-Za-z_][A-Za-z0-9_]*))");

  /** A command's name with its variables' values ({@code chk_$c}: {@code chk_range}); as written where it has more. */
  private String plainName(String raw) {
    java.util.regex.Matcher m = NAME_PART.matcher(raw);
    StringBuilder name = new StringBuilder();
    while (m.find()) {
      String value = state.scalar(m.group(1) != null ? m.group(1) : m.group(2));
      m.appendReplacement(name, java.util.regex.Matcher.quoteReplacement(value == null ? "" : value));
    }
    m.appendTail(name);
    return name.toString();
  }

  /** Whether {@code program} is one redirection of standard input and nothing else: {@code < file}. */
  private static boolean onlyReads(Node program) {
    Node only = program instanceof Ast.Sequence seq && seq.items().size() == 1 ? seq.items().get(0) : program;
    return only instanceof Ast.Simple simple && simple.words().isEmpty() && simple.redirects().size() == 1
        && simple.redirects().get(0).op().equals("<") && simple.redirects().get(0).fd() <= 0;
  }

  /** Whether a command of {@code node} has a process substitution as a word ({@link Redirecting#withProcessFiles}). */
  private static boolean readsProcesses(Node node) {
    if (node instanceof Ast.Sequence seq) {
      return seq.items().stream().anyMatch(Substitutions::readsProcesses);
    }
    if (node instanceof Ast.AndOr list) {
      return readsProcesses(list.first()) || list.rest().stream().anyMatch(Substitutions::readsProcesses);
    }
    if (node instanceof Ast.Pipeline p) {
      return p.stages().stream().anyMatch(Substitutions::readsProcesses);
    }
    return node instanceof Ast.Simple c && Redirecting.readsProcesses(c);
  }

  /**
   * Whether {@code node} is commands and pipelines of programs (and {@code echo}, {@code printf})
   * that print to their standard output, or calls of the script's functions ({@code r=$(rmse
   * bias.nc)}, whose commands the walk plans as it plans any call's), in a list with {@code ;},
   * {@code &&}, {@code ||}: no other builtin, assignment or output redirection.
   */
  private boolean onlyPrograms(Node node) {
    if (node instanceof Ast.Sequence seq) {
      return seq.items().stream().allMatch(this::onlyPrograms);
    }
    if (node instanceof Ast.AndOr list) {
      return onlyPrograms(list.first()) && list.rest().stream().allMatch(this::onlyPrograms);
    }
    if (node instanceof Ast.Pipeline p) {
      return !p.negated() && p.stages().stream().allMatch(this::onlyPrograms);
    }
    if (node instanceof Ast.Group g) { // 'res=$( { ncra ... && echo ok; } 2>&1 )'
      return onlyPrograms(g.body());
    }
    if (node instanceof Ast.WriteTo w && w.body() instanceof Ast.Group) {
      return w.outputs().stream().allMatch(Substitutions::toErrors) && onlyPrograms(w.body());
    }
    if (!(node instanceof Ast.Simple c) || c.words().isEmpty()) {
      return false;
    }
    String name = plainName(c.words().get(0).raw());
    if (functions.containsKey(name)) {
      return true;
    }
    boolean prints = name.equals("echo")
        || name.equals("printf") && !(c.words().size() > 1 && c.words().get(1).raw().equals("-v"));
    if (!name.matches("[A-Za-z0-9_./+-]+") || CommandLookup.isBuiltin(name) && !prints) {
      return false;
    }
    for (Ast.Redirect r : c.redirects()) {
      if (!toErrors(r) && !r.op().equals("<")) {
        return false;
      }
    }
    return true;
  }

  /** {@code 2> err.log}, {@code 2>> err.log}, {@code 2>&1}. */
  private static boolean toErrors(Ast.Redirect r) {
    return r.fd() == 2 && (r.op().equals(">") || r.op().equals(">>") || r.op().equals(">&"));
  }
}
