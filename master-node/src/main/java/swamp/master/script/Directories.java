package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The shell's directory and its stack: {@code cd}, {@code pushd} and {@code popd}, run by {@link
 * ShellBuiltins}, and what they and {@code dirs} print, shown by {@link SteeringBuiltins}. The
 * stack is the shell's ({@link ShellState#dirStack}): a subshell's pushes end with it, and a
 * script the script runs starts with none, as in bash.
 */
final class Directories {

  private final ShellState state;

  Directories(ShellState state) {
    this.state = state;
  }

  /**
   * What {@code cd -}, {@code pushd} and {@code popd} print once they ran: the new directory, or
   * the stack as {@code dirs} shows it ({@code ~} for the home directory); null for a plain cd.
   */
  String shown(String name, List<String> args) {
    if (name.equals("cd")) {
      return args.stream().filter(a -> !a.equals("-P") && !a.equals("-L")).findFirst()
          .filter("-"::equals).map(a -> state.cwd + "\n").orElse(null);
    }
    String home = state.scalar("HOME");
    StringBuilder line = new StringBuilder();
    List<String> dirs = new ArrayList<>();
    dirs.add(state.cwd);
    dirs.addAll(state.dirStack);
    for (String d : dirs) {
      if (line.length() > 0) {
        line.append(' ');
      }
      boolean underHome = home != null && !home.isEmpty() && !home.equals("/")
          && (d.equals(home) || d.startsWith(home + "/"));
      line.append(underHome ? "~" + d.substring(home.length()) : d);
    }
    return line.append('\n').toString();
  }

  /**
   * {@code cd}, {@code pushd} or {@code popd}: the shell moves to the directory, which an earlier
   * line must have made, and sets {@code PWD} and {@code OLDPWD}; bash's error when it cannot.
   */
  Status change(String name, List<String> args, int line) {
    String target;
    if (name.equals("popd")) {
      if (state.dirStack.isEmpty()) {
        throw new Refusal.Failed("popd: directory stack empty", line, "popd: the directory stack is empty");
      }
      target = state.dirStack.remove(0);
    } else {
      List<String> operands = args.stream().filter(a -> !a.equals("-P") && !a.equals("-L")).toList();
      if (operands.isEmpty()) {
        target = Objects.requireNonNullElse(state.scalar("HOME"), "/");
      } else if (operands.get(0).equals("-")) {
        target = Objects.requireNonNullElse(state.scalar("OLDPWD"), state.cwd);
      } else {
        target = operands.get(0);
      }
      target = PlannedFiles.resolve(state.cwd, target);
      if (!state.files.isDirectory(target)) {
        String given = operands.isEmpty() ? "" : operands.get(0);
        throw new Refusal.Failed(name + ": " + given + ": " + (state.files.exists(target) ? "Not a directory"
            : "No such file or directory"), line, name + " " + given
            + ": no such directory, and no earlier line of the script creates it (mkdir -p)");
      }
      if (name.equals("pushd")) {
        state.dirStack.add(0, state.cwd);
      }
    }
    state.setScalar("OLDPWD", state.cwd);
    state.cwd = target;
    state.setScalar("PWD", state.cwd);
    return Status.OK;
  }
}
