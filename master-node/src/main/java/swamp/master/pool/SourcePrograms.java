package swamp.master.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The programs a source runs on the master's machine (its launcher's submit, cancel and status
 * commands; a local source's worker command), and those of them that are not there: looked up
 * at the master's start, as a spawn would look them up, so that {@code sbatchh} or a worker
 * command on a path that does not exist stops the master naming it, rather than fail every spawn
 * with a WARN while the jobs wait.
 */
final class SourcePrograms {
  private SourcePrograms() {}

  /** One line per program of {@code source} that cannot be run; {@code where} names the source. */
  static List<String> missing(SourceSettings source, String where, String pathVariable) {
    List<String> problems = new ArrayList<>();
    programs(source).forEach((what, program) -> {
      if (!found(program, pathVariable)) {
        problems.add(where + ": " + what + " '" + program + "' "
            + (program.contains("/") ? "does not exist or is not executable"
                : "is not on the master's PATH (" + pathVariable + ")")
            + (source.launcher() == SourceSettings.Kind.SLURM ? ": is Slurm's client installed?"
                : source.launcher() == SourceSettings.Kind.SGE
                    ? ": is Grid Engine's client installed, its settings.sh sourced?" : ""));
      }
    });
    return problems;
  }

  /** What runs each program, named as a person reads it, with the program. */
  static Map<String, String> programs(SourceSettings source) {
    Map<String, String> programs = new LinkedHashMap<>();
    if (source.launcher() == SourceSettings.Kind.LOCAL) {
      if (!source.workerCommand().isEmpty()) { // else the master's own java
        programs.put("its worker-command's program", source.workerCommand().get(0));
      }
      return programs;
    }
    GridLauncher launcher = (GridLauncher) Launches.of(source, java.time.Duration.ofSeconds(1));
    launcher.templates().forEach((what, argv) -> {
      if (!argv.isEmpty()) {
        programs.put((source.launcher() == SourceSettings.Kind.COMMAND ? "its " + what
            : "the " + source.launcher() + " launcher's " + what) + " command", argv.get(0));
      }
    });
    return programs;
  }

  /**
   * Whether {@code program} can be started: a name on the PATH, or a path; one relative to a
   * directory other than the master's is not judged here.
   */
  static boolean found(String program, String pathVariable) {
    if (program.contains("/")) {
      Path p = Path.of(program);
      return !p.isAbsolute() || (Files.isRegularFile(p) && Files.isExecutable(p));
    }
    for (String dir : pathVariable.split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return true;
      }
    }
    return false;
  }
}
