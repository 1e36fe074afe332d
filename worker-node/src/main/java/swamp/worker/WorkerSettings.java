package swamp.worker;

import com.typesafe.config.Config;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import swamp.protocol.WorkerOffer;

/** A worker's settings, read once from {@code swamp.worker} and {@code swamp.security}. */
public record WorkerSettings(
    String workerId,
    String host,
    String url,
    int slots,
    List<String> labels,
    List<String> allowedExecutables,
    List<String> allowedJobVariables,
    long memoryMb,
    Duration retryInterval,
    double retryJitter,
    Duration giveUpAfter,
    Path workDir,
    Duration drainGrace,
    Duration termGrace,
    Duration killGrace,
    int maxOutputBytes,
    String secret,
    boolean dryRun) {

  public WorkerSettings {
    labels = List.copyOf(labels);
    allowedExecutables = List.copyOf(allowedExecutables);
    allowedJobVariables = List.copyOf(allowedJobVariables);
  }

  private static double jitter(double jitter) {
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("swamp.worker.retry-jitter must be a fraction from 0 to 1"
          + " (0.2: each retry 20 % early or late at most), not " + jitter);
    }
    return jitter;
  }

  /** The same settings with jobs that name no directory running in {@code dir}. */
  public WorkerSettings withWorkDir(Path dir) {
    return new WorkerSettings(workerId, host, url, slots, labels, allowedExecutables,
        allowedJobVariables, memoryMb, retryInterval, retryJitter, giveUpAfter, dir, drainGrace,
        termGrace, killGrace, maxOutputBytes, secret, dryRun);
  }

  /** Reads the settings; {@code host} is the address this node advertises to the cluster. */
  public static WorkerSettings fromConfig(Config config) {
    Config w = config.getConfig("swamp.worker");
    String host = config.getString("pekko.remote.artery.canonical.hostname");
    String id = w.getString("id");
    if (id.isBlank()) {
      id = host + "-" + ProcessHandle.current().pid();
    }
    int slots = w.getInt("slots");
    if (slots == 0) {
      slots = Runtime.getRuntime().availableProcessors();
    }
    checkOffer(id, slots, w.getStringList("labels"));
    long memoryMb = w.getLong("memory-mb");
    if (memoryMb == 0) {
      memoryMb = physicalMemoryMb();
    }
    String workDir = w.getString("work-dir");
    Path dir =
        workDir.isBlank()
            ? Path.of(System.getProperty("java.io.tmpdir"), "swamp-worker-" + id)
            : Path.of(workDir);
    for (String program : w.getStringList("allowed-executables")) {
      String bad = Executables.badEntry(program);
      if (bad != null) {
        throw new IllegalArgumentException("swamp.worker.allowed-executables holds " + bad);
      }
    }
    return new WorkerSettings(
        id,
        host,
        w.getString("url"),
        slots,
        new ArrayList<>(w.getStringList("labels")),
        w.getStringList("allowed-executables"),
        w.getStringList("allowed-job-variables"),
        memoryMb,
        positive(w, "retry-interval", "--retry-interval"),
        jitter(w.getDouble("retry-jitter")),
        positive(w, "give-up-after", "--give-up-after"),
        dir.toAbsolutePath(),
        w.getDuration("drain-grace"),
        w.getDuration("term-grace"),
        w.getDuration("kill-grace"),
        (int) Math.min(Integer.MAX_VALUE, w.getBytes("max-output")),
        config.getString("swamp.security.secret"),
        executor(w.getString("executor")));
  }

  /**
   * What the master would refuse in the worker's offer (its id, slots and labels), refused here
   * first: a worker with {@code --capability 'gpu;x'} otherwise heard of it only from a master,
   * and without one retried until its give-up time (30 minutes) before it exited 4.
   */
  private static void checkOffer(String id, int slots, List<String> labels) {
    List<String> problems = new ArrayList<>();
    WorkerOffer.checkWorkerId(id).ifPresent(p -> problems.add(p + " (--id, swamp.worker.id)"));
    if (slots < 1 || slots > WorkerOffer.MAX_SLOTS) {
      problems.add("swamp.worker.slots (--slots) must be from 1 to " + WorkerOffer.MAX_SLOTS
          + ", or 0 for one per processor, not " + slots);
    }
    labels.forEach(l -> WorkerOffer.checkLabel(l)
        .ifPresent(p -> problems.add(p + " (--capability, swamp.worker.labels)")));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /**
   * A duration that must be longer than 0: a retry interval of 0s sent a registration every
   * millisecond, to the master too, and a give-up time of 0s gave up before the first.
   */
  private static Duration positive(Config w, String key, String flag) {
    Duration d = w.getDuration(key);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("swamp.worker." + key + " (" + flag + ") must be longer"
          + " than 0, not " + w.getValue(key).unwrapped());
    }
    return d;
  }

  private static boolean executor(String name) {
    return switch (name) {
      case "process" -> false;
      case "dry-run" -> true;
      default -> throw new IllegalArgumentException(
          "swamp.worker.executor must be process or dry-run, not '" + name + "'");
    };
  }

  public WorkerSettings withSlots(int newSlots) {
    return new WorkerSettings(workerId, host, url, newSlots, labels, allowedExecutables,
        allowedJobVariables, memoryMb, retryInterval, retryJitter, giveUpAfter, workDir,
        drainGrace, termGrace, killGrace, maxOutputBytes,
        secret, dryRun);
  }

  public WorkerSettings withMaxOutput(int bytes) {
    return new WorkerSettings(workerId, host, url, slots, labels, allowedExecutables,
        allowedJobVariables, memoryMb, retryInterval, retryJitter, giveUpAfter, workDir,
        drainGrace, termGrace, killGrace, bytes, secret, dryRun);
  }

  public WorkerSettings withWorkerId(String newId) {
    return new WorkerSettings(newId, host, url, slots, labels, allowedExecutables,
        allowedJobVariables, memoryMb, retryInterval, retryJitter, giveUpAfter, workDir,
        drainGrace, termGrace, killGrace, maxOutputBytes,
        secret, dryRun);
  }

  @Override
  public String toString() { // the secret stays out of every log line
    return "WorkerSettings[id=" + workerId + ", host=" + host + ", slots=" + slots + ", labels="
        + labels + ", retryInterval=" + retryInterval + ", giveUpAfter=" + giveUpAfter
        + (dryRun ? ", dry-run" : "") + "]";
  }

  private static long physicalMemoryMb() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize() / (1024 * 1024);
    }
    return 0;
  }
}
