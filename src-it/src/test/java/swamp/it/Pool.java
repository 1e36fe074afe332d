package swamp.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The processes of one test: masters, workers and {@code bin/swamp} commands started from the built
 * artifacts, with the registration secret in their environment (never on a command line) and their
 * output in {@code target/it-logs/<Class>.<method>/}. Every process gets the test's own
 * {@code HOME} ({@link #userHome()}), so the pool key and API token the first master makes in
 * {@code ~/.swamp} are the test's, shared by its nodes as a cluster's home is, and a test never
 * touches the real {@code ~/.swamp}. {@link #close()} kills whatever still runs, jobs included.
 * Tests get one through {@link PoolExtension}.
 */
public final class Pool implements AutoCloseable {

  /** Keeps several JVMs responsive on a small machine. */
  public static final List<String> JVM_OPTS =
      List.of("-Xmx256m", "-Xms48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
  static final String VERSION = "0.1.0-SNAPSHOT";
  /** How long a JVM may take to start and answer or register, on a busy 2-core machine. */
  public static final Duration STARTUP = Duration.ofSeconds(60);

  private static final Set<Integer> portsHandedOut = Collections.synchronizedSet(new HashSet<>());
  private static final Random PORTS = new Random();
  private static final Set<Node> everyLiveNode = Collections.synchronizedSet(new HashSet<>());

  static {
    // a test JVM that is stopped half-way leaves no master or worker behind
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      synchronized (everyLiveNode) {
        everyLiveNode.forEach(Node::kill);
      }
    }, "swamp-it-cleanup"));
  }

  private final Path home;
  private final boolean making;
  private final Path logDir;
  private final Path userHome;
  private final String secret = "it-secret-" + UUID.randomUUID();
  private final List<Node> nodes = Collections.synchronizedList(new ArrayList<>());
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .followRedirects(HttpClient.Redirect.NORMAL) // a standby sends clients to the active master
      .build();

  Pool(String testName) {
    this(testName, false);
  }

  /**
   * A pool whose masters and workers make the class-data archives of {@link ClassArchives} as
   * they exit ({@code making}), instead of starting from them.
   */
  Pool(String testName, boolean making) {
    this.making = making;
    home = home();
    Path logs = Path.of(System.getProperty("swamp.it.logs",
        home.resolve("src-it/target/it-logs").toString()));
    logDir = logs.resolve(testName).toAbsolutePath();
    try {
      if (Files.exists(logDir)) {
        try (Stream<Path> old = Files.walk(logDir)) {
          old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      Files.createDirectories(logDir);
      userHome = Files.createDirectories(logDir.resolve("home"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String jar : List.of(masterJar(), workerJar())) {
      if (!Files.isRegularFile(home.resolve(jar))) {
        throw new IllegalStateException(home.resolve(jar) + " is missing: build the modules first"
            + " (mvn -DskipTests package from " + home + ", or mvn verify which runs these tests)");
      }
    }
  }

  /** The repository root: system property {@code swamp.home}, set by src-it's pom. */
  public static Path home() {
    String h = System.getProperty("swamp.home");
    Path p = h != null ? Path.of(h) : Path.of("..");
    return p.toAbsolutePath().normalize();
  }

  /** The registration secret the pool's master and workers share. */
  public String secret() {
    return secret;
  }

  /**
   * The java.io.tmpdir of this test's masters and workers, under its log directory: where their
   * own work directories are, so that a test leaves nothing in /tmp.
   */
  public Path tmpDir() {
    Path tmp = logDir.resolve("tmp");
    try {
      return Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code HOME} of every process of this test: its {@code .swamp} holds the pool's credentials. */
  public Path userHome() {
    return userHome;
  }

  /** The API token the test's masters make on their first start, once one has. */
  public java.util.Optional<String> apiTokenFile() {
    try {
      return java.util.Optional.of(Files.readString(userHome.resolve(".swamp/api-token")).strip());
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  /** This test's directory of logs; also a good place for the test's own files. */
  public Path logDir() {
    return logDir;
  }

  public List<Node> nodes() {
    synchronized (nodes) {
      return List.copyOf(nodes);
    }
  }

  /** A port nothing listens on now, and not handed out before in this JVM. */
  public static int freePort() {
    // below Linux's ephemeral range (32768 and up): an outgoing connection of any process may
    // take an ephemeral port the moment it is free, and a master restarted on its port after a
    // kill -9 (RestartIT) then finds it in use
    while (true) {
      int port = 20_000 + PORTS.nextInt(12_000);
      if (!portsHandedOut.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException e) {
        // in use: another
      }
    }
  }

  // ---- masters ----

  /** Starts a master on free ports with the pool's secret and waits until its API answers. */
  public Master master(String... args) {
    Master m = startMaster(args);
    m.awaitHealthy(STARTUP);
    return m;
  }

  /** Starts a master on free ports with the pool's secret; does not wait for it. */
  public Master startMaster(String... args) {
    return startMaster(Map.of(), List.of(), args);
  }

  /**
   * A master that never runs jobs itself, started with a site file as a site would start one:
   * {@code site.conf} in the test's directory includes master.conf and adds {@code settings}
   * (lines of HOCON). Waits until its API answers.
   */
  public Master startSiteMaster(String... settings) {
    Master master = startMaster(Map.of(), List.of("-Dconfig.file=" + siteFile(settings)),
        "--local-exec", "never");
    master.awaitHealthy(STARTUP);
    return master;
  }

  /** {@code site.conf} in the test's directory: master.conf's settings and {@code settings}. */
  public Path siteFile(String... settings) {
    Path site = logDir().resolve("site.conf");
    List<String> lines = new ArrayList<>(List.of("include classpath(\"master.conf\")"));
    lines.addAll(List.of(settings));
    lines.add("");
    try {
      Files.writeString(site, String.join("\n", lines));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return site;
  }

  /**
   * Starts a master like {@link #startMaster(String...)}, with more environment variables over the
   * pool's secret (a null value removes a variable: {@code SWAMP_SECRET} -> null starts it with no
   * secret) and more JVM options. A {@code -Dconfig.file=}, {@code -Dconfig.url=} or
   * {@code -Dconfig.resource=} among them takes the place of {@code -Dconfig.resource=master.conf},
   * as in bin/swamp. Does not wait for it.
   */
  public Master startMaster(Map<String, String> env, List<String> jvmOptions, String... args) {
    String name = uniqueName("master");
    // a journal of its own, never one of an earlier run
    return startMaster(name, freePort(), freePort(), name + "-journal", env, jvmOptions, args);
  }

  /**
   * Starts a master in place of {@code dead}, which must have exited: on its cluster port, so its
   * workers find it again through their --master, on its HTTP port, so clients do too, and with
   * its journal (the one {@code args} names with --journal, else the one {@link #startMaster}
   * gave it). Pass the arguments {@code dead} was started with. Does not wait for it.
   */
  public Master restartMaster(Master dead, String... args) {
    return restartMaster(dead, Map.of(), args);
  }

  /**
   * Like {@link #restartMaster(Master, String...)}, with more environment variables over the
   * pool's secret (a null value removes one): e.g. a {@code HOME} of its own, where it makes a new
   * pool key.
   */
  public Master restartMaster(Master dead, Map<String, String> env, String... args) {
    if (dead.isAlive()) {
      throw new IllegalStateException(dead + " still runs: a master takes its place only once it"
          + " has exited");
    }
    return startMaster(uniqueName(dead.name() + "-restarted"), dead.clusterPort(),
        dead.httpPort(), dead.name() + "-journal", env, List.of(), args);
  }

  /**
   * Starts a master in place of {@code dead}, a {@link #startSiteMaster} that has exited, as
   * {@link #restartMaster} does, with the same site file; waits until its API answers.
   */
  public Master restartSiteMaster(Master dead) {
    if (dead.isAlive()) {
      throw new IllegalStateException(dead + " still runs");
    }
    Master master = startMaster(uniqueName(dead.name() + "-restarted"), dead.clusterPort(),
        dead.httpPort(), dead.name() + "-journal", Map.of(),
        List.of("-Dconfig.file=" + logDir().resolve("site.conf")), "--local-exec", "never");
    master.awaitHealthy(STARTUP);
    return master;
  }

  /** Starts master {@code name}, with the journal in {@code journal} unless args name one. */
  private Master startMaster(String name, int clusterPort, int httpPort, String journal,
      Map<String, String> env, List<String> jvmOptions, String... args) {
    List<String> argv = new ArrayList<>(List.of("--port", String.valueOf(clusterPort),
        "--http-port", String.valueOf(httpPort)));
    if (!List.of(args).contains("--journal")) {
      argv.addAll(List.of("--journal", logDir.resolve(journal).toString()));
    }
    argv.addAll(List.of(args));
    Path log = logDir.resolve(name + ".log");
    Map<String, String> all = new LinkedHashMap<>();
    all.put("SWAMP_SECRET", secret);
    all.putAll(env);
    Process p = start(javaCommand("master.conf", jvmOptions, masterJar(), "master-node",
        "swamp.master.MasterMain", argv), all, home, log, log);
    return track(new Master(name, p, log, clusterPort, httpPort, http, this::apiTokenFile));
  }

  // ---- workers ----

  /**
   * Starts a worker of {@code master} with the pool's secret, named {@code id}, retrying every
   * 500ms (unless {@code args} has a --retry-interval); more flags in {@code args}. Does not
   * wait for it to register.
   */
  public Node worker(Master master, String id, String... args) {
    return worker(secret, master.address(), id, args);
  }

  /** Starts a worker with any secret (null: none) and any master address. */
  public Node worker(String workerSecret, String masterAddress, String id, String... args) {
    return worker(workerSecret, masterAddress, id, Map.of(), args);
  }

  /**
   * Starts a worker with any secret (null: none), any master address and more environment
   * variables (a null value removes one), e.g. the TLS settings.
   */
  public Node worker(String workerSecret, String masterAddress, String id, Map<String, String> env,
      String... args) {
    List<String> argv = new ArrayList<>(List.of("--master", masterAddress, "--id", id));
    if (!List.of(args).contains("--retry-interval")) {
      argv.addAll(List.of("--retry-interval", "500ms"));
    }
    argv.addAll(List.of(args));
    String name = uniqueName("worker-" + id);
    Path log = logDir.resolve(name + ".log");
    Map<String, String> all = new LinkedHashMap<>();
    if (workerSecret != null) {
      all.put("SWAMP_SECRET", workerSecret);
    }
    all.putAll(env);
    Process p = start(javaCommand("worker.conf", List.of(), workerJar(), "worker-node",
        "swamp.worker.WorkerMain", argv), all, home, log, log);
    return track(new Node(name, p, log, log));
  }

  // ---- bin/swamp ----

  /**
   * Runs {@code bin/swamp ARGS} in {@code workDir} with {@code SWAMP_URL} pointing at
   * {@code master}; its stdout and stderr go to separate files. Does not wait for it.
   */
  public Node swamp(Master master, Path workDir, String... args) {
    return swamp(master, workDir, Map.of(), args);
  }

  /**
   * Runs {@code bin/swamp ARGS} like {@link #swamp(Master, Path, String...)}, with more
   * environment variables (a null value removes one), e.g. {@code SWAMP_API_TOKEN}, or a
   * {@code JAVA_OPTS} of its own. {@code master} may be null: then no {@code SWAMP_URL} is set.
   */
  public Node swamp(Master master, Path workDir, Map<String, String> extraEnv, String... args) {
    return swampAt(home, master, workDir, extraEnv, args);
  }

  /**
   * Runs the {@code bin/swamp} of another {@code checkout}, like {@link #swamp(Master, Path, Map,
   * String...)}.
   */
  public Node swampAt(Path checkout, Master master, Path workDir, Map<String, String> extraEnv,
      String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(checkout.resolve("bin/swamp").toString());
    argv.addAll(List.of(args));
    String name = uniqueName("swamp-" + (args.length > 0 ? args[0] : "help"));
    Map<String, String> env = new LinkedHashMap<>();
    if (master != null) {
      env.put("SWAMP_URL", master.url());
    }
    env.put("JAVA_OPTS", "-Xmx128m");
    env.putAll(extraEnv);
    Process p = start(argv, env, workDir, logDir.resolve(name + ".out"), logDir.resolve(name + ".err"));
    return track(new Node(name, p, logDir.resolve(name + ".out"), logDir.resolve(name + ".err")));
  }

  // ---- plumbing ----

  static String masterJar() {
    return "master-node/target/master-node-" + VERSION + ".jar";
  }

  static String workerJar() {
    return "worker-node/target/worker-node-" + VERSION + ".jar";
  }

  private List<String> javaCommand(String configResource, List<String> jvmOptions, String jar,
      String module, String main, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_OPTS);
    String kind = module.equals("master-node") ? "master" : "worker";
    cmd.addAll(making ? ClassArchives.makingFlags(kind) : ClassArchives.flags(kind));
    if (jvmOptions.stream().noneMatch(o -> o.startsWith("-Djava.io.tmpdir="))) {
      cmd.add("-Djava.io.tmpdir=" + tmpDir()); // its work directory too: nothing left in /tmp
    }
    // the JVM's own idea of home (a default journal, spawn directory) is the test's HOME too
    cmd.add("-Duser.home=" + userHome);
    cmd.addAll(jvmOptions);
    if (jvmOptions.stream().noneMatch(o -> o.startsWith("-Dconfig.file=")
        || o.startsWith("-Dconfig.url=") || o.startsWith("-Dconfig.resource="))) {
      cmd.add("-Dconfig.resource=" + configResource);
    }
    cmd.add("-cp");
    // the launcher expands lib/*
    cmd.add(home.resolve(jar) + java.io.File.pathSeparator + home.resolve(module + "/target/lib/*"));
    cmd.add(main);
    cmd.addAll(args);
    return cmd;
  }

  private Process start(List<String> command, Map<String, String> env, Path dir, Path out, Path err) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    // nothing of the caller's swamp settings leaks in: each test says what it means
    pb.environment().keySet().removeIf(k -> k.startsWith("SWAMP_") || k.equals("JAVA_OPTS")
        || k.equals("JAVA_TOOL_OPTIONS"));
    pb.environment().put("HOME", userHome.toString());
    // a null value removes a variable
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    if (out.equals(err)) {
      pb.redirectErrorStream(true).redirectOutput(out.toFile());
    } else {
      pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    }
    try {
      Files.writeString(logDir.resolve("commands.txt"), String.join(" ", command) + "\n",
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  private <N extends Node> N track(N node) {
    nodes.add(node);
    everyLiveNode.add(node);
    return node;
  }

  private String uniqueName(String base) {
    synchronized (nodes) {
      String name = base;
      for (int i = 2; names().contains(name); i++) {
        name = base + "-" + i;
      }
      return name;
    }
  }

  private Set<String> names() {
    Set<String> s = new HashSet<>();
    nodes.forEach(n -> s.add(n.name()));
    return s;
  }

  /** The tails of every process's output, for a failed test. */
  public String tails(int lines) {
    StringBuilder b = new StringBuilder();
    nodes().forEach(n -> b.append(n.tail(lines)));
    return b.toString();
  }

  /** Kills every process still running, with its descendants (the jobs it started). */
  @Override
  public void close() {
    List<Node> all = nodes();
    all.parallelStream().forEach(Node::kill);
    everyLiveNode.removeAll(all);
  }
}
