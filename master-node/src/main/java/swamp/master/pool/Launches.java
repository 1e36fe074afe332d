package swamp.master.pool;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import swamp.master.pool.Launcher.GridState;

/**
 * The sources' launchers, called on the grid dispatcher (never on the scaler's thread): each call
 * answers with a future the {@link PoolScaler} pipes to itself. Builds what a spawned worker runs:
 * its argv and environment (the secret and the master's key store travel there, never in argv).
 */
final class Launches {

  private final Map<String, Launcher> launchers = new LinkedHashMap<>();
  private final Map<String, SourceSettings> sources = new LinkedHashMap<>();
  private final Map<String, String> masterAddresses = new LinkedHashMap<>();
  private final Executor blocking;
  private final String secret;
  private final Path spawnDir;
  /** What a spawned worker needs to join this master: its key store, or --insecure. */
  private final Map<String, String> remotingEnvironment;
  private final boolean insecureRemoting;
  /** The grid jobs submitted on this master's address, for its next start after a crash. */
  private final SpawnLedger ledger;

  /** {@code ownAddress}: where workers join unless their source says otherwise. */
  Launches(PoolSettings settings, Function<SourceSettings, Launcher> launchers, Executor blocking,
      String secret, Config config, String ownAddress) {
    for (SourceSettings s : settings.sources()) {
      this.launchers.put(s.name(), launchers.apply(s));
      this.sources.put(s.name(), s);
      masterAddresses.put(s.name(), s.masterAddress().isBlank() ? ownAddress : s.masterAddress());
    }
    this.blocking = blocking;
    this.secret = secret;
    this.spawnDir = settings.spawnDir();
    this.remotingEnvironment = swamp.node.Credentials.workerEnvironment(config);
    this.insecureRemoting = !config.getString("pekko.remote.artery.transport").equals("tls-tcp");
    this.ledger = new SpawnLedger(spawnDir, ownAddress);
  }

  /** The launcher for a source. */
  static Launcher of(SourceSettings source, java.time.Duration commandTimeout) {
    return switch (source.launcher()) {
      case LOCAL -> new LocalLauncher();
      case SLURM -> GridLauncher.slurm(source, commandTimeout);
      case SGE -> GridLauncher.sge(source, commandTimeout);
      case COMMAND -> GridLauncher.command(source, commandTimeout);
    };
  }

  /** The address {@code source}'s workers join. */
  String masterAddress(String source) {
    return masterAddresses.get(source);
  }

  /** Whether {@code source}'s launcher can tell a job's state. */
  boolean canTell(String source) {
    return launchers.get(source).canTell();
  }

  /** Starts the spawn's worker; answers its job id. */
  CompletableFuture<String> submit(SpawnBook.Spawn sp) {
    SourceSettings src = sources.get(sp.sourceName());
    List<String> argv = new ArrayList<>(WorkerCommand.argv(src, sp.id,
        masterAddresses.get(src.name())));
    if (insecureRemoting) {
      argv.add("--insecure");
    }
    Map<String, String> env = WorkerCommand.environment(src, secret);
    env.putAll(remotingEnvironment);
    Launcher.Request request = new Launcher.Request(sp.id, argv, env, spawnDir,
        spawnDir.resolve(sp.id + ".sh"), sp.log);
    Launcher launcher = launchers.get(src.name());
    return offThread(() -> {
      String jobId = launcher.submit(request);
      if (src.launcher().queues) {
        try {
          ledger.add(src.name(), jobId);
        } catch (java.io.IOException e) { // the job is submitted all the same
          org.slf4j.LoggerFactory.getLogger(Launches.class).warn("job {} of source {} cannot be"
              + " noted in {}: a crash of this master would leave it queued: {}", jobId,
              src.name(), ledger.file(), e.getMessage());
        }
      }
      return jobId;
    });
  }

  /**
   * Cancels the grid jobs that an earlier run of this master (killed, so that it cancelled
   * nothing) left waiting in its scheduler's queue ({@link SpawnLedger}), off the caller's
   * thread, and logs what it did. Jobs that run are left to their workers.
   */
  CompletableFuture<Void> sweepEarlierRun() {
    org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PoolScaler.class);
    return offThread(() -> {
      Map<String, List<String>> bySource = new LinkedHashMap<>();
      try {
        ledger.previous().forEach(e -> bySource.computeIfAbsent(e.source(), s -> new ArrayList<>())
            .add(e.jobId()));
      } catch (java.io.IOException e) {
        log.warn("cannot read {} (the grid jobs an earlier run of this master may have left"
            + " queued): {}", ledger.file(), e.getMessage());
      }
      bySource.forEach((source, jobIds) -> sweep(source, jobIds, log));
      return null;
    });
  }

  private void sweep(String source, List<String> jobIds, org.slf4j.Logger log) {
    Launcher launcher = launchers.get(source);
    if (launcher == null || !launcher.canTell()) { // most of them ended long ago
      log.info("job(s) {} of source {}, from an earlier run of this master, are left as they are"
          + " ({}): cancel any still queued by hand", jobIds, source, launcher == null
          ? "no such source now" : "its queue cannot be read: no status command");
      return;
    }
    try {
      Map<String, GridState> states = launcher.status(jobIds);
      for (String jobId : jobIds) {
        GridState state = states.get(jobId);
        if (state == GridState.QUEUED || state == GridState.FAILED) {
          launcher.cancel(jobId);
          log.warn("cancelled job {} of source {}, which an earlier run of this master (killed?)"
              + " left waiting in the scheduler's queue", jobId, source);
        } else if (state == GridState.STARTED) {
          log.info("job {} of source {}, from an earlier run of this master, runs: its worker is"
              + " taken back when it registers, or gives up", jobId, source);
        }
      }
    } catch (Launcher.LaunchException e) {
      log.warn("cannot clear the jobs {} of source {} that an earlier run of this master left: {}",
          jobIds, source, e.getMessage());
    }
  }

  /** Cancels {@code source}'s job; answers its id once it is done. */
  CompletableFuture<String> cancel(String source, String jobId) {
    Launcher launcher = launchers.get(source);
    return offThread(() -> {
      launcher.cancel(jobId);
      return jobId;
    });
  }

  /** What {@code source}'s scheduler holds of {@code jobIds} (null: it cannot tell). */
  CompletableFuture<Map<String, GridState>> status(String source, Collection<String> jobIds) {
    Launcher launcher = launchers.get(source);
    return offThread(() -> launcher.status(jobIds));
  }

  /** How {@code source}'s job ended, where its launcher saw it end; else null. */
  String howEnded(String source, String jobId) {
    return launchers.get(source).howEnded(jobId);
  }

  /** Sets {@code source}'s jobs going away, not waited for (the scaler is stopping). */
  void abandon(String source, List<String> jobIds) {
    if (jobIds.isEmpty()) {
      return;
    }
    Launcher launcher = launchers.get(source);
    try {
      blocking.execute(() -> launcher.abandon(jobIds));
    } catch (RejectedExecutionException stopping) { // the system is going down: now, then
      launcher.abandon(jobIds);
    }
  }

  /** What a failed call says: the command's message, not its wrappers. */
  static String reason(Throwable t) {
    while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof Launcher.LaunchException ? t.getMessage() : t.toString();
  }

  /** A launcher's blocking call. */
  private interface LauncherCall<T> {
    T run() throws Launcher.LaunchException;
  }

  private <T> CompletableFuture<T> offThread(LauncherCall<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return work.run();
      } catch (Launcher.LaunchException e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }
}
