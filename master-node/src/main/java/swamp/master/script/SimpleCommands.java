package swamp.master.script;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import swamp.master.script.Ast.Word;

/**
 * The {@link Planner}'s walk of a simple command: its assignments, then what its first word
 * names, in bash's order: a function ({@link Calls}), a builtin ({@link SteeringBuiltins}, which
 * hands the others to {@link ShellBuiltins}), a script it runs ({@link ScriptCalls}), or a
 * program, which runs now inside a command substitution ({@link HereCommands}) and is planned as
 * a job elsewhere. What a job's status decides of it ({@code cmd || failed=1}, {@code [ $? -ne 0
 * ]}) is {@link JobDecisions}'; a test of a file a job writes ({@code [ ! -f out.nc ]}) is
 * {@link TestCommands}'.
 */
final class SimpleCommands {

  /** Builtins that change the shell's state: after a job's '&&' or '||' they cannot be planned. */
  private static final java.util.Set<String> CHANGES_STATE = java.util.Set.of("cd", "pushd", "popd",
      "export", "local", "declare", "typeset", "readonly", "unset", "shift", "set", "let", "read",
      "mapfile", "readarray", "source", ".", "getopts", "shopt", "eval", "trap");

  /** A command substitution in a word ({@code $(...)}, backquotes), not an arithmetic expansion. */
  private static final java.util.regex.Pattern SUBSTITUTION = java.util.regex.Pattern.compile("\\$\\((?!\\()|`");

  private final ShellState state;
  private final Expander expander;
  private final TestCommands tests;
  private final Map<String, Ast.FunctionDef> functions;
  private final Variables variables;
  private final JobDecisions decisions;
  private final Redirecting redirecting;
  private final Calls calls;
  private final PlannedJobs jobs;
  private final SteeringBuiltins steering;
  private final HereCommands here;
  private final Pipelines pipelines;
  private final Parallels parallels;
  private final Walk walk;
  private final Xtrace xtrace;

  SimpleCommands(ShellState state, Expander expander, TestCommands tests, Map<String, Ast.FunctionDef> functions,
      Variables variables, JobDecisions decisions, Redirecting redirecting, Calls calls, PlannedJobs jobs,
      SteeringBuiltins steering, HereCommands here, Pipelines pipelines, Parallels parallels, Walk walk) {
    this.state = state;
    this.expander = expander;
    this.tests = tests;
    this.functions = functions;
    this.variables = variables;
    this.decisions = decisions;
    this.redirecting = redirecting;
    this.calls = calls;
    this.jobs = jobs;
    this.steering = steering;
    this.here = here;
    this.pipelines = pipelines;
    this.parallels = parallels;
    this.walk = walk;
    this.xtrace = new Xtrace(state, expander, walk);
  }

  /**
   * Walks a simple command: assignments, a function, a builtin, a script it runs, or a job. Then
   * {@code $_} is its last word, as bash's (empty after assignments alone).
   */
  Status run(Ast.Simple c) {
    List<Word> words = c.words();
    int k = 0;
    while (k < words.size() && Variables.ASSIGNMENT.matcher(words.get(k).raw()).matches()) {
      k++;
    }
    state.running(c);
    List<String> argv = wordsOf(words.subList(k, words.size()));
    try {
      return run(c, k, argv);
    } finally {
      state.setScalar("_", argv.isEmpty() ? "" : argv.get(argv.size() - 1));
    }
  }

  /** The refusal of an assignment after an exit point on a job's status where the walk cannot wait for that job. */
  static String afterExit(String what) {
    return "'" + what + "' after a 'continue', 'break' or 'return' that a job's status decides ('ncks -m \"$f\" ||"
        + " continue') cannot be planned where the walk cannot wait for that job (in a subshell or function that"
        + " may exit on a job's status under set -e): what it sets depends on whether bash gets there. Set it"
        + " with the command itself ('ncks ... && n=$((n + 1))')";
  }

  /**
   * Walks the simple command {@code c}, whose first {@code k} words are assignments and whose
   * other words expand to {@code written}, looking its name up in bash's order: assignments alone,
   * then a function, a builtin, a script it runs, and last a program, planned as a job. Before
   * that, where an earlier job's status decides whether bash gets to it, the walk waits for that
   * job, or the status decides its assignments ({@link #onJobStatus}).
   */
  private Status run(Ast.Simple c, int k, List<String> written) {
    // 'command ncks ...' (in a function ncks that wraps the program), 'builtin cd ...': what
    // they run, a function of that name passed by
    List<String> passed = written.isEmpty() || functions.containsKey(written.get(0)) ? null : passingFunctions(written);
    if (passed != null && written.get(0).equals("builtin") && !CommandLookup.isBuiltin(passed.get(0))) {
      return steering.failed(new Refusal.Failed("builtin: " + passed.get(0) + ": not a shell builtin", 1, c.line(),
          "'builtin " + passed.get(0) + "': not a builtin"), c);
    }
    List<String> argv = passed == null ? written : passed;
    boolean function = passed == null && !argv.isEmpty() && functions.containsKey(argv.get(0));
    Status onStatus = onJobStatus(c, k, argv, function);
    if (onStatus != null) {
      return onStatus;
    }
    if (argv.isEmpty()) {
      return assignmentsOnly(c, k);
    }
    Map<String, String> prefix = prefix(c, k, written);
    if (function) {
      return function(c, argv, prefix);
    }
    Status builtin = builtin(c, argv, prefix);
    if (builtin != null) {
      return builtin;
    }
    Status script = script(c, argv, prefix);
    if (script != null) {
      return script;
    }
    return program(c, argv, prefix);
  }

  /**
   * Where an earlier job's status decides whether bash reaches {@code c} ({@code cmd && ...},
   * {@code cmd || ...}, after {@code cmd || continue}): assignments made on that status ({@code
   * cmd || failed=1}), whose status this returns; otherwise null, once the walk has waited for
   * that job where what {@code c} does depends on it, or refused where it cannot wait.
   */
  private Status onJobStatus(Ast.Simple c, int k, List<String> argv, boolean function) {
    List<Word> words = c.words();
    boolean guarded = !walk.guards().isEmpty() && !walk.waits().guardsHeld() && walk.captured() == null;
    if (guarded && argv.isEmpty() && k > 0 && walk.waits().canWait()
        && words.subList(0, k).stream().anyMatch(w -> SUBSTITUTION.matcher(w.raw()).find())) {
      // 'cmd && v=$(ncks ... out.nc)': the value only once it ran, so whether bash got here first
      walk.waits().awaitGuards(c.line(), "'" + words.get(0).raw() + "' after a command that runs as a job");
      guarded = false;
    }
    if (walk.captured() == null && argv.isEmpty() && c.redirects().isEmpty()
        && (guarded && k > 0 || k == 1 && decisions.sumsAStatus(words.get(0)))) {
      // 'cmd || failed=1'; 'made=$((made + 1))' where made holds what a job's status set
      try {
        words.subList(0, k).forEach(w -> decisions.assignOnStatus(w, c.line()));
        return Status.OK;
      } catch (Refusal r) {
        if (!guarded || !walk.waits().canWait()) {
          throw r;
        }
        walk.waits().awaitGuards(c.line(), r.cause.problem()); // 'cmd || msg=failed': once cmd has run, as bash
        guarded = false;
      }
    }
    if (guarded && (argv.isEmpty() ? k > 0 : CHANGES_STATE.contains(argv.get(0)) && !function)) {
      // 'ncks ... || rc=4', '... && cd sub': whether it happens is known only once the job ran
      String problem = "'" + (argv.isEmpty() ? words.get(0).raw() : argv.get(0)) + "' after a command that"
          + " runs as a job ('cmd && cd dir', 'cmd || export X=1', 'if cmd; then set -x; fi') cannot be planned"
          + " where the walk cannot wait for that job (in a subshell or function that may exit on a job's status):"
          + " whether it happens depends on the job's status, known only once it has run. Stop with 'cmd ||"
          + " exit 1', keep a number ('cmd || failed=1'), or record the failure in a file ('cmd || echo \"$f\""
          + " >> failed.txt')";
      walk.waits().awaitGuardsOrRefuse(c.line(), problem);
    }
    if (!guarded && walk.captured() == null && !jobs.openExits().isEmpty()
        && (argv.isEmpty() ? k > 0 : argv.get(0).equals("let") && !function)) {
      // 'ncks -m "$f" || continue' then 'n=$((n + 1))', 'good+=("$f")', 'last=$f': what it leaves
      // for the iterations after and after the loop depends on whether bash got here, known once
      // that job has run
      walk.waits().awaitGuardsOrRefuse(c.line(), afterExit(argv.isEmpty() ? words.get(0).raw() : "let"));
    }
    return null;
  }

  /**
   * A command of assignments alone, its first {@code k} words ({@code f=${1}.nc}), and perhaps
   * redirections ({@code > list.txt}, planned as a job that makes the file).
   */
  private Status assignmentsOnly(Ast.Simple c, int k) {
    List<Word> words = c.words();
    Status s = Status.OK;
    state.lastSubstitution = null; // 'f=${1}.nc' is 0, whatever an earlier 'out=$(...)' gave
    for (Word w : words.subList(0, k)) {
      s = variables.assign(w);
    }
    if (xtrace.on()) {
      xtrace.command(words.subList(0, k).stream().map(this::assigned).toList(), List.of(), c.line());
    }
    if (!c.redirects().isEmpty()) { // '> list.txt' creates or empties the file
      if (walk.captured() != null) {
        throw Refusal.at(c.line(), "a redirection without a command ('> file') in a command"
            + " substitution is not supported");
      }
      return walk.job(List.of(new HereCommands.Draft(List.of("true"), c.redirects(), c.line())), Map.of(), c.line());
    }
    return k > 0 && state.lastSubstitution != null ? state.lastSubstitution : s;
  }

  /**
   * The assignments before a command's name, its first {@code k} words ({@code OUT=dir ncks
   * ...}), expanded, for the command's environment alone; set -x shows them with {@code written}.
   */
  private Map<String, String> prefix(Ast.Simple c, int k, List<String> written) {
    Map<String, String> prefix = new LinkedHashMap<>();
    for (Word w : c.words().subList(0, k)) {
      Matcher m = Variables.ASSIGNMENT.matcher(w.raw());
      m.matches();
      prefix.put(m.group(1), expander.expandString(m.group(5), w.line()));
    }
    if (xtrace.on()) {
      xtrace.command(prefix.entrySet().stream().map(e -> e.getKey() + "=" + Xtrace.assignedValue(e.getValue())).toList(),
          written, c.line());
    }
    return prefix;
  }

  /** A call of the function {@code argv} names, its {@code prefix} assigned for the call. */
  private Status function(Ast.Simple c, List<String> argv, Map<String, String> prefix) {
    return redirecting.call(c, walk.captured() != null, () -> {
      jobs.enterFunction(); // its 'cmd || return 1' ends only the function
      try {
        return calls.function(functions.get(argv.get(0)), argv.subList(1, argv.size()), prefix, c.line());
      } finally {
        jobs.leaveScope();
      }
    });
  }

  /**
   * A builtin: a test or builtin that a job's status decides ({@code [ $? -ne 0 ]}, {@code [ ! -f
   * out.nc ]} after the job that writes it) once that job has run, or any other now ({@link
   * SteeringBuiltins#run}); null where {@code argv} names no builtin.
   */
  private Status builtin(Ast.Simple c, List<String> argv, Map<String, String> prefix) {
    String name = argv.get(0);
    if (argv.stream().anyMatch(Marks::holdsStatus)) {
      Status tested = decisions.builtinOnStatus(argv, c.line());
      if (tested != null) {
        return tested;
      }
    }
    if (name.equals("[") || name.equals("test")) {
      Status onJob = tests.fileTestOnJob(argv, c.line()); // 'ncra ... out.nc; if [ ! -f out.nc ]'
      if (onJob != null) {
        return onJob;
      }
    }
    return steering.run(name, argv, c, prefix);
  }

  /**
   * A script the command runs ({@code bash sub.sh}, {@code ./sub.sh}), planned in a shell of its
   * own; null where it runs none.
   */
  private Status script(Ast.Simple c, List<String> argv, Map<String, String> prefix) {
    Map<String, String> scriptPrefix = new LinkedHashMap<>(prefix);
    List<String> scriptArgv = ScriptCalls.unwrapped(argv, scriptPrefix, functions::containsKey);
    ScriptCalls.Call call;
    try {
      ScriptCalls.Call found = ScriptCalls.find(state, scriptArgv, c.line());
      call = found != null && scriptArgv.stream().anyMatch(Marks::marked)
          ? ScriptCalls.find(state, plainWords(state, scriptArgv), c.line()) : found; // its arguments are words of a shell
    } catch (Refusal.Failed f) { // './sub.sh' that is not executable
      return steering.failed(f, c);
    }
    if (call == null) {
      return null;
    }
    return redirecting.call(c, walk.captured() != null, () -> {
      jobs.enterSubshell(walk.stopsOnFailure()); // a shell of its own: its 'cmd || exit 1' ends only that script
      try { // 'if bash sub.sh; then': sub.sh's set -e still stops it
        return walk.inShellOfItsOwn(() -> calls.script(call, scriptPrefix, c.line()));
      } finally {
        jobs.leaveScope();
      }
    });
  }

  /**
   * A program: inside a command substitution it runs now ({@link HereCommands}); elsewhere it is
   * planned as a job, and {@code xargs} and {@code parallel} as the commands they would start.
   */
  private Status program(Ast.Simple c, List<String> argv, Map<String, String> prefix) {
    String name = argv.get(0);
    if (name.equals("xargs") && walk.captured() == null) {
      return xargs(c, Xargs.argFile(argv.subList(1, argv.size()), c.line()));
    }
    if (name.equals("parallel") && walk.captured() == null) { // 'parallel ncks -O -v T {} T_{} ::: *.nc'
      Ast.Redirect input = inputOf(c);
      return parallels.run(argv, c.redirects().stream().filter(r -> r != input).toList(), prefix,
          input == null ? null : walk.inputText(input), c.line());
    }
    if (walk.captured() != null) {
      return Status.of(here.run(List.of(new HereCommands.Draft(argv, c.redirects(), c.line())), c.line(), prefix, walk.captured()));
    }
    return walk.job(List.of(new HereCommands.Draft(argv, c.redirects(), c.line())), prefix, c.line());
  }

  /**
   * {@code command NAME ARGS} and {@code builtin NAME ARGS} (either repeated): NAME and its
   * arguments, which run passing by a function named NAME; null where {@code argv} is neither.
   * {@code command -v NAME} and the like are {@link CommandLookup}'s.
   */
  private List<String> passingFunctions(List<String> argv) {
    int k = 0;
    while (k + 1 < argv.size() && !functions.containsKey(argv.get(k))
        && (argv.get(k).equals("command") && !argv.get(k + 1).startsWith("-") || argv.get(k).equals("builtin"))) {
      k++;
    }
    return k == 0 ? null : argv.subList(k, argv.size());
  }

  /** An assignment as set -x shows it once made: {@code x='a b'}, an array's as written. */
  private String assigned(Word w) {
    Matcher m = Variables.ASSIGNMENT.matcher(w.raw());
    m.matches();
    String target = m.group(1) + (m.group(2) == null ? "" : m.group(2)) + m.group(4) + "=";
    if (m.group(5).startsWith("(")) {
      return target + m.group(5);
    }
    String value = m.group(2) == null && m.group(4).isEmpty() ? state.scalar(m.group(1)) : null;
    return target + Xtrace.assignedValue(value != null ? value : expander.expandString(m.group(5), w.line()));
  }

  /**
   * A simple command's words, expanded. Where it runs a program, a file a glob matched that a
   * job's status decides is left for the run to keep or drop ({@link Marks#keptIf}); for a
   * function or builtin (but what prints: echo, printf), see {@link #plainWords}.
   */
  private List<String> wordsOf(List<Word> words) {
    state.programWords = walk.captured() == null;
    String first = words.isEmpty() ? "" : words.get(0).raw();
    // 'echo "v: $(ncks -H out.nc)"': what it prints fills the words once it has run; 'log "v:
    // $(...)"', a function that may pass it on to a program, only where the walk cannot wait for it
    state.printingWords = walk.captured() == null && (first.equals("echo") || first.equals("printf")
        || functions.containsKey(first) && !walk.waits().canWait());
    List<String> argv;
    try {
      argv = expander.expandWords(words);
    } finally {
      state.programWords = false;
      state.printingWords = false;
    }
    if (!argv.isEmpty() && !functions.containsKey(argv.get(0)) && !CommandLookup.isBuiltin(argv.get(0))
        && argv.stream().anyMatch(Marks::holdsOutput)) {
      throw Refusal.at(words.get(0).line(), "what a command substitution prints, known only once the jobs it"
          + " runs have run, goes into the words of '" + argv.get(0) + "'; swamp orders a program after what"
          + " writes the files its words name, and those words are not known while planning. Print it with echo"
          + " or printf, or set a variable to it where no job's status decides whether the line runs, and use that");
    }
    if (argv.isEmpty() || argv.stream().noneMatch(Marks::marked)) {
      return argv;
    }
    String name = argv.get(0);
    boolean prints = name.equals("echo") || name.equals("printf") && !(argv.size() > 1 && argv.get(1).equals("-v"));
    return functions.containsKey(name) || CommandLookup.isBuiltin(name) && !prints ? plainWords(state, argv) : argv;
  }

  /**
   * {@code xargs -n 1 ncks ... < list.txt} ({@code -a list.txt}): the commands xargs would start for the file's lines,
   * as at the end of a pipeline ({@link Pipelines#xargs}); the file read as {@code done < f} reads
   * it, once the jobs that write it have run.
   */
  private Status xargs(Ast.Simple c, String argFile) {
    Ast.Redirect input = argFile != null // 'xargs -a list.txt ...'
        ? new Ast.Redirect(0, "<", new Ast.Word(swamp.protocol.ShellText.quote(argFile), c.line()), c.line())
        : inputOf(c);
    if (input == null) {
      throw Refusal.at(c.line(), "xargs here reads the script's standard input, which a run does not have: give it"
          + " a list with '< FILE' or a pipeline ('ls *.nc | xargs ...')");
    }
    String text = walk.inputText(input);
    List<Ast.Redirect> rest = c.redirects().stream().filter(r -> r.fd() > 0 || !r.op().equals("<") && !ReadInput.isText(r))
        .toList();
    return pipelines.xargs(new Ast.Simple(c.words(), rest, c.line()), text, 0);
  }

  /** The redirection {@code c}'s standard input comes from ({@code < f}, a here-document), or null. */
  private static Ast.Redirect inputOf(Ast.Simple c) {
    return c.redirects().stream().filter(r -> r.fd() <= 0 && (r.op().equals("<") || ReadInput.isText(r)))
        .reduce((first, then) -> then).orElse(null);
  }

  /**
   * The words of what is not a job, a builtin or a function: a file a glob matched that a job's
   * status decides is there, as the plan counts on it (and says so). A job's status ({@code $?},
   * {@code $rc}) stays: a function's or script's parameter may hold it.
   */
  static List<String> plainWords(ShellState state, List<String> argv) {
    if (argv.stream().noneMatch(a -> a.indexOf('\uE002') >= 0)) {
      return argv;
    }
    List<String> plain = new java.util.ArrayList<>();
    for (String a : argv) {
      String word = Marks.counted(a);
      if (word != null && !word.equals(a)) {
        state.files.consulted(PlannedFiles.resolve(state.cwd, word));
      }
      if (word != null) {
        plain.add(word);
      }
    }
    return plain;
  }
}
