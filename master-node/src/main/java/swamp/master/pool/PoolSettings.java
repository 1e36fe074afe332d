package swamp.master.pool;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import swamp.node.PrivateDirs;
import swamp.protocol.JobSpec;
import swamp.protocol.WorkerOffer;

/**
 * The worker directory and how the pool scaler works it, read once from
 * {@code swamp.master.directory} and {@code swamp.master.scaling}. Every problem is reported with
 * the source it is in, so that a typo stops the master at start rather than a spawn at 3 a.m.
 */
public record PoolSettings(
    List<SourceSettings> sources,
    Duration interval,
    Duration statusInterval,
    Duration commandTimeout,
    Path spawnDir) {

  /** The settings every source may set; their defaults are under {@code swamp.master.scaling}. */
  static final List<String> PER_SOURCE = List.of("min-workers", "max-workers", "slots",
      "capabilities", "max-pending", "spawn-cooldown", "idle-timeout", "registration-timeout",
      "failure-backoff", "max-failure-backoff", "walltime", "walltime-margin", "options",
      "master-address", "worker-command", "worker-java-options", "worker-args");

  /** What only a source itself says. */
  static final List<String> OWN = List.of("name", "launcher", "submit", "cancel", "status");

  public PoolSettings {
    sources = List.copyOf(sources);
  }

  /**
   * Each source by name, in the directory's order, with whether it could spawn a worker for a
   * job (its labels and slots); a lone map of them is what the dispatcher needs to say why a job
   * waits.
   */
  public Map<String, Predicate<JobSpec>> serving() {
    Map<String, Predicate<JobSpec>> serving = new LinkedHashMap<>();
    sources.forEach(s -> serving.put(s.name(),
        spec -> s.serves(Set.copyOf(spec.requires()), spec.slots())));
    return serving;
  }

  /** No directory: the pool is whoever registers. */
  public static PoolSettings none() {
    return new PoolSettings(List.of(), Duration.ofSeconds(1), Duration.ofSeconds(5),
        Duration.ofSeconds(60), defaultSpawnDir());
  }

  /**
   * Makes {@code spawnDir} private to the master's user ({@link PrivateDirs}; through a link of
   * that user's own) before job scripts are written there: in a directory another user could write, that user could replace a
   * script between its writing and the scheduler's start of it.
   *
   * @throws IOException saying what is wrong with it and what to do
   */
  public static void makeSpawnDir(Path spawnDir) throws IOException {
    PrivateDirs.makeThroughOwnLink(spawnDir, "; remove it, or set swamp.master.scaling.spawn-dir to a directory"
        + " of the master's user (the cluster's nodes must see it at the same path)");
  }

  /**
   * Checks that the programs the sources run on this machine are there ({@link SourcePrograms}),
   * on {@code pathVariable}, the master's PATH: a master without them would fail every spawn.
   *
   * @throws IllegalArgumentException naming each source, command and program that is missing
   */
  public void checkPrograms(String pathVariable) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      SourceSettings s = sources.get(i);
      problems.addAll(SourcePrograms.missing(s, "swamp.master.directory[" + i + "] (" + s.name()
          + ")", pathVariable));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /**
   * Checks each source's {@code worker-args} with {@code workerFlags}, which says why flags are
   * not {@code bin/swamp worker}'s ({@code --capabilty}, {@code --slots ten}): each spawn's
   * worker would stop on them (exit 2), and its source back off after each, while the jobs wait;
   * so would one that the master gives every spawned worker itself ({@code --slots}: the
   * source's {@code slots}), which {@code insecure} (the master's remoting is plain tcp) adds
   * {@code --insecure} to.
   *
   * @throws IllegalArgumentException naming each source and what is wrong with its flags
   */
  public void checkWorkerArgs(java.util.function.Function<List<String>, java.util.Optional<String>>
      workerFlags, boolean insecure) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      SourceSettings s = sources.get(i);
      // the whole of what a spawn's worker is given (Launches.submit): a flag of worker-args
      // that the master sets too (--slots, --id, --give-up-after) stopped every spawned worker
      List<String> flags = new ArrayList<>(WorkerCommand.flags(s, s.name() + "-check-1",
          "127.0.0.1:1"));
      if (insecure) {
        flags.add("--insecure");
      }
      String where = "swamp.master.directory[" + i + "] (" + s.name() + ")";
      workerFlags.apply(flags).ifPresent(p -> problems.add(where + ": worker-args "
          + s.workerArgs() + " are not flags of bin/swamp worker: " + p
          + (p.contains("only once") ? " (the master gives each spawned worker --id, --slots"
              + " (the source's slots), --give-up-after (its registration-timeout)"
              + (insecure ? " and --insecure" : "") + " itself)" : "")));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** Where job scripts and worker logs go unless spawn-dir says: ~/.swamp/spawn. */
  private static Path defaultSpawnDir() {
    return Path.of(System.getProperty("user.home"), ".swamp", "spawn");
  }

  /**
   * Reads the directory from a node's configuration.
   *
   * @throws IllegalArgumentException naming every problem found
   */
  public static PoolSettings fromConfig(Config config) {
    Config scaling = config.getConfig("swamp.master.scaling");
    List<? extends Config> entries;
    try {
      entries = config.getConfigList("swamp.master.directory");
    } catch (ConfigException.WrongType e) {
      throw new IllegalArgumentException("swamp.master.directory must be a list of sources"
          + " such as [{ name = cluster, launcher = slurm, max-workers = 8 }]: " + e.getMessage());
    }
    List<String> problems = new ArrayList<>();
    List<SourceSettings> sources = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      Config entry = entries.get(i);
      String where = "swamp.master.directory[" + i + "]"
          + (entry.hasPath("name") ? " (" + entry.getValue("name").unwrapped() + ")" : "");
      try {
        SourceSettings s = source(entry, scaling, problems, where);
        if (s != null && !names.add(s.name())) {
          problems.add(where + ": another source is also named '" + s.name() + "'");
        }
        if (s != null) {
          sources.add(s);
        }
      } catch (ConfigException e) {
        problems.add(where + ": " + e.getMessage());
      }
    }
    Duration interval = positive(scaling, "interval", problems, "swamp.master.scaling");
    Duration status = positive(scaling, "status-interval", problems, "swamp.master.scaling");
    Duration commandTimeout = positive(scaling, "command-timeout", problems, "swamp.master.scaling");
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    String dir = scaling.getString("spawn-dir");
    Path spawnDir = dir.isBlank()
        ? defaultSpawnDir()
        : Path.of(dir).toAbsolutePath();
    return new PoolSettings(sources, interval, status, commandTimeout, spawnDir);
  }

  private static SourceSettings source(Config entry, Config scaling, List<String> problems,
      String where) {
    int before = problems.size();
    Set<String> unknown = new TreeSet<>(entry.root().keySet());
    unknown.removeAll(PER_SOURCE);
    unknown.removeAll(OWN);
    for (String key : unknown) {
      String meant = swamp.node.ConfigCheck.closest(key, java.util.stream.Stream.concat(
          OWN.stream(), PER_SOURCE.stream()).toList());
      problems.add(where + ": unknown setting '" + key + "' (" + entry.getValue(key).origin()
          .description() + ")" + (meant != null ? "; did you mean '" + meant + "'?"
          : "; a source may set " + String.join(", ", OWN) + ", " + String.join(", ", PER_SOURCE)));
    }
    if (!entry.hasPath("name") || !entry.hasPath("launcher")) {
      problems.add(where + ": a source needs a name and a launcher (local, slurm, sge or command)");
      return null;
    }
    String name = entry.getString("name");
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")) {
      problems.add(where + ": name '" + name + "' is not 1-32 letters, digits or _.-");
    }
    SourceSettings.Kind kind;
    try {
      kind = SourceSettings.Kind.parse(entry.getString("launcher"));
    } catch (IllegalArgumentException e) {
      problems.add(where + ": " + e.getMessage());
      return null;
    }
    Config c = entry.withFallback(scaling);
    int min = c.getInt("min-workers");
    int max = c.getInt("max-workers");
    int slots = c.getInt("slots");
    int maxPending = c.getInt("max-pending");
    if (min < 0) {
      problems.add(where + ": min-workers must not be negative");
    }
    if (max < 1 || max < min) {
      problems.add(where + ": max-workers must be at least 1 and at least min-workers");
    }
    if (slots < 1 || slots > WorkerOffer.MAX_SLOTS) {
      problems.add(where + ": slots must be between 1 and " + WorkerOffer.MAX_SLOTS);
    }
    if (maxPending < 1) {
      problems.add(where + ": max-pending must be at least 1");
    }
    List<String> capabilities = c.getStringList("capabilities");
    for (String label : capabilities) {
      WorkerOffer.checkLabel(label).ifPresent(p -> problems.add(where + ": " + p));
    }
    Duration cooldown = nonNegative(c, "spawn-cooldown", problems, where);
    Duration idle = nonNegative(c, "idle-timeout", problems, where);
    Duration registration = positive(c, "registration-timeout", problems, where);
    Duration backoff = nonNegative(c, "failure-backoff", problems, where);
    Duration maxBackoff = nonNegative(c, "max-failure-backoff", problems, where);
    Duration walltime = nonNegative(c, "walltime", problems, where);
    Duration margin = nonNegative(c, "walltime-margin", problems, where);
    if (!walltime.isZero() && margin.compareTo(walltime) >= 0) {
      problems.add(where + ": walltime-margin (" + swamp.node.HumanDuration.of(margin)
          + ") must be shorter than walltime (" + swamp.node.HumanDuration.of(walltime) + ")");
    }
    String masterAddress = c.getString("master-address");
    if (!masterAddress.isBlank()) {
      try {
        swamp.node.NodeAddress.parse(masterAddress);
      } catch (IllegalArgumentException e) {
        problems.add(where + ": master-address: " + e.getMessage());
      }
    }
    List<String> submit = entry.hasPath("submit") ? entry.getStringList("submit") : List.of();
    List<String> cancel = entry.hasPath("cancel") ? entry.getStringList("cancel") : List.of();
    List<String> status = entry.hasPath("status") ? entry.getStringList("status") : List.of();
    if (kind == SourceSettings.Kind.COMMAND && submit.isEmpty()) {
      problems.add(where + ": the command launcher needs a submit command, e.g."
          + " submit = [\"qsub\", \"-V\", \"{script}\"], cancel = [\"qdel\", \"{job}\"]");
    }
    if (kind != SourceSettings.Kind.COMMAND && !(submit.isEmpty() && cancel.isEmpty() && status.isEmpty())) {
      problems.add(where + ": submit, cancel and status are for the command launcher only");
    }
    if (entry.hasPath("options") && !entry.getStringList("options").isEmpty()
        && (kind == SourceSettings.Kind.LOCAL
        || kind == SourceSettings.Kind.COMMAND)) {
      problems.add(where + ": options are sbatch's or qsub's; a " + kind + " source takes"
          + (kind == SourceSettings.Kind.LOCAL ? " worker-args" : " them in its submit template"));
    }
    if (problems.size() > before) {
      return null;
    }
    return new SourceSettings(name, kind, min, max, slots, capabilities, maxPending, cooldown,
        idle, registration, backoff, maxBackoff, walltime, margin, c.getStringList("options"),
        masterAddress, c.getStringList("worker-command"), c.getStringList("worker-java-options"),
        c.getStringList("worker-args"), submit, cancel, status);
  }

  private static Duration nonNegative(Config c, String key, List<String> problems, String where) {
    Duration d = c.getDuration(key);
    if (d.isNegative()) {
      problems.add(where + ": " + key + " must not be negative");
      return Duration.ZERO;
    }
    return d;
  }

  private static Duration positive(Config c, String key, List<String> problems, String where) {
    Duration d = c.getDuration(key);
    if (d.isNegative() || d.isZero()) {
      problems.add(where + ": " + key + " must be longer than 0");
      return Duration.ofSeconds(1);
    }
    return d;
  }
}
