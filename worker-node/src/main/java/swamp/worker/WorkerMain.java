package swamp.worker;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import swamp.node.ConfigCheck;
import swamp.node.Credentials;
import swamp.node.ExitCodes;
import swamp.node.HumanDuration;
import swamp.node.NodeAddress;
import swamp.node.ProcessLaunch;

/**
 * {@code bin/swamp worker}: joins the cluster through the master's address, phones home and runs
 * jobs until dismissed (exit 0), refused (3: by the master, or its TLS does not accept this
 * worker's pool key, or it speaks the other transport, TLS or --insecure's plain tcp) or given up
 * (4). A worker that loses its master joins
 * the cluster again with a fresh actor system and a fresh give-up deadline; its running jobs keep
 * running across that, in a {@link JobTable} the JVM keeps.
 */
@Command(name = "swamp worker", mixinStandardHelpOptions = true,
    description = "Join a swamp pool and run its jobs.")
public final class WorkerMain implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);
  public static final String SYSTEM_NAME = "swamp";

  @Option(names = "--master", required = true, paramLabel = "HOST:PORT",
      description = "A master's cluster address (a seed node); may be given more than once.")
  List<String> masters = new ArrayList<>();

  @Option(names = "--host", description = "The address this worker advertises (default: the one that routes to the master).")
  String host;

  @Option(names = "--port", description = "The cluster port of this worker (default: any free one).")
  int port;

  @Option(names = "--slots", description = "Jobs run at once (default: one per processor).")
  Integer slots;

  @Option(names = "--capability", paramLabel = "LABEL", description = "A capability label jobs may require; repeatable.")
  List<String> capabilities = new ArrayList<>();

  @Option(names = "--allow", paramLabel = "PROGRAM", description = "Also allow this program; '*' allows any; repeatable.")
  List<String> allow = new ArrayList<>();

  @Option(names = "--id", description = "The worker's name in the pool (default: HOST-PID).")
  String id;

  @Option(names = "--retry-interval", paramLabel = "DURATION", description = "Registration retry interval, e.g. 5s.")
  String retryInterval;

  @Option(names = "--give-up-after", paramLabel = "DURATION", description = "Exit 4 when not registered within this long, e.g. 30m.")
  String giveUpAfter;

  @Option(names = "--work-dir", paramLabel = "DIR", description = "Where jobs run that name no directory (default: a private one under java.io.tmpdir, removed when the worker ends).")
  String workDir;

  @Option(names = "--dry-run", description = "Check each job's program but start nothing: the job succeeds at once.")
  boolean dryRun;

  @Option(names = "--insecure", description = "Plain tcp remoting, for a master started with --insecure.")
  boolean insecure;

  public static void main(String[] args) {
    ProcessLaunch.configure(); // before anything starts a thread or a process
    ConfigCheck.main("swamp worker", new WorkerMain(), args);
  }

  @Override
  public Integer call() {
    Config config;
    WorkerSettings settings;
    boolean ownWorkDir;
    try {
      config = config();
      settings = WorkerSettings.fromConfig(config);
      Optional<Path> missing = Credentials.missingKeyStore(config);
      if (missing.isPresent()) {
        Optional<WorkerActor.Exit> noKey = awaitPoolKey(missing.get(), settings.giveUpAfter(),
            MasterKeyCheck.withoutKey(config));
        if (noKey.isPresent()) {
          if (noKey.get().code() == ExitCodes.REFUSED) {
            log.error("worker {} stops: {}", settings.workerId(), noKey.get().reason());
          }
          System.err.println("swamp worker " + settings.workerId() + ": " + noKey.get().reason());
          return noKey.get().code();
        }
        config = config(); // with the key's password, now beside it
      }
      ownWorkDir = config.getString("swamp.worker.work-dir").isBlank();
      if (ownWorkDir) {
        WorkDirs.makePrivate(settings.workDir());
      } else {
        Files.createDirectories(settings.workDir());
      }
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("swamp worker: bad configuration: " + e.getMessage());
      return ExitCodes.BAD_CONFIG;
    } catch (java.io.IOException e) {
      System.err.println("swamp worker: cannot read the pool key or use the work directory: "
          + e.getMessage());
      return ExitCodes.BAD_CONFIG;
    }
    try {
      return work(config, settings);
    } finally {
      if (ownWorkDir) { // its own scratch directory goes with it; a --work-dir stays
        WorkDirs.remove(settings.workDir());
      }
    }
  }

  private Integer work(Config config, WorkerSettings settings) {
    if (insecure) {
      log.warn("running INSECURE: plain tcp remoting, for a master started with --insecure");
    }
    if (settings.secret().isEmpty()) {
      log.warn("no registration secret is set (SWAMP_SECRET); only an --insecure master will take this worker");
    }
    Executables executables = Executables.of(settings.allowedExecutables(), settings.allowedJobVariables());
    warnIfAnythingRuns(executables);
    JobTable table = new JobTable();
    StopSignals signals = StopSignals.install();
    // a worker with another pool's key (or an old one), or of the other transport, hears nothing
    // from Artery but WARNs: it probes the master with a TLS hello while it finds no master (and
    // when the master it registered with falls silent), and exits 3 saying what to change
    WorkerActor.KeyCheck keyCheck = MasterKeyCheck.of(config).orElse(null);
    while (true) {
      WorkerActor.Exit exit = runOnce(config, settings, executables, table, signals, keyCheck);
      if (exit.code() != WorkerActor.REJOIN) {
        System.err.println("swamp worker " + settings.workerId() + ": " + exit.reason());
        return exit.code();
      }
      log.info("joining the cluster again: {}", exit.reason());
    }
  }

  /** Says so when the allow-list holds a program that runs any other (a shell, an interpreter). */
  public static void warnIfAnythingRuns(Executables executables) {
    List<String> any = executables.runningAnything();
    if (!any.isEmpty()) {
      log.warn("the allow-list holds {}, which can run any program: jobs here may run anything",
          String.join(", ", any));
    }
  }

  /**
   * Waits for the pool key a master makes on its first start (a worker on a shared home may start
   * beside it); how the worker ends when it has not come within {@code timeout} (exit 4), or when
   * {@code check} finds, at most every {@link WorkerActor#KEY_CHECK_EVERY}, that the master runs
   * with --insecure and makes no key (exit 3); empty once the key is there.
   */
  private static Optional<WorkerActor.Exit> awaitPoolKey(Path key, java.time.Duration timeout,
      Optional<WorkerActor.KeyCheck> check) {
    log.info("waiting for the pool key at {}: bin/swamp master makes it on its first start; a"
        + " worker on another machine needs a copy, named with SWAMP_TLS_KEY_STORE and"
        + " SWAMP_TLS_PASSWORD (or --insecure against an --insecure master)", key);
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextCheck = System.nanoTime();
    while (!Files.isRegularFile(key)) {
      if (System.nanoTime() > deadline) {
        return Optional.of(new WorkerActor.Exit(ExitCodes.GAVE_UP, "no pool key at " + key
            + " within " + HumanDuration.of(timeout) + "; giving up"));
      }
      if (check.isPresent() && System.nanoTime() - nextCheck >= 0) {
        Optional<String> rejected = check.get().rejected(); // seconds at most
        if (rejected.isPresent()) {
          return Optional.of(new WorkerActor.Exit(ExitCodes.REFUSED, rejected.get()));
        }
        nextCheck = System.nanoTime() + WorkerActor.KEY_CHECK_EVERY.toNanos();
        continue;
      }
      try {
        Thread.sleep(200); // not an actor: the worker's actor system is not started yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of(new WorkerActor.Exit(ExitCodes.GAVE_UP, "interrupted waiting for the"
            + " pool key at " + key));
      }
    }
    return Optional.empty();
  }

  /** How long a worker that has decided to exit waits for its actor system to stop. */
  static final java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(20);

  /**
   * Ends the process with the exit's code if the actor system has not stopped within
   * {@code grace}: a shutdown that hangs (seen under heavy load, in Pekko's last phase) must not
   * keep a dismissed or refused worker, and so its grid job, alive.
   */
  private static void haltIfStuck(WorkerActor.Exit exit, java.time.Duration grace,
      Path ownWorkDir) {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(grace.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      System.err.println("swamp worker: the actor system did not stop within " + HumanDuration.of(grace)
          + " of '" + exit.reason() + "'; exiting " + exit.code() + " anyway");
      if (ownWorkDir != null) { // what call() does on a normal end, which halt() skips
        WorkDirs.remove(ownWorkDir);
      }
      Runtime.getRuntime().halt(exit.code());
    }, "swamp-exit-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  /**
   * Waits for the actor system to stop; once the worker has decided to go (to exit or to join
   * again), at most {@link #STOP_GRACE} more: a shutdown hung in its last phase must not keep a
   * worker that lost its master from joining again. A worker that exits, or joins again from a
   * port of its own choosing (whether it ended its system or the cluster removed its node), waits
   * no longer than its coordinated shutdown: once every phase before the system's termination has
   * run (the cluster has let the node go, the remote transport has been flushed) nothing is left
   * that needs the system, and Artery's TLS streams sometimes keep it from terminating for the
   * whole phase timeout and beyond (in RestartIT's logs after a master's kill -9, both workers
   * waited the whole 20 s before they joined the restarted master). Only a rejoin on a fixed
   * {@code --port} waits for the old system to let its socket go.
   */
  private static void awaitStopped(ActorSystem<?> system, CompletableFuture<WorkerActor.Exit> exit,
      CompletableFuture<Done> exitShutdownRan) {
    CompletableFuture<?> terminated = system.getWhenTerminated().toCompletableFuture();
    long decidedAt = 0;
    while (true) {
      try {
        CompletableFuture.anyOf(terminated, exitShutdownRan).get(1, TimeUnit.SECONDS);
        if (!terminated.isDone()) {
          log.info("the actor system's shutdown has run all its phases; going on without waiting"
              + " for its remote transport");
        }
        return;
      } catch (TimeoutException e) {
        // decided: the worker said how it ends, or the system shuts down without it (a node the
        // cluster removed; RestartIT saw such a system hang in its last phase for good)
        Optional<CoordinatedShutdown.Reason> downed = CoordinatedShutdown.get(system).getShutdownReason();
        if (exit.isDone() || downed.isPresent()) {
          decidedAt = decidedAt == 0 ? System.nanoTime() : decidedAt;
          if (System.nanoTime() - decidedAt > STOP_GRACE.toNanos()) {
            log.warn("the actor system did not stop within {} of '{}'; going on without it",
                HumanDuration.of(STOP_GRACE), exit.isDone() ? exit.getNow(null).reason()
                    : "its shutdown (" + downed.get().getClass().getSimpleName() + ")");
            return;
          }
        }
      } catch (ExecutionException e) {
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** What the guardian of a worker's actor system hears: how its worker ended, or a signal. */
  private sealed interface Guardian {}

  private record Ended(WorkerActor.Exit exit) implements Guardian {}

  private record Signalled(WorkerActor.Stop stop) implements Guardian {}

  /** One actor system's life: join, register, work; returns how it ended. */
  static WorkerActor.Exit runOnce(Config config, WorkerSettings settings,
      Executables executables, JobTable table, StopSignals signals, WorkerActor.KeyCheck keyCheck) {
    CompletableFuture<WorkerActor.Exit> exit = new CompletableFuture<>();
    CompletableFuture<Done> exitShutdownRan = new CompletableFuture<>();
    boolean ephemeralPort = config.getInt("pekko.remote.artery.canonical.port") == 0;
    Behavior<Guardian> guardian = Behaviors.setup(ctx -> {
      handOverWhenRemoved(ctx.getSystem(), table);
      ActorRef<WorkerActor.Command> worker = ctx.spawn(WorkerActor.create(settings, executables,
          ctx.messageAdapter(WorkerActor.Exit.class, Ended::new), table, keyCheck), "worker");
      return Behaviors.receive(Guardian.class)
          .onMessage(Ended.class, ended -> {
            WorkerActor.Exit e = ended.exit();
            exit.complete(e);
            if (e.code() != WorkerActor.REJOIN) {
              haltIfStuck(e, STOP_GRACE, config.getString("swamp.worker.work-dir").isBlank()
                  ? settings.workDir() : null);
            }
            CompletableFuture<Done> ran = CoordinatedShutdown.get(ctx.getSystem())
                .runAll(new WorkerExitReason()).toCompletableFuture();
            if (e.masterGone()) {
              downIfMember(ctx.getSystem());
            }
            // a rejoin on a fixed --port needs the old system's socket closed: it waits for the end
            if (e.code() != WorkerActor.REJOIN) {
              ran.thenAccept(exitShutdownRan::complete);
            }
            return Behaviors.same();
          })
          .onMessage(Signalled.class, s -> {
            worker.tell(s.stop());
            return Behaviors.same();
          })
          .build();
    });
    ActorSystem<Guardian> system = ActorSystem.create(guardian, SYSTEM_NAME, config);
    if (ephemeralPort) {
      // however the system shuts down (the worker ended it, or the cluster removed the node),
      // once the phases before its termination have run a new one may start on another port
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
          "swamp-phases-ran", () -> {
            exitShutdownRan.complete(Done.getInstance());
            return CompletableFuture.completedFuture(Done.getInstance());
          });
    }
    // SIGTERM stops the worker: it says goodbye so that the master runs its jobs elsewhere at
    // once, and the process exits 0 instead of joining again
    signals.attach(stop -> system.tell(new Signalled(stop)));
    awaitStopped(system, exit, exitShutdownRan);
    // a system that ended without the worker saying why was downed: the master side lost us
    return exit.getNow(new WorkerActor.Exit(WorkerActor.REJOIN, "this node was removed from the cluster"));
  }

  private static final class WorkerExitReason implements CoordinatedShutdown.Reason {}

  /**
   * A worker whose master is gone (it came back with another pool key, or with --insecure)
   * cannot take its leave of the cluster: no master acknowledges it, and the shutdown would wait
   * out the 10 s of its cluster-exiting phase. It downs itself, which ends its membership within
   * a gossip tick; once the shutdown has begun with the worker's reason, so that its jobs are not
   * handed over as a removed node's are.
   */
  private static void downIfMember(ActorSystem<?> system) {
    Cluster cluster = Cluster.get(system);
    MemberStatus status = cluster.selfMember().status();
    // Joining too: a worker registers once it sees the registry, and may not have heard from the
    // master that it is up before the master went (seen in RegistrationIT)
    if (status == MemberStatus.up() || status == MemberStatus.weaklyUp()
        || status == MemberStatus.joining() || status == MemberStatus.leaving()) {
      log.info("downing this node: its master is gone, and no other takes its leave");
      cluster.manager().tell(new Down(cluster.selfMember().address()));
    }
  }

  /**
   * A system that shuts down without the worker having said how it ended was removed from the
   * cluster (downed): {@link #runOnce} will join again, so the jobs are handed over, in the first
   * phase, before the runners stop. A worker that ended itself has decided already, and a JVM
   * that exits takes its jobs with it.
   */
  static void handOverWhenRemoved(ActorSystem<?> system, JobTable table) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "swamp-hand-over-jobs", () -> {
      shutdown.getShutdownReason().ifPresent(reason -> {
        if (!(reason instanceof WorkerExitReason) && !reason.equals(CoordinatedShutdown.jvmExitReason())) {
          table.handOver();
        }
      });
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }

  private Config config() throws java.io.IOException {
    Map<String, Object> o = new HashMap<>();
    List<String> seeds = new ArrayList<>();
    NodeAddress first = null;
    for (String m : masters) {
      NodeAddress a = NodeAddress.parse(m);
      first = first == null ? a : first;
      seeds.add(a.pekkoAddress(SYSTEM_NAME));
    }
    o.put("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds));
    o.put("pekko.remote.artery.canonical.hostname", host != null ? host : first.localAddressTowards());
    o.put("pekko.remote.artery.canonical.port", port);
    if (slots != null) {
      if (slots < 1) {
        throw new IllegalArgumentException("--slots must be at least 1, not " + slots);
      }
      o.put("swamp.worker.slots", slots);
    }
    if (id != null) {
      o.put("swamp.worker.id", id);
    }
    if (retryInterval != null) {
      o.put("swamp.worker.retry-interval", retryInterval);
    }
    if (giveUpAfter != null) {
      o.put("swamp.worker.give-up-after", giveUpAfter);
    }
    if (workDir != null) {
      o.put("swamp.worker.work-dir", workDir);
    }
    if (dryRun) {
      o.put("swamp.worker.executor", "dry-run");
    }
    Config base = ConfigFactory.load();
    if (!capabilities.isEmpty()) {
      List<String> labels = new ArrayList<>(base.getStringList("swamp.worker.labels"));
      labels.addAll(capabilities);
      o.put("swamp.worker.labels", ConfigValueFactory.fromIterable(labels));
    }
    if (!allow.isEmpty()) {
      List<String> allowed = new ArrayList<>(base.getStringList("swamp.worker.allowed-executables"));
      allowed.addAll(allow);
      o.put("swamp.worker.allowed-executables", ConfigValueFactory.fromIterable(allowed));
    }
    Config loaded = ConfigCheck.load(o, base); // WorkerSettings.fromConfig checks the values
    return ConfigFactory.parseMap(Credentials.remoting(loaded, insecure, false)).withFallback(loaded);
  }
}
