package swamp.protocol;

import java.util.List;

/**
 * One command of a pipeline ({@code a | b | c}): its argv, looked up and checked like a job's
 * program, and its own redirections. Its standard input is the previous stage's output.
 *
 * @param redirects null when nothing of this stage is redirected
 */
public record Stage(List<String> argv, Redirects redirects) implements CborSerializable {

  public Stage {
    argv = argv == null ? List.of() : List.copyOf(argv);
  }

  public static Stage of(String... argv) {
    return new Stage(List.of(argv), null);
  }

  public String program() {
    return argv.isEmpty() || argv.get(0) == null ? "" : argv.get(0);
  }

  /** Its redirections, {@link Redirects#NONE} when it has none. */
  public Redirects redirected() {
    return redirects == null ? Redirects.NONE : redirects;
  }
}
