package swamp.master.script;

import java.util.List;

/**
 * Where a command's output and errors go inside a command substitution that runs while planning
 * ({@link Captures#printed}), its redirections applied left to right as bash applies them: into
 * the captured text, into the pipe to the next stage, nowhere ({@code /dev/null}), or the run's
 * standard error. {@code msg=$(cd "$d" 2>&1)} captures the builtin's error, {@code x=$(echo hi
 * >&2)} captures nothing, {@code x=$(f 2>&1)} captures what the function's commands print on
 * either stream.
 *
 * <p>There {@link ShellState#outputs} holds the routing of the calls around the command ({@link
 * #toOutputs}): an output of null is the captured text, errors of {@link
 * Outputs#TERMINAL_OUTPUT} are too. Errors that the script sends to a file ({@code exec 2>
 * log}) cannot be written while planning: a builtin's error that would go there is printed by a
 * job in the script's order ({@link ShellState#substitutionErrorsTo}), into another file refused.
 */
record CaptureRoute(Sink out, Sink err, String errorsFile) {

  enum Sink { CAPTURED, PIPE, DISCARDED, ERRORS, FILE }

  /** The routing in force inside a substitution, as {@code outputs} holds it there. */
  static CaptureRoute of(Outputs outputs) {
    Sink err = outputs.stderr() == null ? Sink.ERRORS
        : Outputs.TERMINAL_OUTPUT.equals(outputs.stderr()) ? Sink.CAPTURED
        : outputs.stderr().equals("/dev/null") ? Sink.DISCARDED : Sink.FILE;
    // '>&2' then '2> /dev/null': the output goes where the errors went, not where they go now
    Sink out = outputs.stdout() == null ? Sink.CAPTURED
        : Outputs.TERMINAL_ERRORS.equals(outputs.stdout()) ? Sink.ERRORS
        : outputs.stdout().equals("/dev/null") ? Sink.DISCARDED : Sink.FILE;
    return new CaptureRoute(out, err, err == Sink.FILE ? outputs.stderr()
        : out == Sink.FILE ? outputs.stdout() : null);
  }

  /**
   * The routing of the commands before a {@code | while read} loop, which run while planning as
   * a substitution's do: what they print is the loop's input, their errors go where the loop's go.
   */
  static CaptureRoute intoLoop(Outputs outputs) {
    return of(outputs.inSubstitution());
  }

  /** The routing of a command run to learn what it writes into a file, whose job prints its own errors. */
  static final CaptureRoute ERRORS_DISCARDED = new CaptureRoute(Sink.CAPTURED, Sink.DISCARDED, null);

  /** As {@link #of}, for a pipeline's stage: one before the last writes into the pipe. */
  CaptureRoute forStage(boolean last) {
    return last ? this : new CaptureRoute(Sink.PIPE, err, errorsFile);
  }

  /**
   * This routing with {@code redirects} applied, left to right; input redirections are the
   * caller's. Writing a file is refused: a substitution runs while planning.
   */
  CaptureRoute with(List<Ast.Redirect> redirects, Expander expander) {
    Sink o = out;
    Sink e = err;
    for (Ast.Redirect r : redirects) {
      if (!r.op().contains(">")) {
        continue; // '<', here-documents and here-strings: what it reads
      }
      Sink to;
      if (r.op().equals(">&")) {
        String target = r.target().raw();
        to = target.equals("1") ? o : target.equals("2") ? e : null;
        if (to == null || target.equals("-")) {
          throw Refusal.at(r.line(), "'" + r.fd() + ">&" + target + "' in a command substitution is not"
              + " supported; only 2>&1 and >&2");
        }
      } else {
        String target = expander.expandString(r.target().raw(), r.line());
        to = switch (target) {
          case "/dev/null" -> Sink.DISCARDED;
          case "/dev/stderr" -> e;
          case "/dev/stdout" -> o;
          default -> throw Refusal.at(r.line(), "a command substitution that writes a file ('" + r.op() + " "
              + target + "') is not supported: swamp runs it while planning; write the file with a command of its own");
        };
      }
      boolean both = r.op().startsWith("&");
      if (!both && r.fd() != 1 && r.fd() != 2) {
        throw Refusal.at(r.line(), "redirection of descriptor " + r.fd() + " is not supported");
      }
      if (both || r.fd() == 1) {
        o = to;
      }
      if (both || r.fd() == 2) {
        e = to;
      }
    }
    return new CaptureRoute(o, e, errorsFile);
  }

  /** This routing as {@link ShellState#outputs} holds it for the commands a call runs ({@code $(f 2>&1)}). */
  Outputs toOutputs() {
    String stderr = switch (err) {
      case ERRORS -> null;
      case CAPTURED -> Outputs.TERMINAL_OUTPUT;
      case DISCARDED -> "/dev/null";
      default -> errorsFile;
    };
    String stdout = switch (out) {
      case CAPTURED -> null;
      case DISCARDED -> "/dev/null";
      case FILE -> errorsFile;
      default -> Outputs.TERMINAL_ERRORS;
    };
    return new Outputs(stdout, stderr, null);
  }

  /**
   * Prints what a builtin prints on {@code sink}: into {@code captured}, nowhere, or the script's
   * errors, {@code errors} ({@link ShellState#substitutionErrors}).
   */
  void print(Sink sink, String text, StringBuilder captured, StringBuilder errors, int line) {
    switch (sink) {
      case CAPTURED, PIPE -> captured.append(text);
      case DISCARDED -> { }
      case ERRORS -> errors.append(text); // where a program's errors go that runs while planning (HereCommands)
      case FILE -> throw Refusal.at(line, "an error inside $(...) that goes to " + errorsFile + ", where the"
          + " script's errors go, is not supported: swamp runs $(...) while planning and cannot write there;"
          + " send it to /dev/null or into the substitution (2>&1)");
    }
  }
}
