package swamp.master.script;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
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
  record Call(Path script, Node program, String arg0, List<String> args, boolean dash, List<String> options) {
    Call(Path script, Node program, String arg0, List<String> args, boolean dash) {
      this(script, program, arg0, args, dash, List.of());
    }
  }

  /**
   * A shell's options before its script or {@code -c} ({@code bash -e sub.sh}, {@code bash -x},
   * {@code sh -eu -o pipefail}, {@code #!/bin/bash -e}): {@code set} holds them as {@code set}
   * takes them, {@code command} whether {@code -c} is among them, {@code next} the index of the
   * word after them.
   */
  record ShellOptions(List<String> set, boolean command, int next) {}

  /**
   * The options of a shell's command line from {@code words[from]}; null where one is not an
   * option of {@code set} ({@code -i}, {@code -O extglob}, {@code --posix}): such a call is left
   * to run as a program.
   */
  static ShellOptions shellOptions(List<String> words, int from) {
    List<String> set = new java.util.ArrayList<>();
    boolean command = false;
    int k = from;
    for (; k < words.size(); k++) {
      String w = words.get(k);
      if (w.equals("--")) {
        k++;
        break;
      }
      if (w.equals("--norc") || w.equals("--noprofile")) {
        continue; // what a script's shell reads anyway
      }
      if (w.length() < 2 || !(w.startsWith("-") || w.startsWith("+"))) {
        break;
      }
      if (!w.substring(1).matches("[aefhuxvBCEco]+") || w.startsWith("+") && w.contains("c")) {
        return null;
      }
      command |= w.contains("c");
      String flags = w.replace("c", "");
      if (flags.length() > 1) {
        set.add(flags);
      }
      if (flags.contains("o")) { // -o pipefail, -eo pipefail
        if (++k >= words.size()) {
          return null;
        }
        set.add(words.get(k));
      }
    }
    return new ShellOptions(set, command, k);
  }

  /** Whether /bin/sh is dash (Debian's, Ubuntu's), not bash. */
  private static final boolean SH_IS_DASH = shIsDash();

  private static boolean shIsDash() {
    try {
      return Path.of("/bin/sh").toRealPath().getFileName().toString().equals("dash");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The command under {@code env}, {@code nice} and {@code nohup} ({@code env OUT=dir bash
   * sub.sh}, {@code nice -n 5 bash job.sh}), env's variables put into {@code prefix} as if
   * assigned before its name (nice and nohup would only change how its commands run); {@code
   * argv} itself where it starts with none of them, or with one the script defines as a function.
   */
  static List<String> unwrapped(List<String> argv, Map<String, String> prefix, Predicate<String> isFunction) {
    List<String> unwrapped = argv;
    while (!isFunction.test(unwrapped.get(0)) && List.of("env", "nice", "nohup").contains(unwrapped.get(0))) {
      List<String> inner = swamp.protocol.Launchers.wrapped(unwrapped);
      if (inner == null || inner.isEmpty()) {
        break;
      }
      int assignments = unwrapped.size() - 1 - inner.size(); // env's NAME=value words, when no option is given
      if (unwrapped.get(0).equals("env")) {
        if (unwrapped.subList(1, 1 + assignments).stream().anyMatch(a -> a.indexOf('=') <= 0)) {
          break; // 'env -i ...' would clear the rest
        }
        unwrapped.subList(1, 1 + assignments)
            .forEach(a -> prefix.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1)));
      }
      unwrapped = inner;
    }
    return unwrapped;
  }

  /** The script {@code argv} runs, parsed; null when it runs none. */
  static Call find(ShellState state, List<String> argv, int line) {
    String program = argv.get(0);
    String base = program.substring(program.lastIndexOf('/') + 1);
    boolean shell = base.equals("bash") || base.equals("sh");
    ShellOptions options = shell ? shellOptions(argv, 1) : new ShellOptions(List.of(), false, 1);
    if (options == null) {
      return null;
    }
    if (shell && options.command()) {
      return options.next() < argv.size() // 'bash -c "ncks ... | grep -q T"'
          ? inline(argv.subList(options.next(), argv.size()), base, options.set(), line) : null;
    }
    boolean viaShell = shell && argv.size() > options.next();
    if (!viaShell && !program.contains("/")) {
      return null;
    }
    String file = viaShell ? argv.get(options.next()) : program;
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
      ShellOptions own = viaShell ? options : shebangOptions(first); // '#!/bin/bash -e': as 'bash -e sub.sh'
      if (own == null) {
        return null;
      }
      return new Call(path, parsed, file, argv.subList(viaShell ? options.next() + 1 : 1, argv.size()),
          sh && SH_IS_DASH, own.set());
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
  private static Call inline(List<String> words, String shell, List<String> options, int line) {
    try {
      Node parsed = ShellParser.parse(words.get(0), line);
      return new Call(null, parsed, words.size() > 1 ? words.get(1) : shell,
          words.subList(Math.min(words.size(), 2), words.size()), shell.equals("sh") && SH_IS_DASH, options);
    } catch (ScriptException e) {
      throw Refusal.at(line, "in " + shell + " -c, " + e.getMessage());
    }
  }

  /** {@code #!} that names bash or sh, and the one word the kernel passes after it. */
  private static final java.util.regex.Pattern SHEBANG =
      java.util.regex.Pattern.compile("#!\\s*(/usr)?/bin/(env\\s+)?(ba)?sh(\\s+(.*?))?\\s*");

  /** Whether a file's first line is a {@code #!} that names bash or sh. */
  private static boolean namesAShell(String firstLine) {
    return SHEBANG.matcher(firstLine).matches();
  }

  /**
   * The options a script's {@code #!} line gives its shell ({@code #!/bin/bash -e}), which the
   * kernel passes as one word; none without that line; null where they are not {@code set}'s.
   */
  private static ShellOptions shebangOptions(String firstLine) {
    java.util.regex.Matcher m = SHEBANG.matcher(firstLine);
    if (!m.matches() || m.group(5) == null || m.group(5).isEmpty()) {
      return new ShellOptions(List.of(), false, 0);
    }
    ShellOptions o = m.group(2) == null ? shellOptions(List.of(m.group(5)), 0) : null; // env takes no options here
    return o == null || o.command() || o.next() != 1 ? null : o;
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
