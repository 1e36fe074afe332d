package swamp.master.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import swamp.client.ClientCommand;
import swamp.client.JobCommands;
import swamp.client.Json;
import swamp.client.MasterClient;
import swamp.master.script.Plan;
import swamp.master.script.Plan.Command;
import swamp.master.script.Plan.Guard;
import swamp.master.script.Planning;

/**
 * Runs a planned script on a master: submits each command once what it waits for has finished,
 * reports each as it ends, and decides what bash would have decided from the statuses: a command
 * whose input a failed one was to write still runs, as under bash; {@code a && b} / {@code a ||
 * b} run or skip {@code b} by {@code a}'s status; an exit point ({@code cmd || exit N}) and
 * {@code set -e} stop new commands from starting but those of the EXIT trap; Ctrl-C cancels what
 * it submitted. What the user sees of it is {@link RunConsole}'s; what it says to the master,
 * {@link RunLink}'s.
 */
final class ScriptRun {

  private final String name;
  /** The plan as far as it is made ({@link Planning}). */
  private final RunPlan run;
  private final Function<Command, Map<String, Object>> toJob;
  private final RunConsole console;
  private final RunLink master;

  /** How each step decided so far ended; read by the stop hook too. */
  private final RunStatuses statuses;
  /** What the command substitutions run as jobs printed ({@link Plan#isSubstitution}), by step. */
  private final Map<Integer, String> printed = new HashMap<>();
  /** The commands submitted whose words the run filled in ({@link Command#withStatuses}), by step. */
  private final Map<Integer, Command> filledIn = new HashMap<>();
  /** The run's jobs submitted and not ended yet: job id -> step. */
  private final Map<String, Integer> jobs = new java.util.concurrent.ConcurrentHashMap<>();
  /** Set once this process is stopping (a shutdown hook runs): nothing more is submitted. */
  private volatile boolean stopping;
  /** Steps some {@code || ...} waits on: their failure is handled, as in bash. */
  private final Set<Integer> handled = new HashSet<>();
  private int running;
  private int failed;
  /** Failures some {@code ||} handles: they count as failed but do not fail the run. */
  private int failedHandled;
  private int succeeded;

  ScriptRun(MasterClient client, String name, Planning planning, Function<Command, Map<String, Object>> toJob,
      Function<Command, String> refuses, java.time.Duration waitForMaster, PrintStream out, PrintStream err) {
    this.name = name;
    this.run = new RunPlan(planning, refuses);
    this.statuses = new RunStatuses(run::plan);
    this.toJob = toJob;
    this.console = new RunConsole(out, err, name, run::plan,
        () -> new RunConsole.Progress(statuses.decidedCount(), running, failed + failedHandled));
    this.master = new RunLink(client, waitForMaster, () -> stopping, console::note);
    learnHandled(run.plan().commands());
  }

  /** The steps some {@code || ...} of {@code commands} waits on ({@link #handled}). */
  private void learnHandled(List<Command> commands) {
    for (Command c : commands) {
      List<Guard> on = new ArrayList<>(c.guards());
      if (c.isJoin()) {
        on.addAll(c.join().when()); // 'cmd || failed=1'
      }
      for (Guard g : on) {
        if (!g.onSuccess()) {
          handled.add(g.step());
        }
      }
    }
  }

  /**
   * Runs the plan to its end. Stopped (Ctrl-C, SIGTERM), it cancels the run's jobs that have not
   * ended, submits no more, and exits as the JVM does on that signal: 130 after SIGINT, 143 after
   * SIGTERM (its shutdown hook cancels; the status is the signal's, as a shell's command's).
   */
  int call() throws MasterClient.ApiException {
    Thread cancel = new Thread(this::cancelWhatRuns, "swamp-run-cancel");
    Runtime.getRuntime().addShutdownHook(cancel);
    try {
      return follow();
    } catch (MasterClient.ApiException | RuntimeException e) {
      run.abandon();
      if (!stopping && !shuttingDown(cancel)) {
        throw e;
      }
      try {
        cancel.join(); // the master went away with this process, or the answer was cut
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      return STOPPED;
    } finally {
      shuttingDown(cancel);
    }
  }

  /** Whether this process is stopping; if it is not, {@code hook} is no longer needed. */
  private static boolean shuttingDown(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
      return false;
    } catch (IllegalStateException e) { // "Shutdown in progress": its hooks run
      return true;
    }
  }

  /** The exit status of a run stopped by a signal, as a shell gives a command stopped by SIGINT. */
  static final int STOPPED = 130;

  private void cancelWhatRuns() {
    List<String> ids;
    synchronized (jobs) {
      stopping = true;
      ids = List.copyOf(jobs.keySet());
    }
    console.note("swamp: stopped: " + (ids.isEmpty() ? "no job of the run was running"
        : "cancelling the " + ids.size() + " job(s) of the run that had not ended") + "; no more start");
    List<Integer> neverStarted = new ArrayList<>(); // they show as not run, not as waiting
    Set<Integer> submitted = Set.copyOf(jobs.values());
    for (Command c : plan().commands()) {
      if (!statuses.decided(c.step()) && !submitted.contains(c.step())) {
        neverStarted.add(c.step());
      }
    }
    master.stop(ids, neverStarted);
  }

  private int follow() throws MasterClient.ApiException {
    master.register(name, plan());
    Map<Integer, Command> pending = new LinkedHashMap<>();
    plan().commands().forEach(c -> pending.put(c.step(), c));
    while (!pending.isEmpty() || !jobs.isEmpty() || !run.done()) {
      if (!walkOn(pending) && pending.isEmpty() && jobs.isEmpty()) {
        break; // nothing runs and the walk is done (or waits for what never ends: abandoned)
      }
      List<Command> ready = decide(pending);
      reportNotRun();
      if (!ready.isEmpty()) {
        submit(ready);
        continue;
      }
      if (jobs.isEmpty()) {
        if (walkOn(pending)) { // what the walk waited for was decided here, no job running (an if's status)
          continue;
        }
        break;
      }
      for (Json job : master.awaitEnded(jobs.keySet())) {
        jobEnded(job);
      }
      console.printInOrder(statuses::decided, statuses::notReached);
      console.progress();
    }
    return finish();
  }

  /**
   * Decides each pending command whose steps it waits on have all ended, as bash would: not run
   * (after where the run stopped, or a guard that does not hold), an exit point or a join that
   * ends at once, or ready to submit (returned, in the plan's order).
   */
  private List<Command> decide(Map<Integer, Command> pending) {
    List<Command> ready = new ArrayList<>();
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Command was : List.copyOf(pending.values())) {
        Command c = plan().commands().get(was.step()); // as the plan has it now: where an exit's scope ends
        if (!c.dependsOn().stream().allMatch(statuses::decided)) {
          continue; // even one that will not run: what waits on it waits for what it waits on
        }
        if (c.scopeEndNotPlanned() && !statuses.stopped(c) && c.guards().stream().allMatch(statuses::holds)) {
          continue; // taken, but where the script goes on is planned once the walk has left its scope
        }
        pending.remove(c.step());
        changed = true;
        if (statuses.stopped(c)) { // after where bash stopped: never runs
          statuses.notRun(c.step());
          continue;
        }
        if (!c.guards().stream().allMatch(statuses::holds)) {
          statuses.skipped(c.step()); // bash would not run it either
        } else if (c.loopExit()) { // 'cmd || continue': what follows in the iteration (loop) does not run
          statuses.exited(c);
          statuses.leftLoop(c.step(), c.exitScopeEnd());
          console.say(String.format("[line %d] continue or break: the rest of that iteration or loop does not run",
              c.line()));
        } else if (c.leavesSubshell()
            && (statuses.exitStatusOf(c) == 0 || !c.errexit() || c.failureScopeEnd() >= 0)) {
          int status = statuses.exitStatusOf(c);
          statuses.exited(c); // '( cmd || exit 1 )': the script goes on after it
          boolean stops = status != 0 && c.errexit();
          statuses.leftScope(c.step(), stops ? c.failureScopeEnd() : c.exitScopeEnd(), status);
          console.say(String.format("[line %d] leaves its subshell or function with status %d; the script"
              + " goes on after it", c.line(), status));
        } else if (c.isJoin()) {
          statuses.joined(c);
        } else if (c.isExit()) {
          int status = statuses.exitStatusOf(c);
          statuses.exited(c);
          if (statuses.stopAt(c.step(), status)) {
            console.say(String.format("[line %d] exit %d: no command after it starts", c.line(), status));
          }
        } else {
          ready.add(c);
        }
      }
    }
    for (Command c : List.copyOf(ready)) { // a stop found in this pass: what comes after it does not start
      if (statuses.stopped(c)) {
        ready.remove(c);
        statuses.notRun(c.step());
      }
    }
    return ready;
  }

  /** Submits {@code ready} in one request, each with the statuses and output its words name filled in. */
  private void submit(List<Command> ready) throws MasterClient.ApiException {
    List<Map<String, Object>> requests = new ArrayList<>();
    for (Command c : ready) {
      // 'cmd || echo "failed: $?"', 'ncrcat out_*.nc' where a job's status decided an out_ file
      Command filled = c.withStatuses(statuses::statusOf, statuses::outcome, printed::get);
      if (filled != c) {
        filledIn.put(c.step(), filled);
      }
      requests.add(toJob.apply(filled));
      if (c.xtrace()) {
        console.note("+ " + filled.traced());
      }
    }
    synchronized (jobs) { // a stop waits for a submission under way, then cancels its jobs too
      if (stopping) {
        throw new IllegalStateException("stopped");
      }
      List<String> ids = master.submit(requests, ready.stream().map(Command::step).toList());
      for (int k = 0; k < ready.size(); k++) {
        jobs.put(ids.get(k), ready.get(k).step());
      }
    }
    running += ready.size();
    console.progress();
  }

  /** A job of the run ended: its step's outcome, and where it failed under set -e, the stop. */
  private void jobEnded(Json job) {
    Integer step = jobs.remove(job.path("id").asText());
    if (step == null) {
      return; // one this run already heard of, or an earlier job of the step
    }
    running--;
    Command c = plan().commands().get(step);
    if (statuses.inLeftScope(step)) { // it ran in parallel in a subshell or function an exit or return had left
      statuses.notRun(step);
      return;
    }
    boolean ok = job.path("state").asText().equals("SUCCEEDED");
    if (plan().isSubstitution(step)) { // 'echo "mean: $(ncks -H ... out.nc)"': it fills in the echo
      // 'echo "working on $1" >&2' in the function: the script's errors, not the value; '2>&1': the value
      printed.put(step, (c.outputIsErrors() ? "" : job.path("stdout").asText())
          + (c.errorsAreOutput() ? job.path("stderr").asText() : ""));
    }
    int code = ok ? 0 : Math.max(1, JobCommands.exitCodeOf(job));
    statuses.ran(step, ok, code);
    if (ok) {
      succeeded++;
    } else {
      if (handled.contains(step)) {
        failedHandled++;
      } else {
        failed++;
        if (c.errexit() && c.failureScopeEnd() >= 0) { // '( set -e; ... )' in a script without it
          statuses.leftScope(step, c.failureScopeEnd(), code);
          console.say(String.format("[line %d] failed under set -e: its subshell ends, the script goes on after it",
              c.line()));
        } else if (c.errexit() && statuses.stopAt(step, code)) { // bash stops at the first in its order
          console.say(String.format("[line %d] failed under set -e: no command after it starts", c.line()));
        }
      }
    }
    console.report(filledIn.getOrDefault(step, c), job, ok);
  }

  /** The run's end: what is left reported, the summary line, and the status bash would exit with. */
  private int finish() {
    run.abandon(); // where it still waits: for what the run stopped before
    console.printInOrder(statuses::decided, statuses::notReached);
    reportNotRun();
    int total = (int) plan().commands().stream().filter(c -> !c.isJoin()).count();
    console.end(statuses.stopStep(), String.format("%d command(s): %d succeeded, %d failed%s, %d not run; %.1f s",
        total, succeeded, failed + failedHandled, failedHandled > 0 ? " (" + failedHandled + " handled by ||)" : "",
        statuses.notRunCount(), console.elapsed()));
    if (statuses.stoppedWith() != null) {
      return statuses.stoppedWith();
    }
    if (run.refused() != null) {
      return ClientCommand.EXIT_USAGE;
    }
    return plan().lastStep() >= 0 ? statuses.statusOf(plan().lastStep()) : plan().exitStatus();
  }

  /**
   * Where the script is planned as it runs and its walk waits for steps that have all ended:
   * answers it what they printed and their statuses, and takes the commands it plans next into
   * {@code pending} and the master's run. Where the run stopped (set -e, an exit point), bash
   * never got there: the walk ends there, and plans the EXIT trap. Whether it planned more.
   */
  private boolean walkOn(Map<Integer, Command> pending) throws MasterClient.ApiException {
    boolean more = false;
    while (run.refused() == null) { // a wait for what has all ended already (a loop's next try) goes on at once
      List<Integer> awaited = run.awaits();
      if (awaited.isEmpty() || !awaited.stream().allMatch(statuses::decided)) {
        return more;
      }
      if (stopping) {
        run.abandon();
        return more;
      }
      // the walk waits after every step planned so far: where the run stopped at one of them (set
      // -e, an exit point), bash never got there, but it runs the EXIT trap
      boolean stopped = statuses.isStopped() && !plan().inExitTrap(plan().commands().size() - 1);
      List<Command> added = stopped ? run.stopped(statuses.stopStep(), statuses.stoppedWith())
          : run.next(step -> printed.getOrDefault(step, ""), statuses::statusOf);
      if (run.refused() != null) {
        console.say(String.format("swamp: %s, %s; the script stops there, as the commands before it have run",
            name, run.refused().getMessage()));
      }
      learnHandled(added);
      added.forEach(c -> pending.put(c.step(), c));
      master.addSteps(added);
      more |= !added.isEmpty();
    }
    return more;
  }

  /** The plan as far as it is made. */
  private Plan plan() {
    return run.plan();
  }

  /** Tells the master the steps decided not to run since the last call. */
  private void reportNotRun() {
    master.notRun(statuses.takeNotRun());
  }
}
