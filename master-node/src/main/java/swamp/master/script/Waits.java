package swamp.master.script;

import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import swamp.master.script.Plan.Guard;

/**
 * Where the {@link Planner}'s walk stops until jobs planned so far have run: for what they
 * printed ({@code mean=$(ncks ...)}), for the files they wrote ({@code done < found.txt}), or for
 * the statuses that decide whether the walk is where it is ({@code cmd && v=$(...)}). It waits
 * only as a {@link Planning}, and only where nothing planned so far waits on where the walk goes
 * next; where the plan is made whole before its run, a wait is a refusal that a {@link Planning}
 * plans ({@link ScriptException#waitsForJobs}).
 */
final class Waits {

  private final ShellState state;
  private final PlannedJobs jobs;
  private final Deque<Guard> guards;
  private final BooleanSupplier inSubstitution;

  /** How the walk waits, as a {@link Planning}; null where it is planned whole first. */
  private Planning.Wait wait;

  /** The guards found to hold when the walk last waited for them ({@link #awaitGuards}). */
  private List<Guard> held = List.of();

  Waits(ShellState state, PlannedJobs jobs, Deque<Guard> guards, BooleanSupplier inSubstitution) {
    this.state = state;
    this.jobs = jobs;
    this.guards = guards;
    this.inSubstitution = inSubstitution;
  }

  /** The walk waits for jobs with {@code wait} from now on. */
  void with(Planning.Wait wait) {
    this.wait = wait;
  }

  /**
   * Whether the walk can stop here until jobs have run: it is not inside a command substitution,
   * and no subshell, function or loop it is in holds a failure under set -e yet ({@link
   * ExitScopes#noFailures}). Where a job's status decides whether it is here (a guard, an exit
   * point before it), it waits for that job first ({@link #awaitGuards}).
   */
  boolean canWait() {
    return !inSubstitution.getAsBoolean() && jobs.noFailuresAround();
  }

  /** Stops the walk until {@code steps} have run; what they printed and their statuses. */
  Planning.Printed await(List<Integer> steps, int line, String problem) {
    if (wait == null) {
      throw new Refusal(ScriptException.waitingForJobs(line, problem));
    }
    Planning.Printed ran = wait.until(steps, line);
    for (int k = 0; k < steps.size() && k < ran.statuses().size(); k++) {
      state.ranStatuses.put(steps.get(k), ran.statuses().get(k));
    }
    return ran;
  }

  /**
   * Waits for the jobs whose statuses decide whether the walk is here: once they have run, either
   * every guard holds, and the walk goes on here as bash's does, or the branch was not taken
   * ({@link Refusal.NotTaken}, which the {@code &&} or {@code if} that set the guard catches).
   */
  void awaitGuards(int line, String problem) {
    awaitExits(line, problem);
    if (guards.isEmpty() || guardsHeld()) {
      return;
    }
    List<Guard> around = List.copyOf(guards);
    Planning.Printed ran = await(around.stream().map(Guard::step).toList(), line, problem);
    for (int k = around.size() - 1; k >= 0; k--) { // the outermost first: its branch holds the others
      Guard g = around.get(k);
      if ((ran.statuses().get(k) == 0) != g.onSuccess()) {
        throw new Refusal.NotTaken(g);
      }
    }
    held = around;
  }

  /**
   * Waits for what decides the exit points planned in the subshells, functions and loops the
   * walk is in ({@code ncra ... || return 1}, {@code [ -f $f ] || continue}): where one is taken,
   * bash never got here, and the walk jumps as that exit does; the others no longer hold back
   * what is planned after them.
   */
  private void awaitExits(int line, String problem) {
    List<Integer> exits = jobs.openExits();
    for (int exit : exits) { // in the order they were planned: the first taken is where bash left
      // one at a time: the jobs that decide a later one do not run where an earlier one is taken
      // ('if ! ncks -m ...; then continue; fi' before 'ncks -m -v T "$f" || continue')
      List<Integer> deciding = jobs.command(exit).guards().stream().map(Guard::step).distinct().toList();
      Planning.Printed ran = await(deciding, line, problem);
      boolean taken = jobs.command(exit).guards().stream()
          .allMatch(g -> (ran.statuses().get(deciding.indexOf(g.step())) == 0) == g.onSuccess());
      if (!taken) {
        jobs.notTaken(exit);
        continue;
      }
      Jump.Kind kind = jobs.jump(exit);
      throw kind == Jump.Kind.BREAK || kind == Jump.Kind.CONTINUE ? new Jump(kind, 1)
          : new Jump(kind, 0, exit); // its status is the exit point's, known to the run
    }
  }

  /** {@link #awaitGuards} where the walk can wait; else a refusal of {@code problem}. */
  void awaitGuardsOrRefuse(int line, String problem) {
    if (!canWait()) {
      throw Refusal.at(line, problem);
    }
    awaitGuards(line, problem);
  }

  /** Whether every guard the walk is under was waited for and holds ({@link #awaitGuards}). */
  boolean guardsHeld() {
    // those it is under now are among them (the same guards, not equal ones of another branch)
    return !guards.isEmpty() && guards.stream().allMatch(g -> held.stream().anyMatch(h -> h == g));
  }

  /** As {@link #await}, for every step planned so far: what they wrote is on disk then. */
  void awaitAll(int line, String problem) {
    if (jobs.size() > 0) {
      await(IntStream.range(0, jobs.size()).boxed().toList(), line, problem);
      state.files.settle();
    }
  }

  /**
   * {@code again}, once every job planned so far has run, where a step read a file they write
   * with a text not known while planning ({@code done < found.txt}, {@code [ -s hits.txt ]}): on
   * the files as they are then, if bash gets here. Where the walk cannot wait, {@code unknown}
   * stands.
   */
  <T> T onFilesWritten(Refusal.ReadsPlanned unknown, int line, Supplier<T> again) {
    if (!canWait() || jobs.size() == 0) {
      throw unknown;
    }
    awaitGuards(line, unknown.cause.problem()); // 'cmd && while read ...; done < found.txt'
    awaitAll(line, unknown.cause.problem());
    return again.get();
  }
}
