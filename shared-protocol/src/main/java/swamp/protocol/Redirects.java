package swamp.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a job's (or a pipeline stage's) standard streams go instead of the worker's capture, as a
 * shell's redirections say it. Paths are relative to the job's working directory (absolute ones
 * are allowed); null (or false) means not redirected: standard input reads nothing, and standard
 * output and error are captured into the job's result.
 *
 * @param stdin the file standard input reads ({@code < f}); it must exist
 * @param stdout the file standard output writes ({@code > f}), created when missing
 * @param stdoutAppend append to {@code stdout} instead of truncating it ({@code >> f})
 * @param stderr the file standard error writes ({@code 2> f})
 * @param stderrAppend append to {@code stderr} ({@code 2>> f})
 * @param stderrToStdout standard error goes wherever standard output goes ({@code > f 2>&1},
 *     {@code &> f}, or into the pipe of {@code a 2>&1 | b})
 * @param stdinText the text standard input reads instead of a file: a script's here-document
 *     ({@code cat > f.nco <<EOF}) or here-string ({@code <<< "$x"})
 */
public record Redirects(String stdin, String stdout, boolean stdoutAppend, String stderr,
    boolean stderrAppend, boolean stderrToStdout, String stdinText) implements CborSerializable {

  /** Nothing redirected. */
  public static final Redirects NONE = new Redirects(null, null, false, null, false, false);

  /** Files only, no text for standard input. */
  public Redirects(String stdin, String stdout, boolean stdoutAppend, String stderr,
      boolean stderrAppend, boolean stderrToStdout) {
    this(stdin, stdout, stdoutAppend, stderr, stderrAppend, stderrToStdout, null);
  }

  public static Redirects stdoutTo(String file) {
    return new Redirects(null, file, false, null, false, false);
  }

  public boolean redirectsNothing() {
    return NONE.equals(this);
  }

  /** How many characters its paths and text hold, toward {@link JobSpec#MAX_COMMAND_CHARS}. */
  int chars() {
    return length(stdin) + length(stdout) + length(stderr) + length(stdinText);
  }

  /** Whether standard input reads something: a file or a text. */
  public boolean readsInput() {
    return stdin != null || stdinText != null;
  }

  /** The problems of these redirections, each starting with {@code where}. */
  List<String> problems(String where) {
    List<String> problems = new ArrayList<>();
    path(where + "stdin", stdin, problems);
    path(where + "stdout", stdout, problems);
    path(where + "stderr", stderr, problems);
    if (stdoutAppend && stdout == null) {
      problems.add(where + "stdoutAppend is set but stdout is not redirected");
    }
    if (stderrAppend && stderr == null) {
      problems.add(where + "stderrAppend is set but stderr is not redirected");
    }
    if (stdin != null && stdinText != null) {
      problems.add(where + "stdin reads both the file '" + stdin + "' and a text (stdinText); give one");
    }
    if (stdinText != null && stdinText.indexOf('\0') >= 0) {
      problems.add(where + "stdinText holds a NUL character");
    }
    if (stderrToStdout && stderr != null) {
      problems.add(where + "stderr goes both to '" + stderr + "' and to stdout (stderrToStdout)");
    }
    return problems;
  }

  /**
   * The shell's words for these redirections, e.g. {@code < in.txt > out.txt 2>&1}; a text
   * for standard input shows as {@code <<EOF}, without the text.
   */
  public String shellText() {
    StringBuilder s = new StringBuilder();
    if (stdin != null) {
      s.append(" < ").append(ShellText.quote(stdin));
    }
    if (stdinText != null) {
      s.append(" <<EOF");
    }
    if (stdout != null) {
      s.append(stdoutAppend ? " >> " : " > ").append(ShellText.quote(stdout));
    }
    if (stderr != null) {
      s.append(stderrAppend ? " 2>> " : " 2> ").append(ShellText.quote(stderr));
    }
    if (stderrToStdout) {
      s.append(" 2>&1");
    }
    return s.toString().trim();
  }

  private static void path(String field, String path, List<String> problems) {
    if (path == null) {
      return;
    }
    if (path.isBlank()) {
      problems.add(field + " is blank: name a file");
    } else if (path.indexOf('\0') >= 0) {
      problems.add(field + " holds a NUL character");
    }
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }
}
