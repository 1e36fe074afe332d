package swamp.master.script;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The files whose text is known while planning: a job that prints what {@link HereCommands} can
 * print here ({@code ls *.nc > list.txt}, {@code echo $f >> models.txt}, {@code cat > step.sh
 * <<EOF}) writes a text that a later {@code while read f; do ...; done < list.txt}, {@code
 * $(cat list.txt)} or {@code bash step.sh} reads while planning ({@link PlannedFiles#text}).
 */
final class KnownTexts {

  private final ShellState state;
  private final Expander expander;
  private final HereCommands here;

  KnownTexts(ShellState state, Expander expander, HereCommands here) {
    this.state = state;
    this.expander = expander;
    this.here = here;
  }

  /** Commands whose output to a file is known while planning: they run here ({@link HereCommands}). */
  private static final Set<String> PRINTING = Set.of("echo", "printf", "seq", "basename",
      "dirname", "expr", "ls", "cat", "pwd");

  /** Whether {@code d} is a command whose output is known while planning, given its words. */
  boolean prints(HereCommands.Draft d) {
    return PRINTING.contains(d.argv().get(0));
  }

  /**
   * The text of the file {@code d} writes its output to, before it runs: none for {@code >};
   * for {@code >>}, what is known of it (an earlier line's known text, or the file on disk that
   * no earlier line writes). Null when it writes no such file, or that is not known.
   */
  String before(HereCommands.Draft d) {
    if (!prints(d) || d.argv().stream().anyMatch(Marks::marked)) { // known only once it ran
      return null;
    }
    Ast.Redirect into = d.redirects().stream().filter(r -> r.fd() == 1 && r.op().startsWith(">")).findFirst().orElse(null);
    if (into == null || !into.op().equals(">") && !into.op().equals(">>")) {
      return null;
    }
    if (into.op().equals(">")) {
      return "";
    }
    String path = PlannedFiles.resolve(state.cwd, expander.expandString(into.target().raw(), into.line()));
    String known = state.files.text(path);
    if (known != null || state.files.touched(path)) {
      return known;
    }
    try {
      return Files.exists(Path.of(path))
          ? Files.readString(Path.of(path)) : "";
    } catch (IOException | UncheckedIOException e) {
      return null;
    }
  }

  /**
   * {@code ls *.nc > list.txt}, {@code echo $f >> list.txt}, {@code cat > step.sh <<EOF}: a job
   * that prints what is known while planning into a file whose text before it ({@code before})
   * is known; the file's text is then known, for a later {@code while read f; do ...; done <
   * list.txt}, {@code $(cat list.txt)} or {@code bash step.sh}.
   */
  void written(HereCommands.Draft d, Map<String, String> prefix, int line, String before) {
    Ast.Redirect into = null;
    List<Ast.Redirect> rest = new ArrayList<>();
    for (Ast.Redirect r : d.redirects()) {
      if (r.fd() == 1 && (r.op().equals(">") || r.op().equals(">>")) && into == null) {
        into = r;
      } else if (ReadInput.isText(r) || r.op().equals("<")) {
        rest.add(r);
      } else {
        return; // its errors too, or elsewhere: not known
      }
    }
    if (into == null) {
      return;
    }
    String path = PlannedFiles.resolve(state.cwd, expander.expandString(into.target().raw(), into.line()));
    StringBuilder printed = new StringBuilder();
    try {
      here.run(List.of(new HereCommands.Draft(d.argv(), rest, d.line())), line, prefix, printed, null,
          CaptureRoute.ERRORS_DISCARDED); // its job prints them
    } catch (Refusal r) {
      return; // it reads what is not known yet
    }
    state.files.written(path, before + printed);
  }
}
