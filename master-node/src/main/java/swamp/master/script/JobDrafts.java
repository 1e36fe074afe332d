package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import swamp.protocol.JobSpec;
import swamp.protocol.Redirects;
import swamp.protocol.Stage;

/**
 * What a command or pipeline the walk plans becomes as a job's stages: each stage's words and
 * redirections (those {@code exec > log} or {@code done > f} set around it first), with what a
 * job cannot do as bash would refused now, with the line, rather than once the run is submitted.
 */
final class JobDrafts {

  /**
   * The stages of a job; {@code outputIsErrors}: its last stage's output goes where the script's
   * errors go ({@code >&2}); {@code errorsAreOutput}: its errors where the script's output goes
   * ({@code 2>&1 > f}); {@code teed}: its last stage is the {@code tee} of {@code exec >
   * >(tee -a log)}, whose status is not the command's (the job's is its pipeline's, pipefail).
   */
  record Drafted(List<Stage> stages, boolean outputIsErrors, boolean errorsAreOutput, boolean teed) {}

  private record Redirected(Redirects redirects, boolean toStderr, boolean errorsToOutput) {}

  private final ShellState state;
  private final Expander expander;

  JobDrafts(ShellState state, Expander expander) {
    this.state = state;
    this.expander = expander;
  }

  /** The stages of {@code drafts}, a command or the stages of a pipeline. */
  Drafted stages(List<HereCommands.Draft> drafts) {
    List<Stage> stages = new ArrayList<>();
    Redirected last = null;
    for (int i = 0; i < drafts.size(); i++) {
      HereCommands.Draft d = drafts.get(i);
      List<Ast.Redirect> redirects = state.outputs.forStage(i == drafts.size() - 1, state.cwd, d.line());
      redirects.addAll(d.redirects());
      List<String> argv = state.dashEcho && d.argv().get(0).equals("echo") // dash's echo, not /bin/echo
          ? List.of("printf", "%s", Coreutils.dashEcho(d.argv().subList(1, d.argv().size())).text())
          : bashPrintf(d.argv(), d.line());
      last = redirects(redirects, d.line());
      if (last.errorsToOutput() && i < drafts.size() - 1) { // bash's: errors into the pipe
        throw Refusal.at(d.line(), "'2>&1 > FILE |' before a pipe (the errors into the pipe, the"
            + " output to FILE) is not supported; send the errors to a file ('2> errors.txt') and"
            + " read that");
      }
      stages.add(new Stage(argv, last.redirects()));
    }
    return state.outputs.copy() == null ? new Drafted(stages, last.toStderr(), last.errorsToOutput(), false)
        : copied(stages, last);
  }

  /**
   * Under {@code exec > >(tee -a log)} ({@link Outputs}): a job whose output reaches the terminal
   * (or its errors, when they go there too: {@code echo oops >&2} after {@code exec > >(tee -a
   * log) 2>&1}) ends in a stage {@code tee -a log}, its status still its command's (pipefail). A
   * pipeline without pipefail, whose status is its last stage's, writes into the log alone; a
   * command whose output goes to a file of its own sends the errors that would reach the
   * terminal's output into the log.
   */
  private Drafted copied(List<Stage> stages, Redirected last) {
    String log = Outputs.relative(state.outputs.copy(), state.cwd);
    Redirects r = last.redirects() == null ? Redirects.NONE : last.redirects();
    int end = stages.size() - 1;
    boolean errorsAreCopied = Outputs.TERMINAL_OUTPUT.equals(state.outputs.stderr());
    if (r.stdout() == null && (!last.toStderr() || errorsAreCopied)) {
      if (stages.size() == 1 || state.pipefail) {
        stages.add(new Stage(List.of("tee", "-a", log), null));
        return new Drafted(stages, false, last.errorsToOutput(), true);
      }
      stages.set(end, new Stage(stages.get(end).argv(), new Redirects(r.stdin(), log, true,
          r.stderr(), r.stderrAppend(), r.stderrToStdout(), r.stdinText())));
      return new Drafted(stages, false, false, false);
    }
    if (last.errorsToOutput()) {
      stages.set(end, new Stage(stages.get(end).argv(), new Redirects(r.stdin(), r.stdout(),
          r.stdoutAppend(), log, true, false, r.stdinText())));
      return new Drafted(stages, last.toStderr(), false, false);
    }
    return new Drafted(stages, last.toStderr(), false, false);
  }

  /**
   * Refuses a job that cannot be carried as planned: more than {@link JobSpec#MAX_COMMAND_CHARS}
   * characters of command, environment and here-document, or a job's status (known only once it
   * ran) in its environment or a redirection's target.
   */
  static void check(List<Stage> stages, Map<String, String> env, int line) {
    checkSize(stages, env, line);
    if (env.values().stream().anyMatch(Marks::holdsStatus)) {
      throw Refusal.jobStatus(line, "a command's environment");
    }
    for (Stage s : stages) {
      Redirects r = s.redirected();
      if (Stream.of(r.stdin(), r.stdout(), r.stderr()).anyMatch(t -> t != null && Marks.holdsStatus(t))) {
        throw Refusal.jobStatus(line, "a redirection");
      }
    }
  }

  /**
   * A job runs the system's printf, where bash's is a builtin: what only bash's knows ({@code %q},
   * {@code %(%Y)T}) is printed here, and the job prints that text.
   */
  private static List<String> bashPrintf(List<String> argv, int line) {
    if (!argv.get(0).equals("printf") || argv.size() < 2 || !argv.get(1).matches("(?s).*%[-+ #0-9.*]*(q|\\().*")) {
      return argv;
    }
    try {
      return List.of("printf", "%s", Printf.format(argv.subList(1, argv.size())).text());
    } catch (Coreutils.UsageException e) {
      throw Refusal.at(line, e.getMessage());
    }
  }

  /**
   * A job carries its command, environment and here-document to the worker: more than {@link
   * JobSpec#MAX_COMMAND_CHARS} characters of them are refused now, with the line, rather than
   * by the master once the run is submitted.
   */
  private static void checkSize(List<Stage> stages, Map<String, String> env, int line) {
    long chars = 0;
    long text = 0;
    for (Stage stage : stages) {
      for (String a : stage.argv()) {
        chars += a.length();
      }
      Redirects r = stage.redirected();
      if (r.stdinText() != null) {
        text += r.stdinText().length();
      }
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      chars += e.getKey().length() + e.getValue().length();
    }
    if (chars + text > JobSpec.MAX_COMMAND_CHARS) {
      throw Refusal.at(line, "this command holds " + (chars + text) + " characters" + (text > 0
          ? " (" + text + " of them a here-document's)" : "") + ", and a job carries at most "
          + JobSpec.MAX_COMMAND_CHARS + (text > 0 ? "; keep a text this long in a file of its own"
          + " and read that ('< FILE')" : "; split it, or give the program its list of files"
          + " through a file or standard input"));
    }
  }

  /**
   * A stage's redirections, as the job carries them; {@code line} is the command's. Of those
   * only bash knows how to carry out, it refuses what a job cannot do with the line that asks.
   */
  private Redirected redirects(List<Ast.Redirect> list, int line) {
    boolean toStderr = false; // its output goes where the script's errors go
    boolean errorsToOutput = false; // its errors go where the script's output goes
    String stdin = null;
    String stdout = null;
    boolean stdoutAppend = false;
    String stderr = null;
    boolean stderrAppend = false;
    boolean stderrToStdout = false;
    boolean stderrToOriginalStdout = false;
    String stdinText = null;
    for (Ast.Redirect r : list) {
      if (ReadInput.isText(r)) { // a here-document or here-string: the job reads its text
        if (r.fd() != 0) {
          throw Refusal.at(r.line(), "a here-document for descriptor " + r.fd() + " is not supported");
        }
        stdinText = ReadInput.jobText(state, expander, r); // 'ncks ... <<EOF' with $? in it: filled in by the run
        stdin = null;
        continue;
      }
      String target = r.op().equals(">&") || r.op().equals("<&") ? r.target().raw()
          : expander.expandString(r.target().raw(), r.line());
      if (target.isEmpty()) {
        throw Refusal.at(r.line(), "ambiguous redirect: '" + r.target().raw() + "' expands to nothing");
      }
      switch (r.op()) {
        case "<" -> {
          if (r.fd() != 0) {
            throw Refusal.at(r.line(), "input redirection of descriptor " + r.fd() + " is not supported");
          }
          stdin = target;
          stdinText = null;
        }
        case ">", ">>" -> {
          boolean append = r.op().equals(">>");
          if (r.fd() == 1) {
            if (stderrToStdout) { // '> a 2>&1 > b': errors stay in a
              stderr = stdout;
              stderrAppend = stdoutAppend;
              stderrToStdout = false;
            }
            // '2>&1 > f': errors stay where the output was going, the job's own (printed on stdout)
            errorsToOutput |= stderrToOriginalStdout;
            stderrToOriginalStdout = false;
            toStderr = false;
            stdout = target;
            stdoutAppend = append;
          } else if (r.fd() == 2) {
            stderr = target;
            stderrAppend = append;
            stderrToStdout = false;
            stderrToOriginalStdout = false;
          } else {
            throw Refusal.at(r.line(), "redirection of descriptor " + r.fd() + " is not supported");
          }
        }
        case "&>", "&>>" -> {
          stdout = target;
          stdoutAppend = r.op().equals("&>>");
          stderr = null;
          stderrAppend = false;
          stderrToStdout = true;
          stderrToOriginalStdout = false;
          toStderr = false;
        }
        case ">&" -> {
          if (r.fd() == 2 && target.equals("1")) { // 'exec 2>> err.log' then 'cmd > /dev/null 2>&1'
            stderr = null;
            stderrAppend = false;
            stderrToStdout = stdout != null;
            stderrToOriginalStdout = stdout == null;
          } else if (r.fd() == 1 && target.equals("2")) { // '>&2': where its errors go ('2>&1 >&2': the output)
            if (!stderrToStdout && !stderrToOriginalStdout) {
              stdout = stderr;
              stdoutAppend = stderrAppend;
              toStderr = stderr == null;
            }
          } else if (!(r.fd() == 1 && target.equals("1")) && !(r.fd() == 2 && target.equals("2"))) {
            throw Refusal.at(r.line(), "'" + r.fd() + ">&" + target + "' is not supported; only 2>&1 and >&2");
          }
        }
        case "<&" -> throw Refusal.at(r.line(), "'<&' is not supported");
        default -> throw Refusal.at(r.line(), "redirection '" + r.op() + "' is not supported");
      }
    }
    if (stderrToOriginalStdout) {
      stderrToStdout = true;
    }
    if (stdin == null && stdinText == null && stdout == null && stderr == null && !stderrToStdout) {
      return new Redirected(null, toStderr, errorsToOutput);
    }
    return new Redirected(new Redirects(stdin, stdout, stdoutAppend, stderr, stderrAppend, stderrToStdout,
        stdinText), toStderr, errorsToOutput);
  }
}
