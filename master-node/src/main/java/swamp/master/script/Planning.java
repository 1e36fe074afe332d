package swamp.master.script;

import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * A script's plan as its run makes it. Most scripts are planned whole before anything runs. One
 * that needs, to go on, what a job prints ({@code mean=$(ncks -H -v T avg.nc)} after the line
 * that writes avg.nc, then {@code ncap2 -s "T=T-$mean" ...}) is planned as far as that: the walk
 * runs on a thread of its own and stops there until the run answers what those steps printed
 * ({@link #resume}); then it goes on, with the value bash would have, to the next such point or
 * the end. The commands already planned run meanwhile, and those planned later wait for them as
 * the files they name say.
 *
 * <p>The run drives it: {@link #plan} is the plan so far (the whole plan once {@link #done}),
 * {@link #awaits} the steps the walk waits for. Only one of the walk and the run goes on at a time.
 */
public final class Planning {

  /**
   * What the awaited steps printed, in order, and their statuses: those of a command
   * substitution run as jobs, or of the jobs whose statuses decide whether the walk is where it is.
   */
  public record Printed(String text, List<Integer> statuses) {
    public Printed {
      statuses = List.copyOf(statuses);
    }

    /** The last step's status: the substitution's, {@code $?} after it. */
    public int status() {
      return statuses.get(statuses.size() - 1);
    }
  }

  /** How a walk waits for jobs where it needs what they print: until the run answers. */
  interface Wait {
    Printed until(List<Integer> steps, int line);
  }

  /** What the run knows of the steps a walk waits for, once they have all ended ({@link #resume}). */
  private record Answers(IntFunction<String> printed, IntUnaryOperator status) {}

  /**
   * Thrown in the walk's thread where it waits when the run stopped before (set -e, an exit
   * point): bash never got there, but it runs the EXIT trap, which the walk then plans.
   */
  static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The step where the run stopped, and the status it stops with: the EXIT trap's {@code $?}. */
    final int step;
    final int status;

    Stopped(int step, int status) {
      super(null, null, false, false);
      this.step = step;
      this.status = status;
    }
  }

  /** Thrown in the walk's thread when the run will not answer: the walk ends there. */
  private static final class Abandoned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abandoned() {
      super(null, null, false, false);
    }
  }

  private final Object lock = new Object();
  private Plan plan;
  private List<Integer> awaits = List.of();
  private int line;
  private boolean walking;
  private boolean abandoned;
  private boolean stopped;
  private int stopStep;
  private int stopStatus;
  private Answers answers;
  private ScriptException failed;

  private Planning(Plan whole) {
    this.plan = whole;
  }

  /** A plan made whole before its run. */
  static Planning whole(Plan plan) {
    return new Planning(plan);
  }

  /**
   * Starts {@code planner}'s walk of {@code program} on a thread of its own, and returns once it
   * waits for jobs or ends. A refusal before its first wait is thrown here; nothing has run.
   */
  static Planning walk(Planner planner, Ast.Node program) throws ScriptException {
    Planning p = new Planning(null);
    planner.waitingWith((steps, line) -> p.until(planner.soFar(), steps, line));
    p.walking = true;
    Thread walk = new Thread(() -> p.run(planner, program), "swamp-plan");
    walk.setDaemon(true);
    walk.start();
    p.awaitWalk();
    if (p.failed != null) {
      throw p.failed;
    }
    return p;
  }

  /** The walk's thread: it plans to the end, or until the run no longer answers. */
  private void run(Planner planner, Ast.Node program) {
    Plan whole;
    ScriptException refused = null;
    try {
      whole = planner.plan(program);
    } catch (ScriptException e) {
      refused = e;
      whole = planner.soFar(); // what bash runs before the line refused: the run runs it, then stops
    } catch (Abandoned e) {
      return;
    } catch (RuntimeException | Error e) {
      refused = new ScriptException(0, "planning failed: " + e);
      whole = planner.soFar();
    }
    synchronized (lock) {
      plan = whole;
      awaits = List.of();
      failed = refused;
      walking = false;
      lock.notifyAll();
    }
  }

  /** In the walk's thread: hands the plan so far to the run and waits for its answers. */
  private Printed until(Plan soFar, List<Integer> steps, int line) {
    synchronized (lock) {
      plan = soFar;
      awaits = List.copyOf(steps);
      this.line = line;
      walking = false;
      lock.notifyAll();
      while (answers == null && !abandoned && !stopped) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          abandoned = true;
        }
      }
      if (abandoned) {
        throw new Abandoned();
      }
      if (stopped) {
        awaits = List.of();
        throw new Stopped(stopStep, stopStatus);
      }
      Answers a = answers;
      answers = null;
      awaits = List.of();
      StringBuilder text = new StringBuilder();
      steps.forEach(step -> text.append(a.printed().apply(step)));
      return new Printed(text.toString(), steps.stream().map(a.status()::applyAsInt).toList());
    }
  }

  /**
   * The commands planned so far, in the order of their steps, each with what it waits for;
   * the whole plan once {@link #done}. A later plan holds the same commands first.
   */
  public Plan plan() {
    synchronized (lock) {
      return plan;
    }
  }

  /** Whether the plan is whole: the walk reached the script's end. */
  public boolean done() {
    synchronized (lock) {
      return awaits.isEmpty();
    }
  }

  /** The steps the walk waits for, in order; empty once it is {@link #done}. */
  public List<Integer> awaits() {
    synchronized (lock) {
      return awaits;
    }
  }

  /** The script's line where the walk waits. */
  public int line() {
    synchronized (lock) {
      return line;
    }
  }

  /**
   * Answers what the awaited steps, all ended, printed and their statuses, and returns once the
   * walk waits again or has ended. A refusal of what comes after is thrown here; {@link #plan}
   * then holds what was planned before the line refused, which bash runs before it gets there.
   */
  public void resume(IntFunction<String> printed, IntUnaryOperator status) throws ScriptException {
    synchronized (lock) {
      if (awaits.isEmpty()) {
        throw new IllegalStateException("the walk waits for nothing");
      }
      answers = new Answers(printed, status);
      walking = true;
      lock.notifyAll();
      awaitWalk();
      if (failed != null) {
        awaits = List.of();
        throw failed;
      }
    }
  }

  /**
   * The run stopped at {@code step} with {@code status} before the step where the walk waits
   * (set -e, an exit point): the walk plans the EXIT trap, as bash runs it then, with the shell
   * as it was at that step, and ends; returns once it has.
   */
  public void stop(int step, int status) throws ScriptException {
    synchronized (lock) {
      if (awaits.isEmpty()) {
        return;
      }
      stopped = true;
      stopStep = step;
      stopStatus = status;
      walking = true;
      lock.notifyAll();
      awaitWalk();
      if (failed != null) { // a line of the trap refused ('echo "$(caller)"'): said, not dropped
        awaits = List.of();
        throw failed;
      }
    }
  }

  /** The run will not answer (it is stopping): the walk ends. */
  public void abandon() {
    synchronized (lock) {
      abandoned = true;
      awaits = List.of();
      lock.notifyAll();
    }
  }

  private void awaitWalk() {
    synchronized (lock) {
      while (walking) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          abandon();
          return;
        }
      }
    }
  }
}
