package swamp.master.script;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import swamp.master.script.Plan.Command;
import swamp.master.script.Plan.Guard;
import swamp.protocol.Redirects;
import swamp.protocol.Stage;

/**
 * The jobs the {@link Planner}'s walk plans, in the order it meets them: a command or pipeline
 * that would start a program becomes a {@link Command} with its stages and their redirections,
 * the exported variables that differ from the environment the script started with, and the
 * guards it runs under. What it reads and writes goes into the script's {@link PlannedFiles}, so
 * that later lines see it; {@link Dependencies} orders the jobs by it.
 */
final class PlannedJobs {
  private final Map<String, String> initialEnv;
  private final ShellState state;
  private final List<Dependencies.Planned> planned = new ArrayList<>();
  private final JobDrafts drafting;

  PlannedJobs(Map<String, String> initialEnv, ShellState state, Expander expander) {
    this.initialEnv = initialEnv;
    this.state = state;
    this.drafting = new JobDrafts(state, expander);
  }

  /** The jobs planned, ordered by what they read and write. */
  List<Command> ordered() {
    return Dependencies.order(planned);
  }

  /** How many commands are planned so far. */
  int size() {
    return planned.size();
  }

  /** The text of the command planned at {@code step}. */
  String text(int step) {
    return planned.get(step).command().text();
  }

  /** The command planned at {@code step}. */
  Command command(int step) {
    return planned.get(step).command();
  }

  /**
   * Plans the command or pipeline {@code drafts} as a job under {@code guards}; {@code
   * stopOnFailure}: the run stops if it fails (set -e, outside a condition). Its status is not
   * known until it runs: it names the job's step.
   */
  Status job(List<HereCommands.Draft> drafts, Map<String, String> prefix, int line,
      Collection<Guard> guards, boolean stopOnFailure) {
    JobDrafts.Drafted drafted = drafting.stages(drafts);
    List<Stage> stages = drafted.stages();
    Map<String, String> env = new TreeMap<>();
    state.vars.forEach((name, v) -> {
      String value = v.values.get(0L);
      if (v.exported && value != null && !value.equals(initialEnv.get(name))
          && !Set.of("PWD", "OLDPWD", "PATH", "SHLVL").contains(name)) { // workers use their own PATH
        env.put(name, value);
      }
    });
    env.putAll(prefix);
    JobDrafts.check(stages, env, line);
    int step = planned.size();
    Command command = new Command(step, line, state.cwd, stages, env, Set.of(), List.copyOf(guards), -1,
        stopOnFailure, false, drafted.outputIsErrors(), drafted.errorsAreOutput(), state.pipefail && stages.size() > 1 || drafted.teed(), -1, -1, null, false);
    Command plain = command.withStatuses(s -> 0, s -> Plan.Outcome.SUCCEEDED); // the files it names, marked or not
    Dependencies.Access access = real(Dependencies.access(plain));
    FindTimes.check(plain.stages(), state.cwd, planned, line); // find -newer STAMP of a stamp the script writes
    Set<String> notThere = new java.util.HashSet<>();
    plain.stages().forEach(s -> LinksAndCopies.copiedTrees(s.argv(), state.cwd, state.files)
        .forEach(p -> notThere.add(state.files.real(p))));
    Map<String, Boolean> before = new java.util.HashMap<>();
    access.removes().forEach(r -> before.put(r, state.files.exists(r)));
    access.writes().forEach(w -> before.putIfAbsent(w, state.files.exists(w)));
    for (String r : access.removes()) {
      state.files.remove(r);
    }
    // ': > log' and 'true > log' leave an empty file; '>>' one that was there as it was
    Redirects only = stages.size() == 1 && stages.get(0).argv().equals(List.of("true")) ? stages.get(0).redirects() : null;
    Set<String> outputs = new java.util.HashSet<>(access.streams()); // there once it ran, whether it fails
    // 'touch f' makes an empty file where none was, and leaves one that was as it was (chmod too); 'ln -s' links
    List<String> one = stages.size() == 1 ? stages.get(0).argv() : List.of();
    boolean touches = !one.isEmpty() && Set.of("touch", "chmod", "chown", "chgrp").contains(one.get(0)); // not the text
    boolean creates = touches && one.get(0).equals("touch") && !one.contains("-c") && !one.contains("--no-create");
    if (!one.isEmpty() && one.get(0).equals("chmod")) {
      access.writes().forEach(state.files::modeChanged);
    }
    boolean links = LinksAndCopies.symbolic(one);
    String relinked = links ? LinksAndCopies.relinked(one, state.cwd, state.files) : null;
    if (relinked != null) { // 'ln -sfn v2 current': the link itself now points elsewhere
      state.files.link(relinked, LinksAndCopies.linkTarget(one, relinked));
    }
    for (String w : relinked != null ? Set.<String>of() : access.writes()) {
      boolean truncates = only != null && only.stdout() != null && w.equals(PlannedFiles.resolve(state.cwd, only.stdout()));
      if (access.removes().contains(w) || notThere.contains(w)
          || (truncates && only.stdoutAppend() && state.files.exists(w))) {
        continue;
      }
      if (links && !state.files.isDirectory(w)) {
        state.files.link(w, LinksAndCopies.linkTarget(one, w)); // 'ln -s ../in.nc work/': [ -L work/in.nc ] holds
      } else if (touches) {
        if (creates && !before.get(w)) {
          outputs.add(w);
          state.files.empty(w);
        }
      } else if (truncates) {
        outputs.add(w);
        state.files.empty(w);
      } else if (access.streams().contains(w)) {
        state.files.stream(w);
      } else {
        state.files.write(w, access.directories().contains(w));
      }
    }
    Set<Integer> after = scopes.exitsAround();
    stages.forEach(s -> s.argv().forEach(a -> after.addAll(Marks.marks(a)))); // 'cmd || echo $?' waits for cmd
    stages.forEach(s -> after.addAll(Marks.marks(s.redirected().stdinText() == null ? "" : s.redirected().stdinText())));
    planned.add(new Dependencies.Planned(command, access, after));
    if (stopOnFailure) {
      scopes.failure(step);
    }
    before.forEach((path, was) -> {
      boolean now = state.files.exists(path);
      state.files.made(path, !was && now ? new Marks.Made(step, outputs.contains(path)) : null);
      List<Integer> open = scopes.exits();
      if (guards.isEmpty() && was != now && !open.isEmpty()) {
        exitBound.put(path, new ExitBound(line, was, open));
      } else if (guards.isEmpty() || was != now) {
        exitBound.remove(path);
      }
      if (guards.isEmpty()) {
        state.files.conditional(path, null);
      } else if (was != now) {
        state.files.conditional(path, "line " + line + " " + (was ? "removes" : "writes") + " it only if " + decidedBy(guards));
      }
    });
    return new Status(0, step);
  }

  /** What decides whether a command under {@code guards} runs: the innermost's command and status. */
  private String decidedBy(Collection<Guard> guards) {
    Guard g = guards.iterator().next();
    Command c = planned.get(g.step()).command();
    return "'" + c.text() + "' (line " + c.line() + ") " + (g.onSuccess() ? "succeeds" : "fails");
  }

  /** The guards of planned step {@code step}: where they all hold, it runs. */
  List<Guard> guardsOf(int step) {
    return planned.get(step).command().guards();
  }

  /**
   * An {@code exit N} that happens only if {@code guards} hold: a point where the run stops, or
   * inside a subshell where that subshell ends; a {@code return N} ({@code returns}) where its
   * function ends. {@code stopOnFailure}: set -e is on outside a condition, so that a subshell's
   * {@code exit N} or a function's {@code return N} (N > 0) stops the script too.
   */
  int exitPoint(int status, int line, Collection<Guard> guards, boolean stopOnFailure, boolean returns) {
    int step = planned.size();
    Command command = new Command(step, line, state.cwd, List.of(), Map.of(), Set.of(), List.copyOf(guards),
        status, stopOnFailure, false, false, false, false, -1, -1, null, false);
    Set<Integer> after = scopes.exitsAround();
    if (status >= Command.STATUS_OF) { // '{ echo x; exit $?; }': it exits with echo's status, once echo has run
      after.add(status - Command.STATUS_OF);
    }
    if (scopes.exit(step, returns)) { // where it ends is known once the walk leaves that scope
      command = command.leavingSubshell(Command.SCOPE_END_NOT_PLANNED);
    }
    planned.add(new Dependencies.Planned(command, new Dependencies.Access(Set.of(), Set.of(), Set.of(), Set.of(), Set.of()),
        after));
    if (stopOnFailure) {
      scopes.failure(step);
    }
    return step;
  }

  /**
   * The status of an {@code if} whose condition ran as a job, under {@code guards}: once what
   * {@code join} names has run, that of the branch it took. It waits for those commands.
   */
  Status join(Plan.Join join, int line, Collection<Guard> guards) {
    int step = planned.size();
    Command command = new Command(step, line, state.cwd, List.of(), Map.of(), Set.of(), List.copyOf(guards),
        -1, false, false, false, false, false, -1, -1, join, false);
    Set<Integer> after = scopes.exitsAround();
    join.when().forEach(g -> after.add(g.step()));
    for (int s : new int[] {join.thenStep(), join.elseStep()}) {
      if (s >= 0) {
        after.add(s);
      }
    }
    planned.add(new Dependencies.Planned(command, new Dependencies.Access(Set.of(), Set.of(), Set.of(), Set.of(), Set.of()),
        after));
    return new Status(0, step);
  }

  /**
   * The status of commands that run as one ({@code xargs}, {@code parallel}): {@code ok} where
   * every one of {@code ran} succeeded, else {@code failed}. Of jobs, a join known once they have
   * run, and under set -e ({@code stopOnFailure}) an exit point where it fails.
   */
  Status allOf(List<Status> ran, int ok, int failed, int line, Collection<Guard> guards, boolean stopOnFailure) {
    List<Guard> when = new ArrayList<>();
    for (Status s : ran) {
      if (s.known() && s.code() != 0) {
        return Status.of(failed);
      } else if (!s.known()) {
        when.add(new Guard(s.step(), true));
      }
    }
    if (when.isEmpty()) {
      return Status.of(ok);
    }
    Status s = join(new Plan.Join(when, -1, ok, -1, failed, null, 0), line, guards);
    if (stopOnFailure) { // the script stops there, once every one has run
      List<Guard> stop = new ArrayList<>(guards);
      stop.add(0, new Guard(s.step(), false));
      exitPoint(Command.STATUS_OF + s.step(), line, stop, true, false);
    }
    return s;
  }

  /**
   * Whether the subshell ({@code returns}: the function) an {@code exit} ({@code return}) here
   * would end holds an exit point planned before it: {@code cmd && return 0; return 1}. Whether
   * the walk reaches it is then known only once that one's guards are.
   */
  boolean exitsPlannedBefore(boolean returns) {
    return scopes.exitsPlannedBefore(returns);
  }

  /**
   * {@code cmd || continue}, {@code if ! cmd; then break; fi}: where {@code guards} hold, the
   * rest of this iteration ({@code breaks}: of the loop) does not run. The commands after it in
   * the loop wait for it. Refused where a function or subshell stands between it and its loop.
   */
  Status loopExit(boolean breaks, int line, Collection<Guard> guards) {
    List<Integer> exits = scopes.loopExits(breaks, line);
    int step = planned.size();
    Command command = new Command(step, line, state.cwd, List.of(), Map.of(), Set.of(), List.copyOf(guards),
        0, false, false, false, false, false, Command.SCOPE_END_NOT_PLANNED, -1, null, true);
    planned.add(new Dependencies.Planned(command, new Dependencies.Access(Set.of(), Set.of(), Set.of(), Set.of(), Set.of()),
        scopes.exitsAround()));
    exits.add(step);
    scopes.loopExit(step, breaks);
    return new Status(0, step);
  }

  private final ExitScopes scopes = new ExitScopes();
  /**
   * Paths written or removed in a scope after an exit point of it (a function's {@code ncks ... ||
   * return 1}, then its {@code ncwa ... gm.nc}): once the walk has left that scope, whether they
   * are there depends on whether the exit was taken. By path: its line, and the exit points then open.
   */
  private final Map<String, ExitBound> exitBound = new java.util.HashMap<>();

  private record ExitBound(int line, boolean removes, List<Integer> exits) {}


  /** Whether no scope the walk is in holds a failure under set -e yet ({@link ExitScopes#noFailures}). */
  boolean noFailuresAround() {
    return scopes.noFailures();
  }

  /** The exit points of the scopes the walk is in, in the order they were planned. */
  List<Integer> openExits() {
    return scopes.exits();
  }

  /** The jump exit point {@code step} makes where it is taken. */
  Jump.Kind jump(int step) {
    return scopes.jump(step);
  }

  /** Exit point {@code step} was found not taken ({@link ExitScopes#notTaken}). */
  void notTaken(int step) {
    scopes.notTaken(step);
  }

  /** Whether the walk is in a subshell (a command substitution's too). */
  boolean inSubshell() {
    return scopes.inSubshell();
  }

  /** The walk enters a subshell; see {@link ExitScopes#enterSubshell}. */
  void enterSubshell(boolean parentStops) {
    scopes.enterSubshell(parentStops);
  }

  /** The walk enters a loop ({@code iteration}: one iteration of its body); see {@link #loopExit}. */
  void enterLoop(boolean iteration) {
    scopes.enterLoop(iteration);
  }

  /** The walk enters a function's body, which a {@code return} ends. */
  void enterFunction() {
    scopes.enterFunction();
  }

  /**
   * The walk leaves the subshell, function, loop or iteration: an exit point in it goes on at
   * the step planned next, and so does a failure under set -e that ends only it.
   */
  void leaveScope() {
    ExitScopes.Left left = scopes.leave();
    exitBound.entrySet().removeIf(e -> { // for the notes of what a glob or test after it assumed
      java.util.Optional<Integer> exit = e.getValue().exits().stream().filter(left.exits()::contains).findFirst();
      exit.ifPresent(x -> {
        Command c = planned.get(x).command();
        state.files.conditional(e.getKey(), "line " + e.getValue().line() + " " + (e.getValue().removes() ? "removes" : "writes")
            + " it only where '" + c.text() + "' (line " + c.line() + ") is not taken"
            + (c.guards().isEmpty() ? "" : ", which it is if " + decidedBy(c.guards())));
      });
      return exit.isPresent();
    });
    for (int step : left.exits()) {
      Dependencies.Planned p = planned.get(step);
      planned.set(step, new Dependencies.Planned(p.command().leavingSubshell(planned.size()), p.access(), p.after()));
    }
    for (int step : left.failures()) {
      Dependencies.Planned p = planned.get(step);
      planned.set(step, new Dependencies.Planned(p.command().failingOutOf(planned.size()), p.access(), p.after()));
    }
  }

  /** {@code a}'s paths as the files they name, through the links earlier lines make ({@link PlannedFiles#real}). */
  private Dependencies.Access real(Dependencies.Access a) {
    java.util.function.Function<Set<String>, Set<String>> real = paths -> paths.stream().map(state.files::real)
        .collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new));
    Set<String> reads = real.apply(a.reads()); // and the links on their way: 'ln -sfn v2 latest', then latest/T.nc
    java.util.stream.Stream.of(a.reads(), a.writes(), a.directories()).flatMap(Set::stream)
        .forEach(p -> reads.addAll(state.files.linksOn(p)));
    a.reads().forEach(p -> reads.add(state.files.pointedTo(p))); // 'ls latest/', 'ncwa jan.nc' of a link: what it points to

    return new Dependencies.Access(reads, real.apply(a.writes()), real.apply(a.removes()),
        real.apply(a.directories()), real.apply(a.streams()));
  }
}
