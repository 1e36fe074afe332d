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

  /**
   * A compound command whose output goes to files: the commands inside write there. In a command
   * substitution that runs while planning, {@code $( { ...; } 2>&1 )}, as {@link #call} routes it.
   */
  Status writingTo(Ast.WriteTo w, boolean capturing) {
    if (capturing) {
      return routedInCapture(w.outputs(), () -> walk.apply(w.body()));
    }
    return redirected(w.outputs(), w.line(), () -> walk.apply(w.body()));
  }

  /**
   * A call of a function or script with {@code c}'s redirections: the commands it plans write
   * there. In a command substitution that runs while planning, what it prints is captured as its
   * redirections route it ({@link CaptureRoute}): {@code $(f 2>&1)} takes its errors too, {@code
   * $(f > /dev/null)} nothing; one that writes a file is refused.
   */
  Status call(Ast.Simple c, boolean capturing, Supplier<Status> call) {
    if (c.redirects().isEmpty()) {
      return call.get();
    }
    if (!capturing) {
      return redirected(c.redirects(), c.line(), call);
    }
    return routedInCapture(c.redirects(), call);
  }

  /** Walks {@code walk} inside a command substitution with what it prints routed by {@code redirects}. */
  private Status routedInCapture(List<Ast.Redirect> redirects, Supplier<Status> walk) {
    Outputs saved = state.outputs;
    state.outputs = CaptureRoute.of(saved).with(redirects, expander).toOutputs();
    try {
      return walk.get();
    } finally {
      state.outputs = saved;
    }
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
   * as one job, and a last job removes it. The loop runs in a subshell, as bash runs it. A loop
   * in between, {@code cut ... t.txt | while read a b; do ...; done | sort}, the same: what is
   * before it its input ({@link Pipelines}), what is after it reading the scratch file. A call
   * of the script's function, {@code summary $f | sed ...}, is such a stage too. {@code last} is
   * the last stage that runs in the shell, not as a program.
   */
  Status fromCompound(Ast.Pipeline p, int last) {
    int n = p.stages().size();
    if (last == n - 1) {
      return intoCompound(p);
    }
    List<Node> rest = p.stages().subList(last + 1, n);
    Node head = last == 0 ? p.stages().get(0) : new Ast.Pipeline(p.stages().subList(0, last + 1), false, p.line());
    String scratch = PlannedFiles.resolve(state.cwd, ".swamp-pipe-" + ProcessHandle.current().pid() + "-" + (++pipes));
    ShellState.Saved saved = state.save();
    try {
      redirected(List.of(Outputs.emptying(scratch, state.cwd, p.line())), p.line(), () -> walk.apply(head));
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

  /**
   * {@code for ...; done | sort -u | while read x; do ...; done}: a loop at both ends. What the
   * stages before the last write goes to a scratch file (as above), which the last loop reads,
   * in a subshell, as {@code done < FILE}: once the jobs that write it have run, where the walk
   * can wait ({@link Waits}).
   */
  private Status intoCompound(Ast.Pipeline p) {
    int n = p.stages().size();
    if (!(p.stages().get(n - 2) instanceof Ast.Simple feeding)) {
      throw Refusal.at(p.line(), "two loops, groups or subshells side by side in a pipeline ('done | while')"
          + " are not supported; put a command between them, or write the first one's output to a file");
    }
    String scratch = PlannedFiles.resolve(state.cwd, ".swamp-pipe-" + ProcessHandle.current().pid() + "-" + (++pipes));
    List<Ast.Redirect> toScratch = new ArrayList<>(feeding.redirects());
    toScratch.add(Outputs.emptying(scratch, state.cwd, p.line()));
    List<Node> head = new ArrayList<>(p.stages().subList(0, n - 1));
    head.set(n - 2, new Ast.Simple(feeding.words(), toScratch, feeding.line()));
    walk.apply(new Ast.Pipeline(head, false, p.line()));
    Status s = walk.apply(new Ast.Subshell(new Ast.ReadFrom(p.stages().get(n - 1),
        Outputs.reading(scratch, state.cwd, p.line()), p.line()), p.line()));
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
   * {@code c}'s words prints (run while planning or waited for as {@code $(...)} is, all of it,
   * its last newlines too, as {@code done < <(cmd)} reads it) is written to a scratch file of the run by a job of its own,
   * and the command names that file where bash names a pipe ({@code /dev/fd/63}); {@code walk}
   * plans the command, and a last job removes the files.
   */
  Status withProcessFiles(Ast.Simple c, Function<Ast.Simple, Status> walk) {
    List<String> scratches = new ArrayList<>();
    Status s = walk.apply(new Ast.Simple(withFiles(c.words(), scratches, c.line()), c.redirects(), c.line()));
    removed(scratches, c.line());
    return s;
  }

  /**
   * {@code paste <(ncks ... a.nc) <(ncks ... b.nc) | awk ...}: as {@link #withProcessFiles} for
   * the stages of a pipeline that are simple commands.
   */
  Status withProcessFiles(Ast.Pipeline p, Function<Ast.Pipeline, Status> walk) {
    List<String> scratches = new ArrayList<>();
    List<Node> stages = new ArrayList<>();
    for (Node n : p.stages()) {
      stages.add(n instanceof Ast.Simple c && readsProcesses(c)
          ? new Ast.Simple(withFiles(c.words(), scratches, c.line()), c.redirects(), c.line()) : n);
    }
    Status s = walk.apply(new Ast.Pipeline(stages, p.negated(), p.line()));
    removed(scratches, p.line());
    return s;
  }

  /** Whether a simple stage of {@code p} has a process substitution as a word. */
  static boolean readsProcesses(Ast.Pipeline p) {
    return p.stages().stream().anyMatch(n -> n instanceof Ast.Simple c && readsProcesses(c));
  }

  /** A job that removes the scratch files. */
  private void removed(List<String> scratches, int line) {
    List<String> rm = new ArrayList<>(List.of("rm", "-f"));
    rm.addAll(scratches);
    job.apply(List.of(new HereCommands.Draft(rm, List.of(), line)), line);
  }

  /** {@code words} with each process substitution written to a scratch file (added to {@code scratches}) by a job. */
  private List<Ast.Word> withFiles(List<Ast.Word> given, List<String> scratches, int line) {
    List<Ast.Word> words = new ArrayList<>();
    for (Ast.Word w : given) {
      if (!isProcessWord(w.raw())) {
        words.add(w);
        continue;
      }
      // all it prints, its last newlines too ('ncks -s "%g\n"' ends with blank lines, which paste counts)
      String printed = ReadInput.processOutput(expander, w.raw(), line);
      String scratch = PlannedFiles.resolve(state.cwd, ".swamp-psub-" + ProcessHandle.current().pid() + "-" + (++pipes));
      List<Ast.Redirect> redirects = new ArrayList<>();
      List<String> argv = List.of("true");
      if (printed.endsWith("\n")) { // a here-string ends with the newline it takes off
        redirects.add(new Ast.Redirect(0, "<<<", Outputs.quoted(printed.substring(0, printed.length() - 1), line), line));
        argv = List.of("cat");
      } else if (!printed.isEmpty()) { // '<(printf %s "$x")': no last newline
        argv = List.of("printf", "%s", printed);
      }
      redirects.add(Outputs.emptying(scratch, state.cwd, line));
      job.apply(List.of(new HereCommands.Draft(argv, redirects, line)), line);
      words.add(Outputs.quoted(Outputs.relative(scratch, state.cwd), line));
      scratches.add(Outputs.relative(scratch, state.cwd));
    }
    return words;
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
