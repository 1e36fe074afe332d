package swamp.master.script;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The variables bash sets itself when it starts a script ({@code BASH_VERSION}, {@code HOSTNAME},
 * {@code UID}, {@code GROUPS}, {@code SHLVL}, {@code IFS} ...), as the {@link ShellState} of the
 * script being planned and of each script it runs with bash holds them.
 */
final class ShellVariables {
  private ShellVariables() {}

  /** Sets in {@code state} the variables bash sets for every script, where the environment does not. */
  static void set(ShellState state) {
    String arch = System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
    Map<String, String> shell = new LinkedHashMap<>();
    shell.put("OSTYPE", "linux-gnu");
    shell.put("MACHTYPE", arch + "-pc-linux-gnu");
    shell.put("HOSTTYPE", arch);
    shell.put("BASH", "/bin/bash");
    shell.put("BASH_VERSION", BashVersion.TEXT);
    shell.put("HOSTNAME", read("/proc/sys/kernel/hostname", ""));
    String uid = "";
    for (String l : read("/proc/self/status", "").split("\n")) {
      if (l.startsWith("Uid:")) {
        String[] ids = l.substring(4).trim().split("\\s+");
        uid = ids[0];
        shell.put("EUID", ids.length > 1 ? ids[1] : ids[0]);
      }
    }
    shell.put("UID", uid);
    shell.put("PPID", ProcessHandle.current().parent().map(p -> Long.toString(p.pid())).orElse("1"));
    shell.forEach((name, value) -> {
      if (!state.vars.containsKey(name)) {
        state.setScalar(name, value);
      }
    });
    // set whatever the environment holds, as bash sets them
    state.setScalar("IFS", " \t\n");
    state.setScalar("OPTIND", "1");
    state.setScalar("OPTERR", "1");
    if (!state.vars.containsKey("PS4")) {
      state.setScalar("PS4", "+ ");
    }
    // bin/swamp is bash itself: its environment holds the level a 'bash script' would have
    String shlvl = state.scalar("SHLVL");
    state.setScalar("SHLVL", shlvl != null && shlvl.matches("[0-9]{1,9}") ? shlvl : "1");
    state.setArray("BASH_VERSINFO", BashVersion.info(arch + "-pc-linux-gnu"));
    state.setArray("GROUPS", groups());
    state.setArray("BASH_LINENO", java.util.List.of("0")); // a function's call puts its line before
    state.vars.remove("_"); // bash's own: the shell it is, until a command's last word
    state.setScalar("_", java.util.Objects.requireNonNullElse(CommandLookup.onPath("bash", state.scalar("PATH"), state.cwd), "/bin/bash"));
  }

  /** The user's groups as bash lists them in {@code GROUPS}: the primary one first. */
  private static List<String> groups() {
    String gid = "";
    List<String> groups = new ArrayList<>();
    for (String l : read("/proc/self/status", "").split("\n")) {
      if (l.startsWith("Gid:")) {
        gid = l.substring(4).trim().split("\\s+")[0];
      } else if (l.startsWith("Groups:") && !l.substring(7).isBlank()) {
        groups.addAll(List.of(l.substring(7).trim().split("\\s+")));
      }
    }
    if (!gid.isEmpty() && !groups.contains(gid)) {
      groups.add(0, gid);
    }
    return groups;
  }

  private static String read(String file, String otherwise) {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of(file)).strip();
    } catch (java.io.IOException | RuntimeException e) {
      return otherwise;
    }
  }
}
