package swamp.master.script;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The builtins that ask whether a command exists ({@code command -v}, {@code type}, {@code which},
 * {@code hash}), which scripts use to stop early when a program is missing ({@code command -v
 * ncks > /dev/null || exit 1}). They are answered while planning, from the functions the script
 * defined, the shell's builtins and the script's {@code PATH} on the machine that plans it.
 */
final class CommandLookup {

  /** Builtins beside {@link ShellBuiltins#isPlanTime}'s, as {@code type} names them. */
  private static final Set<String> OTHER_BUILTINS = Set.of("echo", "printf", "read", "mapfile",
      "readarray", "getopts", "command", "type", "hash", "pwd", "true", "false", "trap", "eval", "jobs", "dirs");

  private final ShellState state;
  private final Map<String, Ast.FunctionDef> functions;

  /** Whether {@code name} is one of bash's builtins the planner knows. */
  static boolean isBuiltin(String name) {
    return ShellBuiltins.isPlanTime(name) || OTHER_BUILTINS.contains(name);
  }

  CommandLookup(ShellState state, Map<String, Ast.FunctionDef> functions) {
    this.state = state;
    this.functions = functions;
  }

  /**
   * {@code command -v|-V NAME}, {@code type [-t|-p|-P] NAME}, {@code which NAME} and {@code hash
   * NAME}: whether NAME is a function, a builtin or a program on the script's PATH, answered on
   * the machine that plans the script (the pool's workers are expected to have the programs it
   * has). What they print goes to {@code out} (a command substitution's), if any.
   */
  Status run(String name, List<String> args, int line, StringBuilder out) {
    List<String> names = new ArrayList<>();
    String mode = name.equals("command") ? "" : name.equals("type") ? "type" : "-p";
    for (String a : args) {
      if (a.startsWith("-") && names.isEmpty()) {
        switch (name + " " + a) {
          case "command -v", "command -V", "type -t", "type -p", "type -P", "type -a",
              "which -a" -> mode = a.equals("-a") ? mode : a;
          default -> throw Refusal.at(line, "'" + name + " " + a + "' is not supported; swamp's"
              + " planner answers command -v NAME, type [-t|-p] NAME, which NAME and hash NAME");
        }
      } else {
        names.add(a);
      }
    }
    if (mode.isEmpty()) {
      throw Refusal.at(line, "'command NAME' is not supported; write the command itself (to find a"
          + " program: command -v NAME)");
    }
    boolean all = true;
    for (String n : names) {
      String kind = functions.containsKey(n) ? "function"
          : ShellBuiltins.isPlanTime(n) || OTHER_BUILTINS.contains(n) ? "builtin" : null;
      String path = kind == null ? onPath(n) : null;
      if (kind == null && path != null) {
        kind = "file";
      }
      if (kind == null) {
        all = false;
        continue;
      }
      String text = switch (mode) {
        case "-v" -> path != null ? path : n;
        case "-t" -> kind;
        case "-p", "-P" -> path;
        default -> {
          if (kind.equals("function")) { // bash prints the body too, in its own layout
            throw Refusal.at(line, "'" + name + " " + n + "' of a function is not supported: bash"
                + " prints the function's body as it formats it; 'type -t " + n + "' prints 'function'");
          }
          yield path != null ? n + " is " + path : n + " is a shell " + kind;
        }
      };
      if (out != null && text != null && !name.equals("hash")) {
        out.append(text).append('\n');
      }
    }
    return all ? Status.OK : Status.FAIL;
  }

  /** The executable file {@code name} runs, found on the script's PATH; null when none. */
  private String onPath(String name) {
    if (name.contains("/")) {
      Path p = Path.of(PlannedFiles.resolve(state.cwd, name));
      return Files.isRegularFile(p) && Files.isExecutable(p) ? name : null;
    }
    return onPath(name, state.scalar("PATH"), state.cwd);
  }

  /** The executable file {@code name} (no slash in it) runs, found on {@code path}; null when none. */
  static String onPath(String name, String path, String cwd) {
    for (String dir : (path == null ? "" : path).split(":")) {
      Path p = Path.of(dir.isEmpty() ? cwd : dir).resolve(name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }
}
