package swamp.master.script;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The scopes the {@link Planner}'s walk is in, for the exit points {@link PlannedJobs} plans in
 * them: a subshell ({@code ( ... )}, a {@code | while} loop, a script it runs), which an {@code
 * exit} ends; a function, which a {@code return} ends; a loop and each iteration of its body,
 * which a guarded {@code break} or {@code continue} ends. Each keeps its exit points, which what
 * is planned after them in it waits for, and the steps whose failure under set -e stops it.
 */
final class ExitScopes {

  /** What a scope is: what an exit point in it leaves. */
  private enum Kind { SUBSHELL, FUNCTION, LOOP, ITERATION }

  /**
   * A scope the walk is in; the exit points planned in it, and the steps whose failure under set
   * -e stops it. {@code parentStops}: a failure that ends it stops the shell around it too.
   */
  private record Scope(Kind kind, boolean parentStops, List<Integer> exits, List<Integer> failures) {}

  /** What a scope the walk left leaves behind: the exit points that end it, and the failures that end only it. */
  record Left(List<Integer> exits, List<Integer> failures) {}

  private final Deque<Scope> scopes = new ArrayDeque<>();
  /** What each exit point does where it is taken: the jump the walk makes. */
  private final java.util.Map<Integer, Jump.Kind> jumps = new java.util.HashMap<>();

  /** {@code parentStops}: set -e is on where the subshell is (and no test holds it). */
  void enterSubshell(boolean parentStops) {
    scopes.push(new Scope(Kind.SUBSHELL, parentStops, new ArrayList<>(), new ArrayList<>()));
  }

  void enterFunction() {
    scopes.push(new Scope(Kind.FUNCTION, true, new ArrayList<>(), new ArrayList<>()));
  }

  /** A loop, or one iteration of its body; a failure under set -e in it stops what is around. */
  void enterLoop(boolean iteration) {
    scopes.push(new Scope(iteration ? Kind.ITERATION : Kind.LOOP, true, new ArrayList<>(), new ArrayList<>()));
  }

  /**
   * The walk leaves the innermost scope: its exit points go on at the step planned next; so do
   * its failures under set -e where they stop only it (a subshell in a shell without set -e);
   * the others stop the scope around it too.
   */
  Left leave() {
    Scope left = scopes.pop();
    if (left.parentStops()) {
      if (!scopes.isEmpty()) {
        scopes.peek().failures().addAll(left.failures());
      }
      return new Left(left.exits(), List.of());
    }
    return new Left(left.exits(), left.failures());
  }

  /**
   * The exit points planned so far in the scopes the walk is in: what is planned now waits for
   * them; and the failures under set -e of a scope they end alone ({@code if bash sub.sh}, {@code
   * ( set -e; ... ) || echo failed}), whose status the shell around goes on with: bash would not
   * run what follows one that fails. (Where set -e stops the whole script, what follows runs
   * alongside, the run stopping at the first failure: a script under set -e keeps its parallelism.)
   */
  Set<Integer> exitsAround() {
    Set<Integer> exits = new TreeSet<>();
    scopes.forEach(s -> {
      exits.addAll(s.exits());
      if (!s.parentStops()) {
        exits.addAll(s.failures());
      }
    });
    return exits;
  }

  /**
   * Whether no scope the walk is in holds a failure under set -e that would end it and not the
   * whole script (exit points it may): a failure in a loop, or a function, of a script under set
   * -e stops the script, which the run does at the first in bash's order, so the walk may wait
   * there; one in a subshell that ends it alone ({@code ( set -e; ... )} in a script without it)
   * leaves that subshell, which the walk would know only once the job has run.
   */
  boolean noFailures() {
    boolean stopsTheScript = true; // from the outermost scope in
    for (Iterator<Scope> out = scopes.descendingIterator(); out.hasNext(); ) {
      Scope s = out.next();
      stopsTheScript &= s.parentStops();
      if (!stopsTheScript && !s.failures().isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Whether the walk is in a subshell (a command substitution's, a script it runs, too). */
  boolean inSubshell() {
    return scopes.stream().anyMatch(s -> s.kind() == Kind.SUBSHELL);
  }

  /** The exit points of the scopes the walk is in, in the order they were planned. */
  List<Integer> exits() {
    Set<Integer> exits = new TreeSet<>();
    scopes.forEach(s -> exits.addAll(s.exits()));
    return new ArrayList<>(exits);
  }

  /** The jump exit point {@code step} makes where it is taken. */
  Jump.Kind jump(int step) {
    return jumps.get(step);
  }

  /** Exit point {@code step} was found not taken: what is planned after it no longer waits on it. */
  void notTaken(int step) {
    scopes.forEach(s -> s.exits().remove(Integer.valueOf(step)));
  }

  /** Loop exit {@code step} is a {@code break} ({@code breaks}) or a {@code continue}. */
  void loopExit(int step, boolean breaks) {
    jumps.put(step, breaks ? Jump.Kind.BREAK : Jump.Kind.CONTINUE);
  }

  /** Step {@code step} fails under set -e: it stops the innermost scope. */
  void failure(int step) {
    if (!scopes.isEmpty()) {
      scopes.peek().failures().add(step);
    }
  }

  /**
   * Exit point {@code step} of an {@code exit} ends the innermost subshell; of a {@code return}
   * ({@code returns}), its function. Whether it ends one (else the script).
   */
  boolean exit(int step, boolean returns) {
    Scope scope = ended(returns);
    if (scope != null) {
      scope.exits().add(step);
      jumps.put(step, returns ? Jump.Kind.RETURN : Jump.Kind.EXIT);
    }
    return scope != null;
  }

  /**
   * Whether the subshell ({@code returns}: the function) an {@code exit} ({@code return}) here
   * would end holds an exit point planned before it.
   */
  boolean exitsPlannedBefore(boolean returns) {
    Scope scope = ended(returns);
    return scope != null && !scope.exits().isEmpty();
  }

  private Scope ended(boolean returns) {
    for (Scope scope : scopes) { // innermost first
      if (scope.kind() != Kind.LOOP && scope.kind() != Kind.ITERATION && (returns || scope.kind() != Kind.FUNCTION)) {
        return scope;
      }
    }
    return null;
  }

  /**
   * The exit points of the iteration ({@code breaks}: the loop) that a guarded {@code continue}
   * ({@code break}) here ends; refused where a function or subshell stands between it and its loop.
   */
  List<Integer> loopExits(boolean breaks, int line) {
    Iterator<Scope> outward = scopes.iterator();
    Scope iteration = outward.hasNext() ? outward.next() : null;
    Scope loop = outward.hasNext() ? outward.next() : null;
    if (iteration == null || iteration.kind() != Kind.ITERATION || loop == null || loop.kind() != Kind.LOOP) {
      throw Refusal.at(line, "'" + (breaks ? "break" : "continue") + "' after a command that runs as a job is"
          + " planned only in the loop's own body, not in a function, subshell or pipeline inside it");
    }
    return (breaks ? loop : iteration).exits();
  }
}
