package swamp.master.script;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What the script being planned has set so far: its variables and arrays, positional
 * parameters, directory, options, the status of what ran last, and the files earlier lines
 * write ({@link PlannedFiles}). {@link Planner} walks the script over it; {@link Expander} and
 * {@link Conditions} read it.
 */
final class ShellState {

  static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * A variable: a scalar is element 0 of its values. An associative array ({@code declare -A})
   * keeps its values by key in {@code byKey} instead, in the order they were first set.
   */
  static final class Var {
    final TreeMap<Long, String> values = new TreeMap<>();
    LinkedHashMap<String, String> byKey;
    boolean exported;
    boolean array;
    /** {@code declare -i}: what is assigned to it is evaluated as arithmetic. */
    boolean integer;
    /** {@code declare -l} ('l') or {@code -u} ('u'): what is assigned to it changes case; else 0. */
    char letterCase;
    /** {@code readonly}, {@code declare -r}: an assignment to it is an error. */
    boolean readonly;

    Var copy() {
      Var v = new Var();
      v.values.putAll(values);
      v.byKey = byKey == null ? null : new LinkedHashMap<>(byKey);
      v.exported = exported;
      v.array = array;
      v.integer = integer;
      v.letterCase = letterCase;
      v.readonly = readonly;
      return v;
    }

    boolean associative() {
      return byKey != null;
    }

    /** An array's subscripts in the order bash lists them ({@code ${!a[@]}}). */
    List<String> keys() {
      if (byKey == null) {
        List<String> keys = new ArrayList<>(values.size());
        values.keySet().forEach(k -> keys.add(Long.toString(k)));
        return keys;
      }
      // bash keeps an associative array in a hash table of 1,024 buckets (FNV-1 of the key) and
      // lists it bucket by bucket, the newest of a bucket first: scripts that loop over one see
      // its keys in that order, and their outputs follow it
      List<String> inOrder = new ArrayList<>(byKey.keySet());
      List<String> keys = new ArrayList<>(inOrder);
      keys.sort(Comparator.comparingInt(Var::bucket)
          .thenComparing(Comparator.comparingInt(inOrder::indexOf).reversed()));
      return keys;
    }

    /** An array's values in the order of {@link #keys}. */
    List<String> elements() {
      if (byKey == null) {
        return new ArrayList<>(values.values());
      }
      List<String> out = new ArrayList<>();
      keys().forEach(k -> out.add(byKey.get(k)));
      return out;
    }

    int size() {
      return byKey == null ? values.size() : byKey.size();
    }

    private static int bucket(String key) {
      int h = 0x811c9dc5;
      for (byte b : key.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
        h *= 16777619;
        h ^= b;
      }
      return h & 1023;
    }
  }

  /** What a subshell or a command substitution puts back when it ends. */
  record Saved(Map<String, Var> vars, List<String> positional, String cwd, Status last,
      boolean errexit, boolean xtrace, boolean pipefail, Glob.Options glob, String arg0,
      Outputs outputs, boolean nounset, boolean allexport, boolean verbose,
      List<String> dirStack) {}

  Map<String, Var> vars = new HashMap<>();
  /** The functions {@code export -f} names: a bash this script starts has them ({@link Calls#script}). */
  final Set<String> exportedFunctions = new java.util.HashSet<>();
  List<String> positional;
  /** {@code $0}: the script's name, or a script that it runs ({@code bash sub.sh}). */
  String arg0;
  String cwd;
  /** {@code pushd}'s stack below {@link #cwd}, the top first ({@link Directories}). */
  List<String> dirStack = new ArrayList<>();
  final PlannedFiles files = new PlannedFiles();
  /** The statuses of the steps the walk waited for ({@link Waits#await}): arithmetic on them is known then. */
  final Map<Integer, Integer> ranStatuses = new HashMap<>();
  Status last = Status.OK;
  /** Whether the last command was a pipeline of several stages: see {@link #lookup}. */
  boolean pipeStatusOfStages;
  /** The status of the last command substitution: that of an assignment-only command. */
  Status lastSubstitution;
  /**
   * What the commands of a command substitution that ran while planning printed on the script's
   * standard error ({@code n=$(ls obs_*.nc | wc -l)}, none there): printed by a job, in the script's
   * order and where its errors go then ({@code exec 2> err.log}), before the next job ({@link
   * Planner#job}) or once the command that ran it is walked.
   */
  final StringBuilder substitutionErrors = new StringBuilder();
  /**
   * Where the script's errors go around the outermost command substitution running now (null
   * outside one): a builtin's error there that goes to that file ({@code exec 2> err.log}) is
   * printed with {@link #substitutionErrors}.
   */
  String substitutionErrorsTo;
  /**
   * Set while the words of a command that may run as a job are expanded: a file a glob matches
   * that a job's status decides then expands to {@link Marks#keptIf}, for the run to fill in.
   */
  boolean programWords;
  /**
   * Set while the words of {@code echo} or {@code printf} are expanded (a job that prints them):
   * a command substitution there may run as jobs of its own ({@link Substitutions}).
   */
  boolean printingWords;
  /**
   * Set while a loop's condition is walked: it must be known while planning, so a test of a file
   * an earlier job writes counts on that file as planned, not on the job's status.
   */
  boolean loopCondition;
  /** The commands run with {@code &}: {@code $!}, {@code wait}, {@code jobs}. */
  final Background background = new Background();
  boolean errexit;
  /** The options of {@code shopt} that change what a glob matches (nullglob, globstar, dotglob). */
  Glob.Options glob = Glob.Options.BASH;
  boolean xtrace;
  /** set -v: the script file's lines printed as bash reads them ({@link ScriptReading}). */
  boolean verbose;
  /** How deep the walk is in a text other than the script file's: eval's, a sourced file's, a trap's. */
  int elsewhere;
  boolean pipefail;
  /** {@code set -u}: expanding an unset variable stops the script. */
  boolean nounset;
  /** {@code set -E}: functions inherit the ERR trap. */
  boolean errtrace;
  /** The script runs under dash ({@code sh sub.sh}): its echo reads backslash escapes. */
  boolean dashEcho;
  /** {@code set -a}: what the script assigns is exported ({@code set -a; source env.sh; set +a}). */
  boolean allexport;
  /** Where commands send their output when a compound's or the script's is redirected. */
  Outputs outputs = Outputs.TERMINAL;
  /** The line being expanded, for messages from arithmetic and parameters. */
  int currentLine;
  /**
   * How many trap actions the walk is in: there {@code $BASH_COMMAND} stays the command that set
   * the trap off ({@link #running}).
   */
  int trapDepth;

  ShellState(String dir, Map<String, String> environment, String arg0, List<String> args) {
    this.cwd = PlannedFiles.resolve("/", dir);
    this.arg0 = arg0;
    this.positional = new ArrayList<>(args);
    environment.forEach((k, v) -> {
      if (NAME.matcher(k).matches()) {
        Var var = new Var();
        var.values.put(0L, v);
        var.exported = true;
        vars.put(k, var);
      }
    });
    setScalar("PWD", cwd);
    ShellVariables.set(this);
    setArray("BASH_SOURCE", List.of(arg0));
  }

  /** When planning began: {@code $SECONDS} counts from it. */
  private final long started = System.nanoTime();

  /** An indexed array of {@code values}, not exported. */
  void setArray(String name, List<String> values) {
    Var v = new Var();
    v.array = true;
    for (int i = 0; i < values.size(); i++) {
      v.values.put((long) i, values.get(i));
    }
    vars.put(name, v);
  }

  /** The walk is at command {@code c} ({@code $BASH_COMMAND}), unless in a trap's action. */
  void running(Ast.Node c) {
    if (trapDepth == 0) {
      setScalar("BASH_COMMAND", FunctionText.ofCommand(c));
    }
  }

  Saved save() {
    Map<String, Var> copy = new HashMap<>();
    vars.forEach((k, v) -> copy.put(k, v.copy()));
    return new Saved(copy, new ArrayList<>(positional), cwd, last, errexit, xtrace, pipefail,
        glob, arg0, outputs, nounset, allexport, verbose, new ArrayList<>(dirStack));
  }

  void restore(Saved s) {
    vars = s.vars();
    positional = s.positional();
    cwd = s.cwd();
    last = s.last();
    errexit = s.errexit();
    glob = s.glob();
    arg0 = s.arg0();
    xtrace = s.xtrace();
    verbose = s.verbose();
    pipefail = s.pipefail();
    outputs = s.outputs();
    nounset = s.nounset();
    allexport = s.allexport();
    dirStack = new ArrayList<>(s.dirStack());
  }

  /**
   * The state of a script that this one runs with bash ({@code bash sub.sh ARGS}): its exported
   * variables only, its own {@code $0} and arguments, the options bash starts with. Returns what
   * to {@link #restore} when it ends.
   */
  Saved enterScript(String arg0, List<String> args) {
    Saved saved = save();
    vars.values().removeIf(v -> !v.exported);
    ShellVariables.set(this);
    setScalar("SHLVL", Long.toString(Long.parseLong(scalar("SHLVL")) + 1)); // one shell deeper
    setArray("BASH_SOURCE", List.of(arg0));
    positional = new ArrayList<>(args);
    this.arg0 = arg0;
    errexit = false;
    xtrace = false;
    verbose = false;
    pipefail = false;
    glob = Glob.Options.BASH;
    nounset = false;
    allexport = false;
    dirStack = new ArrayList<>(); // a new bash's stack holds only its directory
    return saved;
  }

  /**
   * A variable as an expansion reads it. {@code PIPESTATUS} after a pipeline of several stages is
   * refused: the pipeline runs as one job, and only its status is known ($?), not each stage's.
   */
  Var lookup(String name) {
    if (pipeStatusOfStages && name.equals("PIPESTATUS")) {
      throw Refusal.at(currentLine, "${PIPESTATUS[...]} after a pipeline is not supported: swamp runs a"
          + " pipeline as one job, whose status alone is known, not each stage's; write 'set -o pipefail'"
          + " and read $? (the status of its last stage that failed), or run the stage on a line of its own");
    }
    return vars.get(name);
  }

  /**
   * After {@code node} ran ({@code $?} is its status), bash's {@code PIPESTATUS}: set by what
   * makes one element of a pipeline (a simple command, a subshell, {@code (( ))}, {@code [[ ]]})
   * or by a pipeline, not by a compound command, whose last pipeline set it.
   */
  void pipeStatusAfter(Ast.Node node) {
    if (node instanceof Ast.Pipeline p) {
      pipeStatus(p.stages().size());
    } else if (node instanceof Ast.Simple || node instanceof Ast.Subshell || node instanceof Ast.Arith
        || node instanceof Ast.Conditional) {
      pipeStatus(1);
    }
  }

  /**
   * {@code PIPESTATUS} holds {@code $?} alone, or, after a pipeline of {@code stages} (more than
   * one), is not known ({@link #lookup}).
   */
  private void pipeStatus(int stages) {
    pipeStatusOfStages = stages > 1;
    Var v = new Var();
    v.array = true;
    if (stages <= 1) {
      v.values.put(0L, special("?"));
    }
    vars.put("PIPESTATUS", v);
  }

  String scalar(String name) {
    Var v = vars.get(name);
    return v == null ? null : v.values.get(0L);
  }

  void setScalar(String name, String value) {
    Var v = vars.computeIfAbsent(name, x -> new Var());
    v.values.put(0L, value);
  }

  void assign(String name, String value, int line) {
    if (!NAME.matcher(name).matches()) {
      throw Refusal.at(line, "'" + name + "': not a valid identifier");
    }
    writable(name, line);
    setScalar(name, value);
    if (allexport) {
      vars.get(name).exported = true;
    }
  }

  /** Bash's error for an assignment to a readonly variable: it abandons the line it is on. */
  void writable(String name, int line) {
    Var v = vars.get(name);
    if (v != null && v.readonly) {
      throw new Refusal.Aborted(name + ": readonly variable", line, name + " is readonly: an"
          + " assignment to it is an error here, where bash's stop cannot be planned", true);
    }
  }

  /** The exported variables with a value: the environment of a command started while planning. */
  Map<String, String> exported() {
    Map<String, String> env = new TreeMap<>();
    vars.forEach((k, v) -> {
      if (v.exported && v.values.get(0L) != null) {
        env.put(k, v.values.get(0L));
      }
    });
    return env;
  }

  /**
   * {@code $name} of a variable that is not set, under {@code set -u}: bash stops the script
   * there with "unbound variable" (see {@link Refusal.Unbound}).
   */
  Refusal unbound(String name) {
    String shown = name.matches("[0-9]+") ? "$" + name : name; // bash's: '$1: unbound variable'
    return new Refusal.Unbound(shown + ": unbound variable", currentLine, name + ": unbound variable: under set -u bash stops the script"
        + " here, and swamp cannot plan that stop where it depends on a job's status (or inside $(...)),"
        + " so nothing has run. Set " + name + ", or write ${" + name + ":-} where it may be unset");
  }

  /** A scalar or special parameter's value; null when unset. */
  String special(String name) {
    switch (name) {
      case "#":
        return Integer.toString(positional.size());
      case "?":
        if (!last.known()) { // a job's: known once it has run (see Marks.statusMark, and where it may go)
          return Marks.statusMark(last.step());
        }
        return Integer.toString(last.code());
      case "$", "BASHPID":
        return Long.toString(ProcessHandle.current().pid());
      case "SECONDS": // while planning: the script's commands have not run yet
        return vars.containsKey(name) ? scalar(name) : Long.toString((System.nanoTime() - started) / 1_000_000_000L);
      case "!":
        return background.last();
      case "-":
        return (allexport ? "a" : "") + (errexit ? "e" : "") + (glob.noglob() ? "f" : "") + "h" + (nounset ? "u" : "")
            + (verbose ? "v" : "") + (xtrace ? "x" : "") + "B" + (errtrace ? "E" : ""); // in bash's order
      case "0":
        return arg0;
      case "@", "*":
        return String.join(" ", positional);
      case "LINENO":
        return Integer.toString(currentLine);
      case "RANDOM": // scripts name scratch files with it
        return Integer.toString(java.util.concurrent.ThreadLocalRandom.current().nextInt(32768));
      case "EPOCHSECONDS":
        return Long.toString(java.time.Instant.now().getEpochSecond());
      default:
        if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
          int n = Integer.parseInt(name);
          return n >= 1 && n <= positional.size() ? positional.get(n - 1) : null;
        }
        return scalar(name);
    }
  }
}
