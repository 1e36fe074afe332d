package swamp.worker;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.Stage;

/**
 * Which programs a job would run on this worker: each stage's program held to the allow-list
 * ({@link Executables}) in the job's directory, the refusal that names the stage, the name a
 * process is started as, and the dry run's answer, which is this check and nothing started. Kept
 * apart from {@link JobRunner}, which runs what passes it, so that the dry run and the run agree.
 */
final class ProgramCheck {

  private ProgramCheck() {}

  /**
   * Where a job would run on this worker and what: its directory and the executable of each of
   * its stages, or why not, with the status a shell would give for it ({@link
   * Executables.Refused#shellStatus}).
   */
  record Program(Path dir, List<Executables.Allowed> executables, String refusal,
      Integer shellStatus) {

    /** The job's result when it is refused: FAILED, with the shell's status where there is one. */
    JobResult refused(String workerId) {
      return JobResult.notStarted(JobState.FAILED, workerId, refusal, shellStatus);
    }
  }

  /**
   * Resolves the programs of the job's stages in its directory (its own, or the worker's); may
   * stat files. The first one refused refuses the job, naming its stage when it has several.
   */
  static Program program(JobSpec spec, WorkerSettings settings, Executables executables) {
    Path dir = spec.workDir() != null ? Path.of(spec.workDir()) : settings.workDir();
    List<Stage> stages = spec.stages();
    List<Executables.Allowed> found = new ArrayList<>(stages.size());
    for (int i = 0; i < stages.size(); i++) {
      // every stage is held to the same list, launchers and variables included
      Executables.Resolution r = executables.check(stages.get(i).argv(), spec.env(), dir);
      if (r instanceof Executables.Refused refused) {
        String stage = stages.size() == 1 ? "" : "pipeline stage " + i + " of " + stages.size()
            + ": ";
        return new Program(dir, null, stage + refused.reason() + " on worker " + settings.workerId(),
            refused.shellStatus());
      }
      found.add((Executables.Allowed) r);
    }
    return new Program(dir, found, null, null);
  }

  /** What would have run: the allow-list is checked, nothing is started. */
  static JobResult dryRun(JobSpec spec, WorkerSettings settings, Executables executables) {
    long now = System.currentTimeMillis();
    Program program = program(spec, settings, executables);
    if (program.refusal() != null) {
      return program.refused(settings.workerId());
    }
    StringBuilder stages = new StringBuilder();
    List<Stage> all = spec.stages();
    for (int i = 0; i < all.size(); i++) {
      List<String> argv = all.get(i).argv();
      List<String> words = new ArrayList<>(program.executables().get(i).options());
      words.addAll(argv.subList(1, argv.size()));
      stages.append(i == 0 ? "" : " | ").append(program.executables().get(i).executable())
          .append(words.isEmpty() ? "" : " " + String.join(" ", words));
      String r = all.get(i).redirected().shellText();
      stages.append(r.isEmpty() ? "" : " " + r);
    }
    String would = "dry-run: would run " + stages + " in " + program.dir();
    return new JobResult(JobState.SUCCEEDED, 0, would + "\n", "", false,
        settings.workerId(), null, now, now, null);
  }

  /**
   * What the process is started as: the program's name as the job wrote it when a lookup of
   * that name on the process's PATH finds {@code executable}, the file the allow-list checked
   * (the JVM, or setpriv, looks the name up again: on the JVM's PATH, or setpriv on the job's,
   * so both must be the worker's); otherwise the path of {@code executable}. A program given
   * as a path is started as written: it is found from the job's directory, as it was checked.
   */
  static String argv0(String program, Path executable, String processPath) {
    if (program.contains("/")) {
      return program;
    }
    String jvmPath = System.getenv("PATH");
    if (processPath == null || !processPath.equals(jvmPath)) {
      return executable.toString();
    }
    for (String dir : processPath.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toAbsolutePath().equals(executable) ? program : executable.toString();
      }
    }
    return executable.toString();
  }
}
