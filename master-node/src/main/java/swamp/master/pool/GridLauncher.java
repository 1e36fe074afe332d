package swamp.master.pool;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import swamp.node.HumanDuration;
import swamp.node.ProcessTree;

/**
 * Workers as jobs of a batch scheduler: a job script that runs the worker is submitted with a
 * command whose output names the job, cancelled with another, and the scheduler's queue is read
 * with a third. Slurm ({@code sbatch --parsable}, {@code scancel}, {@code squeue}) and Grid
 * Engine ({@code qsub -terse}, {@code qdel}, {@code qstat}) are such templates with their own
 * readers; the {@code command} launcher takes the templates from its source.
 *
 * <p>Placeholders in a template: {@code {id}} (the spawn id, which is the worker id),
 * {@code {script}}, {@code {log}}, {@code {dir}}, {@code {slots}}, {@code {walltime}}
 * (HH:MM:SS), {@code {job}} (the job id) and {@code {user}}.
 */
final class GridLauncher implements Launcher {

  private final String name;
  private final SourceSettings source;
  private final Duration commandTimeout;
  private final List<String> submit;
  private final Function<String, String> readJobId;
  private final List<String> cancel;
  private final List<String> status;
  private final Function<String, Map<String, GridState>> readStatus;

  private GridLauncher(String name, SourceSettings source, Duration commandTimeout,
      List<String> submit, Function<String, String> readJobId, List<String> cancel,
      List<String> status, Function<String, Map<String, GridState>> readStatus) {
    this.name = name;
    this.source = source;
    this.commandTimeout = commandTimeout;
    this.submit = submit;
    this.readJobId = readJobId;
    this.cancel = cancel;
    this.status = status;
    this.readStatus = readStatus;
  }

  static GridLauncher slurm(SourceSettings s, Duration commandTimeout) {
    List<String> submit = new ArrayList<>(List.of("sbatch", "--parsable", "--export=ALL",
        "--job-name=swamp-{id}", "--output={log}", "--chdir={dir}", "--cpus-per-task={slots}"));
    if (!s.walltime().isZero()) {
      submit.add("--time={walltime}");
    }
    submit.addAll(s.options()); // after ours: sbatch takes the last of a repeated option
    submit.add("{script}");
    return new GridLauncher("sbatch", s, commandTimeout, submit, GridLauncher::slurmJobId,
        List.of("scancel", "{job}"),
        List.of("squeue", "--noheader", "--user={user}", "--format=%i %t"),
        GridLauncher::readSqueue);
  }

  static GridLauncher sge(SourceSettings s, Duration commandTimeout) {
    List<String> submit = new ArrayList<>(List.of("qsub", "-terse", "-V", "-S", "/bin/sh",
        "-N", "swamp-{id}", "-o", "{log}", "-j", "y", "-wd", "{dir}"));
    if (!s.walltime().isZero()) {
      submit.addAll(List.of("-l", "h_rt={walltime}"));
    }
    submit.addAll(s.options());
    submit.add("{script}");
    return new GridLauncher("qsub", s, commandTimeout, submit, GridLauncher::firstLine,
        List.of("qdel", "{job}"), List.of("qstat", "-u", "{user}"), GridLauncher::readQstat);
  }

  static GridLauncher command(SourceSettings s, Duration commandTimeout) {
    return new GridLauncher(s.submit().get(0), s, commandTimeout, s.submit(),
        GridLauncher::commandJobId, s.cancel(), s.status(), GridLauncher::readStatusLines);
  }

  /** Its submit, cancel and status commands, by name (an empty one is not run). */
  Map<String, List<String>> templates() {
    Map<String, List<String>> t = new java.util.LinkedHashMap<>();
    t.put("submit", submit);
    t.put("cancel", cancel);
    t.put("status", status);
    return t;
  }

  @Override
  public String submit(Request r) throws LaunchException {
    try {
      PoolSettings.makeSpawnDir(r.dir());
      Files.writeString(r.script(), WorkerCommand.script(r.argv(), source, r.spawnId()),
          StandardCharsets.UTF_8);
      r.script().toFile().setExecutable(true);
    } catch (IOException e) {
      throw new LaunchException("cannot write the job script " + r.script() + ": " + e.getMessage());
    }
    Map<String, String> values = values(r.spawnId(), null);
    values.put("{script}", r.script().toString());
    values.put("{log}", r.log().toString());
    values.put("{dir}", r.dir().toString());
    String out;
    try {
      out = run(fill(submit, values), r.env());
    } catch (LaunchException e) {
      if (e.refused()) { // no job will read it: it would only pile up, one for each try
        try {
          Files.deleteIfExists(r.script());
        } catch (IOException gone) {
          // left behind, harmless
        }
      }
      throw e;
    }
    String id = readJobId.apply(out);
    if (id == null || id.isBlank()) {
      throw new LaunchException(name + " printed no job id (output: '" + out.strip() + "'); its"
          + " submit must print the job's id, as sbatch --parsable and qsub -terse do");
    }
    return id;
  }

  @Override
  public void cancel(String jobId) throws LaunchException {
    if (cancel.isEmpty()) {
      return;
    }
    run(fill(cancel, values(null, jobId)), WorkerCommand.withoutSecrets());
  }

  @Override
  public Map<String, GridState> status(Collection<String> jobIds) throws LaunchException {
    if (status.isEmpty()) {
      return null;
    }
    Map<String, GridState> all = readStatus.apply(
        run(fill(status, values(null, null)), WorkerCommand.withoutSecrets()));
    Map<String, GridState> out = new HashMap<>();
    for (String id : jobIds) {
      if (all.containsKey(id)) {
        out.put(id, all.get(id));
      }
    }
    return out;
  }

  @Override
  public boolean canTell() {
    return !status.isEmpty();
  }

  @Override
  public void abandon(Collection<String> jobIds) {
    if (cancel.isEmpty() || jobIds.isEmpty()) {
      return;
    }
    for (String jobId : jobIds) { // started, not waited for
      try {
        command(fill(cancel, values(null, jobId)), WorkerCommand.withoutSecrets())
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      } catch (IOException e) {
        // the master is going down; its workers give up on their own
      }
    }
  }

  private Map<String, String> values(String spawnId, String jobId) {
    Map<String, String> v = new HashMap<>();
    v.put("{slots}", String.valueOf(source.slots()));
    v.put("{walltime}", hms(source.walltime()));
    v.put("{user}", System.getProperty("user.name"));
    if (spawnId != null) {
      v.put("{id}", spawnId);
    }
    if (jobId != null) {
      v.put("{job}", jobId);
    }
    return v;
  }

  static List<String> fill(List<String> template, Map<String, String> values) {
    List<String> out = new ArrayList<>(template.size());
    for (String t : template) {
      String s = t;
      for (Map.Entry<String, String> e : values.entrySet()) {
        s = s.replace(e.getKey(), e.getValue());
      }
      out.add(s);
    }
    return out;
  }

  /** {@code argv} with exactly {@code env} and nothing on its stdin. */
  private static ProcessBuilder command(List<String> argv, Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().clear();
    pb.environment().putAll(env);
    return pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
  }

  static String hms(Duration d) {
    long s = (d.toMillis() + 999) / 1000;
    return String.format("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }

  /**
   * Runs a command to its end within the command timeout and returns its stdout; a non-zero exit
   * fails with what it printed. A command that outlives the timeout is killed with the processes
   * it started.
   */
  private String run(List<String> argv, Map<String, String> env) throws LaunchException {
    ProcessBuilder pb = command(argv, env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new LaunchException("cannot run " + argv.get(0) + ": " + e.getMessage(), true);
    }
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    try {
      if (!p.waitFor(commandTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        ProcessTree.kill(p.toHandle()); // a script's children too, or they outlive it
        throw new LaunchException(argv.get(0) + " did not finish within "
            + HumanDuration.of(commandTimeout));
      }
      String stdout = out.get(5, TimeUnit.SECONDS);
      String stderr = err.get(5, TimeUnit.SECONDS);
      if (p.exitValue() != 0) {
        String said = (stderr + " " + stdout).strip().replaceAll("\\s+", " ");
        throw new LaunchException(argv.get(0) + " exited " + p.exitValue()
            + (said.isEmpty() ? "" : ": " + abbreviate(said)), true);
      }
      return stdout;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ProcessTree.kill(p.toHandle());
      throw new LaunchException("interrupted while running " + argv.get(0));
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new LaunchException("cannot read the output of " + argv.get(0) + ": " + e);
    }
  }

  private static CompletableFuture<String> drain(InputStream in) {
    CompletableFuture<String> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (in) {
        f.complete(new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8));
        in.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException e) {
        f.complete("");
      }
    }, "swamp-launch-output");
    t.setDaemon(true);
    t.start();
    return f;
  }

  private static String abbreviate(String s) {
    return s.length() <= 400 ? s : s.substring(0, 400) + "...";
  }

  // ---- what the schedulers print ----

  static String firstLine(String out) {
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        return line.strip();
      }
    }
    return null;
  }

  private static final java.util.regex.Pattern NUMBERED =
      java.util.regex.Pattern.compile("<?([0-9]+(?:\\.[A-Za-z0-9_-]+)*)>?[.,;:]?");

  /**
   * A command source's {@code submit} output: its first line, one word, is the job id; a line of
   * several words (a submit without {@code --parsable} or {@code -terse}: {@code Submitted batch
   * job 123}, {@code Your job 123 ("x") has been submitted}, {@code Job <123> is submitted to
   * queue <normal>.}) gives its first word that is a number; null when no word is. The whole line
   * was taken for the id, which no {@code status} or {@code cancel} then matched: the spawn was
   * never seen to start, and another was made beside it, again and again.
   */
  static String commandJobId(String out) {
    String line = firstLine(out);
    if (line == null || !line.contains(" ") && !line.contains("\t")) {
      return line;
    }
    for (String word : line.split("\\s+")) {
      java.util.regex.Matcher m = NUMBERED.matcher(word);
      if (m.matches()) {
        return m.group(1);
      }
    }
    return null;
  }

  /** {@code sbatch --parsable} prints {@code JOBID} or {@code JOBID;CLUSTER}. */
  static String slurmJobId(String out) {
    String line = firstLine(out);
    return line == null ? null : line.split(";", 2)[0].strip();
  }

  /** {@code squeue --format="%i %t"}: a job id and its compact state per line. */
  static Map<String, GridState> readSqueue(String out) {
    Map<String, GridState> m = new HashMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length >= 2 && !f[0].isEmpty()) {
        m.put(f[0], switch (f[1]) {
          case "PD", "CF", "RQ", "RH", "RF", "RS" -> GridState.QUEUED;
          case "BF", "F", "NF", "OOM", "TO", "DL", "BF+" -> GridState.FAILED;
          default -> GridState.STARTED; // R, CG, S, ST, SO, SI, ...
        });
      }
    }
    return m;
  }

  /** {@code qstat}: two header lines, then job-ID, prior, name, user, state, ... per line. */
  static Map<String, GridState> readQstat(String out) {
    Map<String, GridState> m = new HashMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length < 5 || !f[0].matches("[0-9]+(\\.[0-9]+)?")) {
        continue; // the header, the dashes, or a blank line
      }
      String state = f[4];
      m.put(f[0], state.contains("E") ? GridState.FAILED
          : state.contains("q") || state.contains("h") ? GridState.QUEUED : GridState.STARTED);
    }
    return m;
  }

  /** A command source's {@code status}: a job id per line, optionally followed by its state. */
  static Map<String, GridState> readStatusLines(String out) {
    Set<String> running = new HashSet<>(List.of("R", "r", "RUN", "RUNNING", "running"));
    Map<String, GridState> m = new HashMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (!f[0].isEmpty()) {
        m.put(f[0], f.length > 1 && running.contains(f[1]) ? GridState.STARTED : GridState.QUEUED);
      }
    }
    return m;
  }
}
