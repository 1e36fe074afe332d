package swamp.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One command to run: an argv (never a shell line), its environment additions and working
 * directory, what it requires of a worker, and its limits.
 *
 * @param argv the program and its arguments; the program is looked up on the worker's PATH
 * @param env variables added to the worker's environment for this job
 * @param workDir the directory the job runs in; null for the worker's work directory
 * @param requires capability labels a worker must offer to get this job
 * @param slots how many of a worker's slots the job takes
 * @param timeoutMs the job is killed after this long; 0 for no limit
 * @param maxAttempts how many times the job may be started when the worker running it is lost
 * @param retries how many times a job that fails (non-zero exit, timeout) is run again
 */
public record JobSpec(
    List<String> argv,
    Map<String, String> env,
    String workDir,
    List<String> requires,
    int slots,
    long timeoutMs,
    int maxAttempts,
    int retries)
    implements CborSerializable {

  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  /** The most argv and env may hold together, in characters: a job is a command, not a payload. */
  public static final int MAX_COMMAND_CHARS = 256 * 1024;

  public JobSpec {
    argv = argv == null ? List.of() : List.copyOf(argv);
    env = env == null ? Map.of() : Map.copyOf(env);
    requires = requires == null ? List.of() : List.copyOf(requires);
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

  /** Every problem of this spec, empty when it is valid. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (argv.isEmpty() || argv.get(0) == null || argv.get(0).isBlank()) {
      problems.add("argv is empty: a job needs a program to run");
    }
    long chars = 0;
    for (String a : argv) {
      if (a == null) {
        problems.add("argv holds a null");
        break;
      }
      if (a.indexOf('\0') >= 0) {
        problems.add("argv holds a NUL character");
        break;
      }
      chars += a.length();
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (e.getKey().isEmpty() || e.getKey().indexOf('=') >= 0 || e.getKey().indexOf('\0') >= 0) {
        problems.add("env name '" + e.getKey() + "' is not a valid variable name");
      }
      if (e.getValue() == null || e.getValue().indexOf('\0') >= 0) {
        problems.add("env value of '" + e.getKey() + "' is null or holds a NUL character");
      }
      chars += e.getKey().length() + (e.getValue() == null ? 0 : e.getValue().length());
    }
    if (chars > MAX_COMMAND_CHARS) {
      problems.add("argv and env hold " + chars + " characters, more than " + MAX_COMMAND_CHARS);
    }
    if (workDir != null && workDir.isBlank()) {
      problems.add("workDir is blank");
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
    return problems;
  }
}
