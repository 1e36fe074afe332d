package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A builtin whose output or errors go to a file: {@code cd "$d" 2>> err.log}, {@code [ -f x ] 2>
 * err.txt}. bash opens the file before the builtin runs, in the directory it runs in (before
 * {@code cd} leaves it), so the file is there, emptied by {@code >}, even where the builtin
 * prints nothing, or sends it elsewhere ({@code pushd d > f} prints its error with {@code >&2}): a
 * job of {@code true} opens them first. The builtin sees its targets as absolute paths, which the
 * job that prints its text (its error, {@code cd -}'s directory) writes from the new directory.
 */
final class BuiltinFiles {

  private final ShellState state;
  private final Expander expander;
  private final Walk walk;

  BuiltinFiles(ShellState state, Expander expander, Walk walk) {
    this.state = state;
    this.expander = expander;
    this.walk = walk;
  }

  /** Runs {@code builtin} on {@code c} with its files opened as bash opens them. */
  Status opened(Ast.Simple c, Map<String, String> prefix, Function<Ast.Simple, Status> builtin) {
    if (!Outputs.writesFile(c.redirects())) {
      return builtin.apply(c);
    }
    if (walk.captured() != null) {
      throw Refusal.at(c.line(), "'" + c.words().get(0).raw() + "' with its output or errors to a file inside $(...) is"
          + " not supported: swamp runs $(...) while planning and cannot write the file; redirect the whole $(...)");
    }
    List<Ast.Redirect> absolute = new ArrayList<>();
    List<Ast.Redirect> outputs = new ArrayList<>();
    for (Ast.Redirect r : c.redirects()) {
      Ast.Redirect a = r;
      if (r.op().contains(">") && !r.op().equals(">&")) {
        String target = expander.expandString(r.target().raw(), r.line());
        a = new Ast.Redirect(r.fd(), r.op(), Outputs.quoted(PlannedFiles.resolve(state.cwd, target), r.line()), r.line());
      }
      absolute.add(a);
      if (a.op().contains(">")) {
        outputs.add(a);
      }
    }
    walk.job(List.of(new HereCommands.Draft(List.of("true"), outputs, c.line())), prefix, c.line());
    return builtin.apply(new Ast.Simple(c.words(), absolute, c.line()));
  }

  /** {@code c} without its output redirections, which {@link #opened} has taken care of. */
  static Ast.Simple inputsOnly(Ast.Simple c) {
    return new Ast.Simple(c.words(), c.redirects().stream().filter(r -> !r.op().contains(">")).toList(), c.line());
  }
}
