package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import swamp.master.script.Ast.Node;
import swamp.protocol.ShellText;

/**
 * {@code parallel} (GNU parallel) in a script: each command it would give a shell ({@link
 * GnuParallel}) planned as a shell of its own runs it ({@link Calls#script}: the exported
 * variables only, what it sets not kept), side by side with the others. Its output redirection
 * is opened once, as parallel's: the commands after the first append. Its status is 0 where every
 * command succeeded, else 1 (GNU parallel's is the number that failed); set -e stops the script
 * there once they have all run.
 */
final class Parallels {

  private final ShellState state;
  private final Expander expander;
  private final Calls calls;
  private final PlannedJobs jobs;
  private final Walk walk;

  Parallels(ShellState state, Expander expander, Calls calls, PlannedJobs jobs, Walk walk) {
    this.state = state;
    this.expander = expander;
    this.calls = calls;
    this.jobs = jobs;
    this.walk = walk;
  }

  /**
   * Plans {@code words} ({@code parallel ...}) with its redirections {@code redirects} (but its
   * input) and the variables set for it, {@code prefix}; {@code input} is what it reads where it
   * has no {@code :::} source (a pipeline's, a file's), or null.
   */
  Status run(List<String> words, List<Ast.Redirect> redirects, Map<String, String> prefix, String input, int line) {
    // its words go into the texts a shell reads: a glob's match of a file an earlier job makes is
    // in them as the plan counts on it, not as a word only a job's run keeps or drops
    List<String> argv = SimpleCommands.plainWords(state, words);
    GnuParallel.Call call = GnuParallel.call(argv.subList(1, argv.size()), line);
    List<List<String>> values = new ArrayList<>();
    if (call.sources().isEmpty()) {
      if (input == null) {
        throw Refusal.at(line, "parallel here reads the script's standard input, which a run does not have: give it"
            + " its arguments with ::: or :::: FILE, or a pipeline ('ls *.nc | parallel ...')");
      }
      values.add(GnuParallel.lines(input));
    }
    for (GnuParallel.Source s : call.sources()) {
      values.add(s.file() == null ? s.words() : GnuParallel.lines(walk.inputText(
          new Ast.Redirect(0, "<", new Ast.Word(ShellText.quote(s.file()), line), line))));
    }
    String around = outputs(redirects);
    List<Status> ran = new ArrayList<>();
    for (String text : GnuParallel.texts(call, values, line)) {
      Node program;
      try {
        program = ShellParser.parse(around.isEmpty() ? text : "{ " + text + "\n}" + around, line);
      } catch (ScriptException e) {
        throw Refusal.at(line, "in the command parallel makes of '" + text + "': " + e.problem());
      }
      ran.add(shell(new ScriptCalls.Call(null, program, "bash", List.of(), false), prefix, line));
      around = around.replace(" 1> ", " 1>> ").replace(" 2> ", " 2>> ").replace(" &> ", " &>> "); // opened once
    }
    return jobs.allOf(ran, 0, 1, line, walk.guards(), walk.stopsOnFailure());
  }

  /**
   * Plans {@code call}, a shell a launcher starts (parallel's for each command, xargs's {@code sh -c
   * TEXT} or {@code bash sub.sh}), as a shell of its own runs it, side by side with the others:
   * its status is the shell's, and its {@code cmd || exit 1} ends only it.
   */
  Status shell(ScriptCalls.Call call, Map<String, String> prefix, int line) {
    return walk.inCondition(() -> {
      jobs.enterSubshell(false);
      try {
        return calls.script(call, new java.util.LinkedHashMap<>(prefix), line);
      } finally {
        jobs.leaveScope();
      }
    });
  }

  /** parallel's own output redirections as shell text, their targets expanded here. */
  private String outputs(List<Ast.Redirect> redirects) {
    StringBuilder text = new StringBuilder();
    for (Ast.Redirect r : redirects) {
      if (r.op().equals(">&") || r.op().equals("<&")) {
        text.append(' ').append(r.fd()).append(r.op()).append(r.target().raw());
      } else if (r.op().startsWith("&")) {
        text.append(' ').append(r.op()).append(' ').append(ShellText.quote(expander.expandString(r.target().raw(), r.line())));
      } else if (r.op().startsWith(">")) {
        text.append(' ').append(r.fd()).append(r.op()).append(' ')
            .append(ShellText.quote(expander.expandString(r.target().raw(), r.line())));
      }
    }
    return text.toString();
  }
}
