package swamp.master;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import swamp.master.dispatch.Journal;
import swamp.master.dispatch.JournalRepair;
import swamp.master.dispatch.JournalGuard;
import swamp.master.pool.PoolSettings;
import swamp.node.ConfigCheck;
import swamp.node.ExitCodes;
import swamp.node.NodeAddress;
import swamp.node.ProcessLaunch;
import swamp.worker.WorkDirs;
import swamp.worker.WorkerMain;
import swamp.worker.WorkerSettings;

/**
 * {@code bin/swamp master}, the command line: it reads the configuration and checks it, the API
 * token and the job journal, creates the node's actor system and has {@link MasterNode} run the
 * master on it, with its HTTP API and, unless local-exec is {@code never}, its embedded worker
 * ({@link LocalWorker}); what stops it becomes a line on stderr and the exit code. SIGTERM (or
 * SIGINT) refuses new work, dismisses every worker, waits for them to leave and exits 0
 * ({@link MasterShutdown}).
 */
@Command(name = "swamp master", mixinStandardHelpOptions = true,
    description = "Start a swamp master: it accepts jobs at once and runs them on its pool.")
public final class MasterMain implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(MasterMain.class);

  @Option(names = "--host", description = "The address the master advertises to workers (default 127.0.0.1).")
  String host;

  @Option(names = "--port", description = "The cluster port workers join through (default 17355).")
  Integer port;

  @Option(names = "--http-host", description = "The address the HTTP API listens on (default 127.0.0.1).")
  String httpHost;

  @Option(names = "--http-port", description = "The HTTP API's port (default 8070).")
  Integer httpPort;

  @Option(names = "--https", description = "Serve the API and the dashboard over HTTPS with the"
      + " pool's key store (SWAMP_TLS_*, else ~/.swamp/pool.p12).")
  boolean https;

  @Option(names = "--local-exec", paramLabel = "MODE",
      description = "when-no-workers (default), always or never: whether the master runs jobs itself.")
  String localExec;

  @Option(names = "--local-slots", paramLabel = "N", description = "Slots of the master's own worker (default: one per processor).")
  Integer localSlots;

  @Option(names = "--insecure", description = "Plain tcp remoting, no registration secret and, on loopback only, no API token:"
      + " any node that reaches the port may join the cluster and register.")
  boolean insecure;

  @Option(names = "--journal", paramLabel = "URL|FILE",
      description = "The job journal: an H2 file (default ~/.swamp/journal/master-PORT) or a jdbc:postgresql:// URL shared with standbys.")
  String journal;

  @Option(names = "--peer", paramLabel = "HOST:PORT",
      description = "Another master node of the pool (a standby, or the active master of a standby); repeatable.")
  List<String> peers = new java.util.ArrayList<>();

  @Option(names = JournalRepair.RECOVER_FLAG,
      description = "Start from the journal's last good snapshot when it is damaged (what came after it is lost; the damaged file is kept).")
  boolean recoverFromSnapshot;

  @Option(names = "--standby",
      description = "Join the active master (--peer) as its standby: take over when it dies. Needs a shared --journal.")
  boolean standby;

  /**
   * Why the API cannot listen at {@code host:port} (another program has the port, the host is not
   * this machine's), found before the cluster node starts; empty when it can, or for port 0. The
   * API bound only after the node was up: a master on a taken HTTP port took its workers'
   * registrations and exited 2 seconds later, and workers that had registered with it did not
   * register with the master started next on the same address for minutes.
   */
  static Optional<String> httpPortProblem(String host, int port) {
    if (port == 0) {
      return Optional.empty();
    }
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.setReuseAddress(true); // as the server binds: a closed connection's TIME_WAIT is no obstacle
      probe.bind(new java.net.InetSocketAddress(host, port));
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.of(NodeAddress.cannotBind(e).orElse(String.valueOf(e)));
    }
  }

  public static void main(String[] args) {
    ProcessLaunch.configure(); // before anything starts a thread or a process
    ConfigCheck.main("swamp master", new MasterMain(), args);
  }

  @Override
  public Integer call() {
    Config config;
    MasterSettings settings;
    PoolSettings pool;
    WorkerSettings local;
    try {
      config = config();
      settings = MasterSettings.fromConfig(config);
      pool = PoolSettings.fromConfig(config);
      pool.checkPrograms(System.getenv().getOrDefault("PATH", "/bin:/usr/bin"));
      pool.checkWorkerArgs(WorkerMain::flagsProblem, settings.insecure());
      local = LocalWorker.settings(config, settings);
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("swamp master: bad configuration: " + ConfigCheck.message(e));
      return ExitCodes.BAD_CONFIG;
    } catch (IOException e) {
      System.err.println("swamp master: cannot make its pool key or use its worker's directory: "
          + swamp.node.IoProblem.describe(e));
      return ExitCodes.BAD_CONFIG;
    }
    if (!pool.sources().isEmpty()) {
      try {
        PoolSettings.makeSpawnDir(pool.spawnDir());
      } catch (IOException e) {
        System.err.println("swamp master: the worker directory's spawn-dir cannot be used: "
            + swamp.node.IoProblem.describe(e));
        return ExitCodes.BAD_CONFIG;
      }
    }
    String apiToken;
    try {
      apiToken = apiToken(settings);
    } catch (IllegalArgumentException e) {
      System.err.println("swamp master: " + e.getMessage());
      return ExitCodes.BAD_CONFIG;
    } catch (IOException e) {
      System.err.println("swamp master: cannot make or read its API token: "
          + swamp.node.IoProblem.describe(e));
      return ExitCodes.BAD_CONFIG;
    }
    if (settings.secret().isEmpty() && !settings.insecure()) {
      System.err.println("swamp master: no registration secret; set SWAMP_SECRET (every worker"
          + " needs the same), or pass --insecure to let any node that reaches the port register");
      return ExitCodes.BAD_CONFIG;
    }
    if (settings.insecure()) {
      log.warn("running INSECURE: plain tcp remoting (any node that reaches port {} joins the"
          + " cluster and may act as a worker or down the master), registration takes no secret{}",
          config.getInt("pekko.remote.artery.canonical.port"),
          apiToken.isEmpty() ? ", the API takes requests without a token" : "");
    }
    Optional<String> httpTaken = httpPortProblem(settings.httpHost(), settings.httpPort());
    if (httpTaken.isPresent()) { // before the cluster: workers registered with a master that then exited
      System.err.println("swamp master: cannot serve HTTP on " + settings.httpHost() + ":"
          + settings.httpPort() + " (--http-host, --http-port): " + httpTaken.get());
      return ExitCodes.BAD_CONFIG;
    }
    JournalGuard guard;
    try {
      if (recoverFromSnapshot) {
        String done = JournalRepair.recoverFromSnapshot(config);
        log.warn("{}: {}", JournalRepair.RECOVER_FLAG, done);
        System.err.println("swamp master: " + done);
      }
      boolean fresh = Journal.file(config).map(f -> !Files.exists(f)).orElse(false);
      Journal.prepare(config);
      guard = JournalGuard.open(config, fresh);
    } catch (java.sql.SQLException | IOException | RuntimeException e) {
      String damage = JournalRepair.damage(e);
      System.err.println("swamp master: " + (damage != null && !recoverFromSnapshot
          ? JournalRepair.damaged(Journal.file(config).orElse(null), damage)
          : "cannot open the job journal " + Journal.describe(
              config.getString("swamp.master.journal.url")) + ": " + (inUse(e)
              ? "another process has it open: is a master already running on it ("
                + holders(Journal.file(config), Path.of(System.getProperty("user.home"), ".swamp",
                    "journal")) + ")? Each master needs a journal of its own"
                + " (--journal). (" + e.getMessage() + ")"
              : withCause(e))));
      return ExitCodes.BAD_CONFIG;
    }
    ActorSystem<Void> system;
    MasterNode node = new MasterNode();
    try {
      system = ActorSystem.create(node.guardian(settings, local), WorkerMain.SYSTEM_NAME, config);
    } catch (RuntimeException e) { // its cluster port is taken, or not one of this machine's
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      Throwable last = cause;
      System.err.println("swamp master: cannot start its cluster node on "
          + config.getString("pekko.remote.artery.canonical.hostname") + ":"
          + config.getInt("pekko.remote.artery.canonical.port") + " (--host, --port): "
          + NodeAddress.cannotBind(e).orElseGet(() -> String.valueOf(last)));
      return ExitCodes.BAD_CONFIG;
    }
    try {
      int code = node.serve(system, settings, pool, apiToken, guard);
      Optional<CoordinatedShutdown.Reason> why =
          CoordinatedShutdown.get(system).getShutdownReason();
      if (why.isPresent() && why.get() instanceof Journal.Stop stop) {
        System.err.println("swamp master: " + stop.message());
        return ExitCodes.BAD_CONFIG;
      }
      if (code == 0 && system.getWhenTerminated().toCompletableFuture().isDone()) {
        JournalRepair.compact(config); // a clean stop leaves a journal the size of what it holds
      }
      return code;
    } catch (RuntimeException | Error e) { // a master that cannot come up must not linger
      System.err.println("swamp master: failed to start: " + e);
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      return 1;
    } finally {
      if (local != null) {
        WorkDirs.remove(local.workDir());
      }
    }
  }

  /**
   * The token the API requires: {@code SWAMP_API_TOKEN}, else the one in ~/.swamp/api-token,
   * made on the first start; none when insecure on loopback.
   *
   * @throws IllegalArgumentException for an API beyond loopback without a token
   */
  private static String apiToken(MasterSettings settings) throws IOException {
    if (!settings.apiToken().isEmpty()) {
      if (settings.apiToken().strip().length() < 16) { // the administrator's choice, said aloud
        log.warn("the API token (SWAMP_API_TOKEN) has {} characters: whoever guesses it submits"
            + " jobs as this master's user; give 16 or more (with none set, the master makes one"
            + " of 43 in ~/.swamp/api-token)", settings.apiToken().strip().length());
      }
      return settings.apiToken();
    }
    if (!settings.insecure()) {
      return swamp.node.Credentials.ensureApiToken();
    }
    if (!java.net.InetAddress.getByName(settings.httpHost()).isLoopbackAddress()) {
      throw new IllegalArgumentException("--http-host " + settings.httpHost() + " is beyond"
          + " loopback: the API needs a token there, and --insecure turns it off on loopback"
          + " only; set SWAMP_API_TOKEN, or drop --insecure to use ~/.swamp/api-token");
    }
    return "";
  }

  /**
   * A failure's message with its first cause's, where that says more: PostgreSQL's 'The
   * connection attempt failed.' says why only in its cause ('java.net.UnknownHostException: db').
   */
  static String withCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = String.valueOf(e.getMessage());
    return root == e || message.contains(String.valueOf(root.getMessage())) ? message
        : message + " (" + root + ")";
  }

  private static boolean anyAddress(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  private Config config() throws IOException {
    Map<String, Object> o = new HashMap<>();
    Config base = ConfigFactory.load();
    if (base.getStringList("pekko.cluster.roles").contains("worker")) {
      // a site file that includes worker.conf: the master would run with a worker's failure
      // detector (a dead worker's jobs rerun 30 s late, not 5)
      throw new IllegalArgumentException("the configuration is a worker's (pekko.cluster.roles ="
          + " [worker], from " + base.getValue("pekko.cluster.roles").origin().description()
          + "): a master's site file begins with include classpath(\"master.conf\"), not"
          + " worker.conf");
    }
    String h = host != null ? host : base.getString("pekko.remote.artery.canonical.hostname");
    int p = port != null ? port : base.getInt("pekko.remote.artery.canonical.port");
    o.put("pekko.remote.artery.canonical.hostname", h);
    o.put("pekko.remote.artery.canonical.port", p);
    // an active master joins its peers if one is up (after a failover), else starts the cluster;
    // a standby is never first, so it only ever joins
    List<String> seeds = new java.util.ArrayList<>();
    for (String peer : peers) {
      seeds.add(NodeAddress.parse(peer).pekkoAddress(WorkerMain.SYSTEM_NAME));
    }
    String self = new NodeAddress(h, p).pekkoAddress(WorkerMain.SYSTEM_NAME);
    if (standby) {
      if (peers.isEmpty()) {
        throw new IllegalArgumentException("--standby needs the active master's address: --peer HOST:PORT");
      }
      seeds.add(self);
    } else {
      seeds.add(0, self);
    }
    o.put("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds));
    int hp = httpPort != null ? httpPort : base.getInt("swamp.master.http-port");
    String hh = httpHost != null ? httpHost : base.getString("swamp.master.http-host");
    if (hp != 0 && hp == p && (hh.equals(h) || anyAddress(hh) || anyAddress(h))) {
      // else the cluster node took the port, and the API found it taken by its own master
      throw new IllegalArgumentException("--http-port " + hp + " is the cluster port (--port " + p
          + "): the API needs a port of its own (--http-port, 8070 by default)");
    }
    // the API's address travels with the node's membership, so a standby can send clients on
    o.put("pekko.cluster.roles", ConfigValueFactory.fromIterable(
        List.of(NodeAddress.MASTER_ROLE, NodeAddress.HTTP_ROLE_PREFIX + advertised(hh, h) + ":" + hp)));
    if (httpHost != null) {
      o.put("swamp.master.http-host", httpHost);
    }
    if (httpPort != null) {
      o.put("swamp.master.http-port", httpPort);
    }
    if (localExec != null) {
      o.put("swamp.master.local-exec", localExec);
    }
    if (localSlots != null) {
      if (localSlots < 1) { // 0 was taken as the setting's 'one per processor', without a word
        throw new IllegalArgumentException("--local-slots must be at least 1, not " + localSlots
            + " (without it: one slot per processor; --local-exec never: the master runs no job)");
      }
      o.put("swamp.master.local-slots", localSlots);
    }
    if (insecure) {
      o.put("swamp.master.insecure", true);
    }
    if (https) {
      o.put("swamp.master.https", true);
    }
    Config loaded = ConfigCheck.load(o, base);
    // TLS with the pool key (made now on a first start) unless --insecure
    loaded = ConfigFactory.parseMap(swamp.node.Credentials.remoting(loaded, insecure, true))
        .withFallback(loaded);
    String url = journal == null ? Journal.url(loaded,
            Path.of(System.getProperty("user.home"), ".swamp", "journal", "master-" + p))
        : journal.startsWith("jdbc:") ? journal : "jdbc:h2:file:" + h2Base(journal);
    if (standby && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("a standby needs the journal it shares with the active"
          + " master: --journal jdbc:postgresql://HOST:PORT/DB");
    }
    return Journal.configure(loaded.withValue("swamp.master.journal.url",
        ConfigValueFactory.fromAnyRef(url)), url);
  }

  /**
   * Which masters may hold the H2 journal {@code file}: one of the port its default name has
   * (master-PORT in {@code defaultDir}), or one given it with --journal. A master started with
   * --port 57369 --journal of another's file was told "one with --port 57369 and the default
   * journal": its own port, which no other master's default journal is named after.
   */
  static String holders(java.util.Optional<Path> file, Path defaultDir) {
    if (file.isPresent() && file.get().toAbsolutePath().getParent() != null
        && file.get().toAbsolutePath().getParent().equals(defaultDir.toAbsolutePath())) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("master-(\\d+)\\.mv\\.db")
          .matcher(file.get().getFileName().toString());
      if (m.matches()) {
        return "one with --port " + m.group(1) + " and the default journal, or one given the same"
            + " --journal";
      }
    }
    return "one given the same --journal";
  }

  /**
   * The H2 database that {@code --journal FILE} names: H2 adds ".mv.db" to the name it is given,
   * so a FILE that already ends so (the file a user sees) is taken without it.
   */
  static Path h2Base(String file) {
    if (file.isBlank() || file.endsWith("/") || java.nio.file.Files.isDirectory(Path.of(file))) {
      throw new IllegalArgumentException("--journal '" + file + "' names " + (file.isBlank()
          ? "no file" : "a directory") + "; give the journal's file (e.g. --journal "
          + (file.isBlank() ? "" : file.endsWith("/") ? file : file + "/") + "swamp-journal), or a"
          + " jdbc:postgresql:// URL");
    }
    String base = file.endsWith(".mv.db") ? file.substring(0, file.length() - ".mv.db".length()) : file;
    return Path.of(base).toAbsolutePath();
  }

  /** The host clients reach the API on: the cluster host when the API listens everywhere. */
  private static String advertised(String httpHost, String clusterHost) {
    return httpHost.equals("0.0.0.0") || httpHost.equals("::") ? clusterHost : httpHost;
  }

  /** Whether H2 refused the journal because another process holds it (its error 90020). */
  private static boolean inUse(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql && sql.getErrorCode() == 90020) {
        return true;
      }
    }
    return false;
  }
}
