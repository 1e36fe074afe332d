package swamp.master.script;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import swamp.master.script.Ast.Node;

/**
 * A command that runs another script with bash: {@code bash sub.sh ARGS}, {@code sh sub.sh},
 * {@code ./sub.sh} whose first line names bash or sh, or {@code bash -c TEXT}. Its commands are
 * planned with the caller's, as bash would run each of them too. A script an earlier line writes
 * with a text known while planning ({@code cat > sub.sh <<'EOF'}) is one as well, also as {@code
 * ./sub.sh} (after {@code chmod +x}) where it has no {@code #!} line. Not such a call: a script
 * an earlier line writes otherwise (a job runs what is there when it starts) and one installed in
 * a directory of the PATH (a program, such as NCO's ncclimo, which is a bash script).
 */
final class ScriptCalls {
  private ScriptCalls() {}

  /**
   * The script, its parsed text, its {@code $0} and its arguments; {@code dash}: it runs under
   * {@code sh} ({@code sh sub.sh}, {@code #!/bin/sh}) where sh is dash, whose {@code echo} reads
   * backslash escapes.
   */
  record Call(Path script, Node program, String arg0, List<String> args, boolean dash) {}

  /** Whether /bin/sh is dash (Debian's, Ubuntu's), not bash. */
  private static final boolean SH_IS_DASH = shIsDash();

  private static boolean shIsDash() {
    try {
      return Path.of("/bin/sh").toRealPath().getFileName().toString().equals("dash");
    } catch (IOException e) {
      return false;
    }
  }

  /** The script {@code argv} runs, parsed; null when it runs none. */
  static Call find(ShellState state, List<String> argv, int line) {
    String program = argv.get(0);
    String base = program.substring(program.lastIndexOf('/') + 1);
    if ((base.equals("bash") || base.equals("sh")) && argv.size() > 2 && argv.get(1).equals("-c")) {
      return inline(argv, base, line); // 'bash -c "ncks ... | grep -q T"'
    }
    boolean viaShell = (base.equals("bash") || base.equals("sh")) && argv.size() > 1
        && !argv.get(1).startsWith("-");
    if (!viaShell && !program.contains("/")) {
      return null;
    }
    String file = viaShell ? argv.get(1) : program;
    Path path = Path.of(PlannedFiles.resolve(state.cwd, file));
    String written = state.files.text(path.toString()); // 'cat > sub.sh <<EOF' before
    if (written != null && !viaShell && !startsAShell(written.lines().findFirst().orElse(""))) {
      return null; // './sub.py' written by an earlier line: a program of its own
    }
    if (written == null && (state.files.touched(path.toString()) || !Files.isRegularFile(path)
        || !Files.isReadable(path) || onPath(state, path) || !viaShell && !namesAShell(firstLine(path)))) {
      return null;
    }
    if (!viaShell && !Files.isExecutable(path) // bash's 126: chmod +x is missing, also for a
        && !state.files.modeChanges(path.toString())) { // text an earlier line wrote
      throw new Refusal.Failed(file + ": Permission denied", 126, line, file + " is not executable");
    }
    try {
      Node parsed = ShellParser.parse(written != null ? written : Files.readString(path), 1);
      String first = written != null ? written.lines().findFirst().orElse("") : firstLine(path);
      boolean sh = viaShell ? base.equals("sh") : !first.contains("bash");
      return new Call(path, parsed, file, argv.subList(viaShell ? 2 : 1, argv.size()), sh && SH_IS_DASH);
    } catch (IOException e) {
      throw Refusal.at(line, file + ": " + e.getMessage());
    } catch (ScriptException e) {
      throw Refusal.at(line, "in " + file + ", " + e.getMessage());
    }
  }

  /**
   * {@code bash -c TEXT [ARG0 [ARGS...]]}: TEXT is the script, run in a shell of its own as a
   * script file would be; {@code $0} is ARG0, else the shell's name.
   */
  private static Call inline(List<String> argv, String shell, int line) {
    try {
      Node parsed = ShellParser.parse(argv.get(2), line);
      return new Call(null, parsed, argv.size() > 3 ? argv.get(3) : shell,
          argv.subList(Math.min(argv.size(), 4), argv.size()), shell.equals("sh") && SH_IS_DASH);
    } catch (ScriptException e) {
      throw Refusal.at(line, "in " + shell + " -c, " + e.getMessage());
    }
  }

  /** Whether a file's first line is a {@code #!} that names bash or sh. */
  private static boolean namesAShell(String firstLine) {
    return firstLine.matches("#!\\s*(/usr)?/bin/(env\\s+)?(ba)?sh(\\s.*)?");
  }

  /**
   * Whether a text an earlier line wrote, run as {@code ./sub.sh}, is a shell's: its {@code #!}
   * names one, or it has none (bash runs such a text itself).
   */
  private static boolean startsAShell(String firstLine) {
    return !firstLine.startsWith("#!") || namesAShell(firstLine);
  }

  private static String firstLine(Path path) {
    try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.ISO_8859_1)) {
      String first = r.readLine();
      return first == null ? "" : first;
    } catch (IOException e) {
      return "";
    }
  }

  /** Whether {@code path} lies in a directory of the script's PATH. */
  private static boolean onPath(ShellState state, Path path) {
    String dirs = state.scalar("PATH");
    String parent = path.getParent() == null ? "/" : path.getParent().toString();
    for (String dir : (dirs == null ? "" : dirs).split(":")) {
      if (!dir.isEmpty() && PlannedFiles.resolve(state.cwd, dir).equals(parent)) {
        return true;
      }
    }
    return false;
  }
}
