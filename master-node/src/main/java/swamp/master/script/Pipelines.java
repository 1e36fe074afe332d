package swamp.master.script;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import swamp.master.script.Ast.Node;

/**
 * The {@link Planner}'s pipelines: one job of all its stages ({@code ncdump -h f | grep time >
 * t}); with a loop as the last stage ({@code ls *.nc | while read f}) the stages before it run
 * while planning and the loop reads what they print; with a loop as the first, {@link
 * Redirecting#fromCompound}. In a command substitution every stage runs while planning.
 */
final class Pipelines {

  private final ShellState state;
  private final Expander expander;
  private final HereCommands here;
  private final Redirecting redirecting;
  private final Map<String, Ast.FunctionDef> functions;
  private final Walk walk;

  Pipelines(ShellState state, Expander expander, HereCommands here, Redirecting redirecting,
      Map<String, Ast.FunctionDef> functions, Walk walk) {
    this.state = state;
    this.expander = expander;
    this.here = here;
    this.redirecting = redirecting;
    this.functions = functions;
    this.walk = walk;
  }

  Status run(Ast.Pipeline p) {
    StringBuilder captured = walk.captured();
    if (p.stages().size() == 1) {
      return p.negated() ? walk.not(walk.inCondition(p.stages().get(0)), p.line())
          : walk.exec(p.stages().get(0));
    }
    if (!(p.stages().get(0) instanceof Ast.Simple) && captured == null && !p.negated()) {
      return redirecting.fromCompound(p);
    }
    List<HereCommands.Draft> stages = new ArrayList<>();
    Map<String, String> prefix = new LinkedHashMap<>();
    Node last = p.stages().get(p.stages().size() - 1);
    boolean intoCompound = !(last instanceof Ast.Simple);
    for (Node n : intoCompound ? p.stages().subList(0, p.stages().size() - 1) : p.stages()) {
      if (!(n instanceof Ast.Simple c)) {
        throw Refusal.at(n.line(), "a stage of a pipeline must be a simple command; a loop, group or"
            + " subshell is supported only as its last stage ('ls *.nc | while read f; do ...')");
      }
      stages.add(stage(c, prefix, captured == null && !intoCompound));
    }
    Status s;
    if (intoCompound) {
      // 'ls *.nc | while read f; ...': what the commands before it print is the loop's input,
      // so they run while planning, as in a command substitution
      StringBuilder printed = new StringBuilder();
      here.run(stages, p.line(), prefix, printed);
      s = walk.readingFrom(printed.toString(), last, true);
    } else if (captured != null) {
      s = Status.of(here.run(stages, p.line(), prefix, captured));
    } else {
      s = walk.job(stages, prefix, p.line());
    }
    return p.negated() ? walk.not(s, p.line()) : s;
  }

  /** One stage's command; its assignments ({@code LC_ALL=C sort}) go to {@code prefix}. */
  private HereCommands.Draft stage(Ast.Simple c, Map<String, String> prefix, boolean asJob) {
    int k = 0;
    while (k < c.words().size() && Variables.ASSIGNMENT.matcher(c.words().get(k).raw()).matches()) {
      Matcher m = Variables.ASSIGNMENT.matcher(c.words().get(k).raw());
      m.matches();
      prefix.put(m.group(1), expander.expandString(m.group(5), c.line()));
      k++;
    }
    List<String> argv = expander.expandWords(c.words().subList(k, c.words().size()));
    if (argv.isEmpty()) {
      throw Refusal.at(c.line(), "an empty stage in a pipeline");
    }
    String name = argv.get(0);
    if (name.equals("pwd") && !functions.containsKey(name)) { // bash's builtin, in 'pwd | ...' too
      argv = List.of("printf", "%s\n", state.cwd);
    }
    if (functions.containsKey(name)) {
      throw Refusal.at(c.line(), "function '" + name + "' in a pipeline is not supported;"
          + " write its commands in the pipeline");
    }
    if (asJob && ShellBuiltins.isPlanTime(name)) {
      throw Refusal.at(c.line(), "'" + name + "' is a shell builtin and cannot be a stage of a pipeline"
          + " that runs as a job");
    }
    return new HereCommands.Draft(argv, c.redirects(), c.line());
  }

  /** {@code ! pipeline}: the status turned over, which must be known while planning. */
}
