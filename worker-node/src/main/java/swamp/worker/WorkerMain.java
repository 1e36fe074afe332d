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
import java.util.stream.Collectors;
import org.apache.pekko.actor.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import swamp.node.ConfigCheck;
import swamp.node.Credentials;
import swamp.node.ExitCodes;
import swamp.node.HumanDuration;
import swamp.node.NodeAddress;
import swamp.node.NodeProbe;
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

  /** Why {@code args} are not flags this command takes, if they are not; nothing is run. */
  public static Optional<String> flagsProblem(List<String> args) {
    try {
      new picocli.CommandLine(new WorkerMain()).parseArgs(args.toArray(String[]::new));
      return Optional.empty();
    } catch (picocli.CommandLine.ParameterException e) {
      return Optional.of(e.getMessage());
    }
  }

  @Override
  public Integer call() {
    Config config;
    WorkerSettings settings;
    Executables executables;
    boolean ownWorkDir;
    try {
      config = config();
      settings = WorkerSettings.fromConfig(config);
      executables = Executables.of(settings.allowedExecutables(), settings.allowedJobVariables());
      RegistryLink.unbackedClaim(settings.labels(), executables).ifPresent(why -> {
        throw new IllegalArgumentException(why);
      });
      List<String> labels = RegistryLink.offer(settings, executables, false, "").labels();
      log.info("worker {}: {} slot(s){}, joining the pool at {}; gives up after {} without a"
          + " master", settings.workerId(), settings.slots(),
          labels.isEmpty() ? "" : ", capabilities " + String.join(" ", labels),
          hostPorts(MasterKeyCheck.seeds(config)), HumanDuration.of(settings.giveUpAfter()));
      Optional<Path> missing = Credentials.missingKeyStore(config);
      if (missing.isPresent()) {
        Optional<WorkerActor.Exit> noKey = awaitPoolKey(missing.get(), settings.giveUpAfter(),
            MasterKeyCheck.withoutKey(config));
        if (noKey.isPresent()) {
          if (noKey.get().code() == ExitCodes.REFUSED) {
            log.error("worker {} stops: {}", settings.workerId(), noKey.get().reason());
          }
          System.err.println("swamp worker " + settings.workerId() + ": " + noKey.get().reason()
              + (noKey.get().code() == ExitCodes.GAVE_UP
                  ? nobodyListens(MasterKeyCheck.seeds(config)) : ""));
          return noKey.get().code();
        }
      }
      // read again, whether it waited or not: the key's password is read with the settings, and
      // a master on this home may have made the key (its password first) since they were read
      config = config();
      ownWorkDir = config.getString("swamp.worker.work-dir").isBlank();
      if (ownWorkDir) {
        Path claimed = WorkDirs.claim(settings.workDir());
        if (!claimed.equals(settings.workDir())) {
          log.warn("{} is the work directory of another live worker {} on this host; this one"
              + " uses {}", settings.workDir(), settings.workerId(), claimed);
          settings = settings.withWorkDir(claimed);
        }
      } else if (Files.exists(settings.workDir()) && !Files.isDirectory(settings.workDir())) {
        throw new java.io.IOException(settings.workDir() + " (--work-dir) exists and is not a directory");
      } else if (!Files.exists(settings.workDir())) {
        // made 0700 as a worker's own is: the jobs' captured output is written there (one that is
        // there already is left as its owner made it)
        Path parent = settings.workDir().toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        WorkDirs.makePrivate(settings.workDir());
      }
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("swamp worker: bad configuration: " + ConfigCheck.message(e));
      return ExitCodes.BAD_CONFIG;
    } catch (java.io.IOException e) {
      System.err.println("swamp worker: cannot read the pool key or use the work directory: "
          + swamp.node.IoProblem.describe(e));
      return ExitCodes.BAD_CONFIG;
    }
    try {
      return work(config, settings, executables);
    } finally {
      if (ownWorkDir) { // its own scratch directory goes with it; a --work-dir stays
        WorkDirs.remove(settings.workDir());
      }
    }
  }

  private Integer work(Config config, WorkerSettings settings, Executables executables) {
    if (insecure) {
      log.warn("running INSECURE: plain tcp remoting, for a master started with --insecure");
    }
    if (settings.secret().isEmpty()) {
      log.warn("no registration secret is set (SWAMP_SECRET); only an --insecure master will take this worker");
    }
    warnIfAnythingRuns(executables);
    for (String program : allow) { // resolved once, at the start: one installed later is not taken
      if (!program.equals("*") && !executables.offered().contains(program)) {
        log.warn("--allow {}: no such program {}; it allows nothing", program,
            program.contains("/") ? "(or not executable)" : "on this worker's PATH");
      }
    }
    JobTable table = new JobTable();
    StopSignals signals = StopSignals.install();
    // a worker with another pool's key (or an old one), or of the other transport, hears nothing
    // from Artery but WARNs: it probes the master with a TLS hello while it finds no master (and
    // when the master it registered with falls silent), and exits 3 saying what to change
    KeyCheck keyCheck = MasterKeyCheck.of(config).orElse(null);
    List<Address> masters = MasterKeyCheck.seeds(config);
    while (true) {
      WorkerActor.Exit exit;
      try {
        exit = WorkerLife.runOnce(config, settings, executables, table, signals, keyCheck);
      } catch (RuntimeException e) { // its cluster port is taken, or not one of this machine's
        String why = swamp.node.NodeAddress.cannotBind(e).orElseThrow(() -> e);
        System.err.println("swamp worker: cannot start its cluster node on "
            + config.getString("pekko.remote.artery.canonical.hostname") + ":"
            + config.getInt("pekko.remote.artery.canonical.port") + " (--host, --port): " + why);
        return ExitCodes.BAD_CONFIG;
      }
      if (exit.code() != WorkerActor.REJOIN) {
        String unreachable = exit.code() != ExitCodes.GAVE_UP ? ""
            : keyCheck != null ? keyCheck.unjoined().map(why -> "; " + why).orElse("")
            : nobodyListens(masters);
        System.err.println("swamp worker " + settings.workerId() + ": " + exit.reason()
            + unreachable);
        return exit.code();
      }
      log.info("joining the cluster again: {}", exit.reason());
    }
  }

  /**
   * Why a worker that gave up found no master, when that is plain: a master's host name does not
   * resolve, or no process listens at any master address it was given (a master not started, or
   * one on another port); else nothing.
   */
  static String nobodyListens(List<Address> masters) {
    List<Address> unknown = masters.stream().filter(NodeProbe::unresolved).toList();
    if (!unknown.isEmpty()
        && masters.stream().allMatch(m -> unknown.contains(m) || NodeProbe.refuses(m))) {
      String names = unknown.stream().map(a -> a.host().get()).collect(Collectors.joining(", "));
      return "; the master's host name " + names + " (--master " + hostPorts(unknown) + ") does"
          + " not resolve to an address: is it written as the master's log says ('master on"
          + " pekko://swamp@HOST:PORT'), and does this machine's DNS or /etc/hosts know it?";
    }
    if (masters.isEmpty() || !masters.stream().allMatch(NodeProbe::refuses)) {
      return "";
    }
    return "; nothing listens at " + hostPorts(masters) + ": is the master running, on that host"
        + " (bin/swamp master --host; its log says 'master on pekko://swamp@HOST:PORT'), and is"
        + " that its cluster port (bin/swamp master --port, 17355 by default)?";
  }

  private static String hostPorts(List<Address> masters) {
    return masters.stream().map(a -> a.host().get() + ":" + a.port().get())
        .collect(Collectors.joining(", "));
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
   * {@code check} finds, at most every {@link KeyCheck#EVERY}, that the master runs
   * with --insecure and makes no key (exit 3); empty once the key is there.
   */
  private static Optional<WorkerActor.Exit> awaitPoolKey(Path key, java.time.Duration timeout,
      Optional<KeyCheck> check) {
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
        nextCheck = System.nanoTime() + KeyCheck.EVERY.toNanos();
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
    NodeAddress.checkPort(port, "--port");
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
    for (String program : allow) {
      String bad = Executables.badEntry(program);
      if (bad != null) {
        throw new IllegalArgumentException("--allow is " + bad);
      }
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
