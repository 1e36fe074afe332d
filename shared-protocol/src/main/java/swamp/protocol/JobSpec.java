package swamp.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One command to run: an argv (never a shell line), its environment additions and working
 * directory, what it requires of a worker, and its limits. It may redirect its standard streams
 * to files and be the first stage of a pipeline whose further stages run on the same worker, each
 * reading the previous one's output; and it may be one step of a run (the commands of a script).
 *
 * @param argv the program and its arguments; the program is looked up on the worker's PATH
 * @param env variables added to the worker's environment for this job
 * @param workDir the directory the job runs in; null for the worker's work directory
 * @param requires capability labels a worker must offer to get this job
 * @param slots how many of a worker's slots the job takes
 * @param timeoutMs the job is killed after this long; 0 for no limit
 * @param maxAttempts how many times the job may be started when the worker running it is lost
 * @param retries how many times a job that fails (non-zero exit, timeout) is run again
 * @param redirects where argv's standard streams go; null when none is redirected
 * @param pipeline the stages after argv ({@code argv | stage1 | stage2}); empty for one command.
 *     The job's exit code is the last stage's
 * @param pipefail the job's exit code is instead that of the last stage that failed, 0 when none
 *     did ({@code set -o pipefail})
 * @param run the run (see the master's {@code /api/runs}) this job is a step of, or null
 * @param step the index of the run's command this job runs; -1 when there is no run
 */
public record JobSpec(
    List<String> argv,
    Map<String, String> env,
    String workDir,
    List<String> requires,
    int slots,
    long timeoutMs,
    int maxAttempts,
    int retries,
    Redirects redirects,
    List<Stage> pipeline,
    boolean pipefail,
    String run,
    int step)
    implements CborSerializable {

  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  /** The most argv and env may hold together, in characters: a job is a command, not a payload. */
  public static final int MAX_COMMAND_CHARS = 256 * 1024;
  /** The most stages a pipeline may have after its first. */
  public static final int MAX_STAGES = 64;
  public static final int MAX_RUN_ID = 64;

  public JobSpec {
    argv = argv == null ? List.of() : List.copyOf(argv);
    env = env == null ? Map.of() : Map.copyOf(env);
    requires = requires == null ? List.of() : List.copyOf(requires);
    pipeline = pipeline == null ? List.of() : List.copyOf(pipeline);
    if (run == null) {
      step = -1; // journals written before runs existed hold 0
    }
  }

  /** A job that is not part of a run, without redirections or pipeline. */
  public JobSpec(List<String> argv, Map<String, String> env, String workDir, List<String> requires,
      int slots, long timeoutMs, int maxAttempts, int retries) {
    this(argv, env, workDir, requires, slots, timeoutMs, maxAttempts, retries, null, List.of(),
        false, null, -1);
  }

  /** A job that is not retried when it fails. */
  public JobSpec(List<String> argv, Map<String, String> env, String workDir, List<String> requires,
      int slots, long timeoutMs, int maxAttempts) {
    this(argv, env, workDir, requires, slots, timeoutMs, maxAttempts, 0);
  }

  /** A job with the defaults: any worker, one slot, no timeout, no retry. */
  public static JobSpec of(List<String> argv) {
    return new JobSpec(argv, Map.of(), null, List.of(), 1, 0, DEFAULT_MAX_ATTEMPTS, 0);
  }

  public String program() {
    return argv.isEmpty() ? "" : argv.get(0);
  }

  /** This spec with its standard streams redirected and the further stages of its pipeline. */
  public JobSpec withIo(Redirects redirects, List<Stage> pipeline) {
    return new JobSpec(argv, env, workDir, requires, slots, timeoutMs, maxAttempts, retries,
        redirects, pipeline, pipefail, run, step);
  }

  /** This spec with its exit code taken as {@code set -o pipefail} takes it, or not. */
  public JobSpec withPipefail(boolean pipefail) {
    return new JobSpec(argv, env, workDir, requires, slots, timeoutMs, maxAttempts, retries,
        redirects, pipeline, pipefail, run, step);
  }

  /** This spec as step {@code step} of run {@code run}. */
  public JobSpec inRun(String run, int step) {
    return new JobSpec(argv, env, workDir, requires, slots, timeoutMs, maxAttempts, retries,
        redirects, pipeline, pipefail, run, step);
  }

  /** Every command of the job: argv with its redirections, then the pipeline's stages. */
  public List<Stage> stages() {
    List<Stage> all = new ArrayList<>(1 + pipeline.size());
    all.add(new Stage(argv, redirects));
    all.addAll(pipeline);
    return all;
  }

  /** The job as a shell would read it (for people; swamp never runs it through a shell). */
  public String commandText() {
    return ShellText.of(stages());
  }

  /** {@link #commandText} cut to {@code max} characters and "...": for messages and logs. */
  public String commandText(int max) {
    return ShellText.shortened(commandText(), max);
  }

  /** Every problem of this spec, empty when it is valid. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (argv.isEmpty()) {
      problems.add("argv is empty: a job needs a program to run");
    } else if (argv.get(0) != null && argv.get(0).isBlank()) { // '[""]': a program with no name
      problems.add("argv[0], the program, is blank: a job needs a program to run");
    }
    for (String a : argv) {
      if (a == null) {
        problems.add("argv holds a null");
        break;
      }
      if (a.indexOf('\0') >= 0) {
        problems.add("argv holds a NUL character");
        break;
      }
    }
    stagesProblems(problems);
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (e.getKey().isEmpty() || e.getKey().indexOf('=') >= 0 || e.getKey().indexOf('\0') >= 0) {
        problems.add("env name '" + e.getKey() + "' is not a valid variable name");
      }
      if (e.getValue() == null || e.getValue().indexOf('\0') >= 0) {
        problems.add("env value of '" + e.getKey() + "' is null or holds a NUL character");
      }
    }
    longStrings(problems);
    long chars = chars();
    if (chars > MAX_COMMAND_CHARS) {
      problems.add("argv, pipeline, redirects and env hold " + chars + " characters, more than "
          + MAX_COMMAND_CHARS + ", the most one job takes (less than Linux's 2 MiB: a job is a"
          + " command, not a payload); give a long list of files in a file instead (NCO's operators"
          + " read their input files' names on standard input: redirects.stdin)");
    }
    if (workDir != null && workDir.isBlank()) {
      problems.add("workDir is blank");
    } else if (workDir != null && workDir.indexOf('\0') >= 0) { // no path holds one
      problems.add("workDir holds a NUL character");
    }
    requires.forEach(l -> WorkerOffer.checkLabel(l).ifPresent(problems::add));
    if (slots < 1 || slots > WorkerOffer.MAX_SLOTS) {
      problems.add("slots must be between 1 and " + WorkerOffer.MAX_SLOTS + ", not " + slots);
    }
    if (timeoutMs < 0) {
      problems.add("timeout must not be negative");
    }
    if (maxAttempts < 1 || maxAttempts > 100) {
      problems.add("maxAttempts must be between 1 and 100, not " + maxAttempts);
    }
    if (retries < 0 || retries > 100) {
      problems.add("retries must be between 0 and 100, not " + retries);
    }
    if (run != null && (run.isBlank() || run.length() > MAX_RUN_ID || run.indexOf('\0') >= 0)) {
      problems.add("run must be a run's id (non-blank, at most " + MAX_RUN_ID + " characters)");
    }
    if (run != null && step < 0) {
      problems.add("step must be 0 or more (the index of the run's command), not " + step);
    }
    return problems;
  }

  /**
   * The characters argv, the pipeline's stages, the redirections (a here-document's text too)
   * and env hold together: what {@link #MAX_COMMAND_CHARS} bounds.
   */
  public long chars() {
    long chars = 0;
    for (Stage stage : stages()) {
      for (String a : stage.argv()) {
        chars += a == null ? 0 : a.length();
      }
      chars += stage.redirected().chars();
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      chars += e.getKey().length() + (e.getValue() == null ? 0 : e.getValue().length());
    }
    return chars;
  }

  /**
   * The problems of the redirections and of the pipeline's stages. A stage before the last may
   * not send its output to a file (the next stage would read nothing), and one after the first
   * may not read a file (it reads the pipe): swamp refuses both rather than run what is almost
   * always a mistake.
   */
  /**
   * Linux refuses to start a program given one argument, or one {@code NAME=value} of its
   * environment, of {@value #MAX_ARG_BYTES} bytes or more (MAX_ARG_STRLEN), whatever the total:
   * such a job is refused here rather than failing on every worker.
   */
  private void longStrings(List<String> problems) {
    List<Stage> stages = stages();
    for (int i = 0; i < stages.size(); i++) {
      List<String> args = stages.get(i).argv();
      for (int k = 0; k < args.size(); k++) {
        long bytes = args.get(k) == null ? 0 : utf8Bytes(args.get(k));
        if (bytes >= MAX_ARG_BYTES) {
          problems.add((i == 0 ? "" : "pipeline[" + (i - 1) + "].") + "argv[" + k + "] is " + bytes
              + " bytes long; a program takes at most " + (MAX_ARG_BYTES - 1) + " bytes in one argument");
        }
      }
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      long bytes = utf8Bytes(e.getKey()) + 1 + (e.getValue() == null ? 0 : utf8Bytes(e.getValue()));
      if (bytes >= MAX_ARG_BYTES) {
        problems.add("env " + e.getKey() + "=... is " + bytes + " bytes long; a program takes at most "
            + (MAX_ARG_BYTES - 1) + " bytes in one variable");
      }
    }
  }

  /** The longest argument or environment entry Linux takes is one byte less (its NUL). */
  public static final int MAX_ARG_BYTES = 128 * 1024;

  private static long utf8Bytes(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  private void stagesProblems(List<String> problems) {
    if (pipeline.size() > MAX_STAGES) {
      problems.add("pipeline has " + pipeline.size() + " stages, more than " + MAX_STAGES);
    }
    List<Stage> stages = stages();
    for (int i = 0; i < stages.size(); i++) {
      Stage stage = stages.get(i);
      String where = i == 0 ? "redirects." : "pipeline[" + (i - 1) + "].";
      Redirects r = stage.redirected();
      problems.addAll(r.problems(where));
      if (i > 0) {
        if (stage.argv().isEmpty() || stage.argv().get(0) == null || stage.argv().get(0).isBlank()) {
          problems.add(where + "argv is empty: each stage of a pipeline needs a program to run");
        }
        for (String a : stage.argv()) {
          if (a == null || a.indexOf('\0') >= 0) {
            problems.add(where + "argv holds a null or a NUL character");
            break;
          }
        }
        if (r.readsInput()) {
          problems.add(where + "redirects.stdin: stage " + i + " (" + stage.program()
              + ") reads the previous stage's output; it cannot also read "
              + (r.stdin() != null ? "'" + r.stdin() + "'" : "a text (stdinText)"));
        }
      }
      if (i < stages.size() - 1 && r.stdout() != null) {
        problems.add(where + "stdout: stage " + i + " (" + stage.program() + ") writes to '"
            + r.stdout() + "', so the next stage would read nothing; redirect the last stage's"
            + " output instead");
      }
    }
  }
}
