package swamp.master.script;

import java.util.List;
import java.util.function.Supplier;
import swamp.master.script.Ast.Node;

/**
 * {@code for}, {@code for ((...))}, {@code while} and {@code until}, walked by the {@link
 * Planner}: each iteration planned in turn (the loop's words and conditions are known while
 * planning), a loop and each iteration of its body a scope of {@link PlannedJobs} that a guarded
 * {@code break} or {@code continue} ends ({@link PlannedJobs#loopExit}). A loop's condition that
 * runs as a job is refused: its iterations are not known before it has run.
 */
final class Loops {

  private static final int MAX_ITERATIONS = 1_000_000;

  private final ShellState state;
  private final Expander expander;
  private final PlannedJobs jobs;
  private final Walk walk;
  private int iterations;
  private final Xtrace xtrace;

  Loops(ShellState state, Expander expander, PlannedJobs jobs, Walk walk) {
    this.state = state;
    this.expander = expander;
    this.jobs = jobs;
    this.walk = walk;
    this.xtrace = new Xtrace(state, expander, walk);
  }

  Status forCommand(Ast.For f) {
    return inLoop(() -> {
      List<String> items = f.words() == null ? List.copyOf(state.positional) : expander.expandWords(f.words());
      state.last = Status.OK;
      for (String item : items) {
        count(f.line());
        if (xtrace.on() && f.words() != null) { // set -x: bash's '+ for m in a b', each time round
          xtrace.shown("for " + f.name() + " in " + Xtrace.words(items), f.line());
        }
        state.assign(f.name(), item, f.line());
        if (!iterate(f.body())) {
          break;
        }
      }
      return state.last;
    });
  }

  Status arithFor(Ast.ArithFor f) {
    return inLoop(() -> {
      state.last = Status.OK;
      traced(f.init(), f.line());
      expander.arith(f.init(), f.line());
      while (traced(f.condition(), f.line()) || expander.arith(f.condition(), f.line()) != 0) {
        count(f.line());
        if (!iterate(f.body())) {
          break;
        }
        traced(f.step(), f.line());
        expander.arith(f.step(), f.line());
      }
      return state.last;
    });
  }

  /** Traces a part of {@code for ((...))} under set -x, as bash's: {@code (( k < n  ))}; whether it is blank (true). */
  private boolean traced(String part, int line) {
    if (xtrace.on()) {
      xtrace.arith(part.isBlank() ? "" : expander.expandString(part, line), line);
    }
    return part.isBlank();
  }

  /** The status of the body's last command, as bash's: 0 when it never ran or a break ended it. */
  Status loop(Ast.Loop l) {
    return inLoop(() -> {
      Status result = Status.OK;
      boolean[] waited = {false};
      while (true) {
        if (waited[0]) { // 'until ncks ...; do sleep 60; done': the body has run before the condition again, as in bash
          walk.waits().awaitAll(l.line(), "the condition of a loop runs a command as a job");
        }
        if ((condition(l.condition(), l.until() ? "until" : "while", waited).code() == 0) == l.until()) {
          break;
        }
        count(l.line());
        boolean more = iterate(l.body());
        result = more ? state.last : Status.OK;
        if (!more) {
          break;
        }
      }
      return result;
    });
  }

  /**
   * The status of a loop's condition. Of a job ({@code until ncks -M out.nc; do ...}), where the
   * walk can wait for it ({@link Waits#canWait}), once it has run; {@code waited} then says so.
   */
  private Status condition(Node node, String what, boolean[] waited) {
    boolean outer = state.loopCondition;
    state.loopCondition = true; // 'while [ ! -f done.nc ]': a file test counts on the file, decided now
    Status s;
    try {
      s = walk.inCondition(node);
    } finally {
      state.loopCondition = outer;
    }
    if (!s.known()) {
      String problem = "the condition of '" + what + "' runs a command as a job (" + jobs.text(s.step())
          + "), whose status swamp knows only once it has run; where it cannot wait for that (in a"
          + " subshell or function that may exit on a job's status), a loop's condition must be a test"
          + " ([ ], [[ ]], test, (( ))) on names and files, or a 'read'. Loop over the files instead"
          + " ('for f in *.nc; do ...; done')";
      walk.waits().awaitGuardsOrRefuse(node.line(), problem); // 'cmd && until ...': whether bash got here first
      waited[0] = true;
      return Status.of(walk.waits().await(List.of(s.step()), node.line(), problem).status());
    }
    return s;
  }

  /** Walks a loop, whose guarded {@code break} leaves the rest of it ({@link PlannedJobs#loopExit}). */
  private Status inLoop(Supplier<Status> loop) {
    jobs.enterLoop(false);
    try {
      return loop.get();
    } finally {
      jobs.leaveScope();
    }
  }

  /** Runs a loop's body once; false when a {@code break} ends this loop. */
  private boolean iterate(Node body) {
    jobs.enterLoop(true); // a guarded 'continue' leaves the rest of this iteration
    try {
      walk.exec(body);
      return true;
    } catch (Jump j) {
      if (!j.is(Jump.Kind.BREAK) && !j.is(Jump.Kind.CONTINUE)) {
        throw j;
      }
      if (j.value > 1) {
        throw new Jump(j.kind, j.value - 1); // 'break 2' leaves the enclosing loop too
      }
      // break and continue succeed: '[[ -v m[$k] ]] || continue' leaves $? at 0, and so the
      // loop's status (which 'set -e' would otherwise stop the script at)
      state.last = Status.OK;
      return j.is(Jump.Kind.CONTINUE);
    } finally {
      jobs.leaveScope();
    }
  }

  private void count(int line) {
    if (++iterations > MAX_ITERATIONS) {
      throw Refusal.at(line, "loops ran more than " + MAX_ITERATIONS + " times while planning;"
          + " is a loop's condition ever false?");
    }
  }
}
