package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import swamp.master.script.Ast.Node;

/**
 * The {@link Planner}'s walks whose commands write where a redirection outside them says ({@link
 * Outputs}): a compound command's ({@code done > list.txt}), a function's or script's call
 * ({@code f > log}, {@code bash sub.sh 2> err}), {@code exec > log}, and a loop piped into
 * commands ({@code done | sort > f}). Each file a {@code >} opens is emptied by a job of its own.
 */
final class Redirecting {

  private final ShellState state;
  private final Expander expander;
  private final Function<Node, Status> walk;
  /** Plans a job of these drafts at this line, under the guards that hold. */
  private final BiFunction<List<HereCommands.Draft>, Integer, Status> job;
  /** Scratch files of pipelines that start with a loop, so far ({@link #fromCompound}). */
  private int pipes;

  Redirecting(ShellState state, Expander expander, Function<Node, Status> walk,
      BiFunction<List<HereCommands.Draft>, Integer, Status> job) {
    this.state = state;
    this.expander = expander;
    this.walk = walk;
    this.job = job;
  }

  /** A compound command whose output goes to files: the commands inside write there. */
  Status writingTo(Ast.WriteTo w, boolean capturing) {
    if (capturing) {
      throw Refusal.at(w.line(), "sending a compound command's output to a file inside a command"
          + " substitution is not supported");
    }
    return redirected(w.outputs(), w.line(), () -> walk.apply(w.body()));
  }

  /**
   * A call of a function or script with {@code c}'s redirections: the commands it plans write
   * there. In a command substitution they are not followed (what it prints is what is captured).
   */
  Status call(Ast.Simple c, boolean capturing, Supplier<Status> call) {
    return c.redirects().isEmpty() || capturing ? call.get() : redirected(c.redirects(), c.line(), call);
  }

  /** The outputs with {@code redirects} applied; a job opens each file as bash opens it. */
  Outputs outputs(List<Ast.Redirect> redirects, int line) {
    return state.outputs.with(redirects, state.cwd, expander, (path, append) -> {
      if (!append || !state.files.exists(path)) { // '>>' of a file that is there opens nothing new
        job.apply(List.of(new HereCommands.Draft(List.of("true"), List.of(Outputs.opening(path, append, state.cwd, line)),
            line)), line);
      }
    });
  }

  /**
   * {@code for ...; done | sort > f}: the loop's commands write a scratch file of the run in the
   * command's directory, as they would write {@code done > f}; the rest of the pipeline reads it
   * as one job, and a last job removes it. The loop runs in a subshell, as bash runs it.
   */
  Status fromCompound(Ast.Pipeline p) {
    List<Node> rest = p.stages().subList(1, p.stages().size());
    for (Node n : rest) {
      if (!(n instanceof Ast.Simple)) {
        throw Refusal.at(n.line(), "a loop, group or subshell is supported as the first stage of a"
            + " pipeline ('done | sort') or as its last ('ls | while read'), not both, nor in between");
      }
    }
    String scratch = PlannedFiles.resolve(state.cwd, ".swamp-pipe-" + ProcessHandle.current().pid() + "-" + (++pipes));
    ShellState.Saved saved = state.save();
    try {
      redirected(List.of(Outputs.emptying(scratch, state.cwd, p.line())), p.line(), () -> walk.apply(p.stages().get(0)));
    } catch (Jump j) {
      if (!j.is(Jump.Kind.EXIT)) {
        throw j;
      }
    } finally {
      state.restore(saved);
    }
    List<Ast.Redirect> fromScratch = new ArrayList<>();
    fromScratch.add(Outputs.reading(scratch, state.cwd, p.line()));
    Ast.Simple first = (Ast.Simple) rest.get(0);
    fromScratch.addAll(first.redirects());
    List<Node> stages = new ArrayList<>();
    stages.add(new Ast.Simple(first.words(), fromScratch, first.line()));
    stages.addAll(rest.subList(1, rest.size()));
    Status s = walk.apply(stages.size() == 1 ? stages.get(0) : new Ast.Pipeline(stages, false, p.line()));
    job.apply(List.of(new HereCommands.Draft(List.of("rm", "-f", Outputs.relative(scratch, state.cwd)), List.of(),
        p.line())), p.line());
    return s;
  }

  /** Whether a word of {@code c} is a process substitution, {@code <(...)}, that {@link #withProcessFiles} takes. */
  static boolean readsProcesses(Ast.Simple c) {
    return c.words().stream().anyMatch(w -> isProcessWord(w.raw()));
  }

  private static boolean isProcessWord(String raw) {
    return raw.startsWith("<(") && raw.endsWith(")") && raw.length() > 3;
  }

  /**
   * {@code diff <(ncdump -h a.nc) <(ncdump -h b.nc)}: what each process substitution among
   * {@code c}'s words prints (as {@code $(...)} gives it, run while planning or waited for as
   * that is, its last line ended) is written to a scratch file of the run by a job of its own,
   * and the command names that file where bash names a pipe ({@code /dev/fd/63}); {@code walk}
   * plans the command, and a last job removes the files.
   */
  Status withProcessFiles(Ast.Simple c, Function<Ast.Simple, Status> walk) {
    int line = c.line();
    List<Ast.Word> words = new ArrayList<>();
    List<String> scratches = new ArrayList<>();
    for (Ast.Word w : c.words()) {
      if (!isProcessWord(w.raw())) {
        words.add(w);
        continue;
      }
      String printed = expander.expandString("\"$(" + w.raw().substring(2, w.raw().length() - 1) + ")\"", line);
      String scratch = PlannedFiles.resolve(state.cwd, ".swamp-psub-" + ProcessHandle.current().pid() + "-" + (++pipes));
      List<Ast.Redirect> redirects = new ArrayList<>();
      if (!printed.isEmpty()) {
        redirects.add(new Ast.Redirect(0, "<<<", Outputs.quoted(printed, line), line));
      }
      redirects.add(Outputs.emptying(scratch, state.cwd, line));
      job.apply(List.of(new HereCommands.Draft(List.of(printed.isEmpty() ? "true" : "cat"), redirects, line)), line);
      words.add(Outputs.quoted(Outputs.relative(scratch, state.cwd), line));
      scratches.add(Outputs.relative(scratch, state.cwd));
    }
    Status s = walk.apply(new Ast.Simple(words, c.redirects(), line));
    List<String> rm = new ArrayList<>(List.of("rm", "-f"));
    rm.addAll(scratches);
    job.apply(List.of(new HereCommands.Draft(rm, List.of(), line)), line);
    return s;
  }

  private Status redirected(List<Ast.Redirect> redirects, int line, Supplier<Status> walk) {
    Outputs saved = state.outputs;
    state.outputs = outputs(redirects, line);
    boolean exiting = false;
    try {
      return walk.get();
    } catch (Jump j) { // 'exit' inside: the EXIT trap runs with the redirection still in force
      exiting = j.is(Jump.Kind.EXIT);
      throw j;
    } finally {
      if (!exiting) {
        state.outputs = saved;
      }
    }
  }
}
