package swamp.master.script;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Plans a script as this package's tests do: in {@code dir}, in a scientist's environment. */
final class Scripts {
  private Scripts() {}

  static Plan plan(Path dir, String script, String... args) throws ScriptException {
    return Script.plan(script, "script.sh", dir, Map.of("HOME", "/home/sci", "USER", "sci", "PATH", "/usr/bin:/bin"),
        List.of(args));
  }

  /** The planned commands as shell text, one per command. */
  static List<String> texts(Path dir, String script, String... args) throws ScriptException {
    return plan(dir, script, args).commands().stream().map(Plan.Command::text).toList();
  }
}
