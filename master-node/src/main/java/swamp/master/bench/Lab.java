package swamp.master.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where a bench run keeps what it starts: a scratch directory for logs and work directories, the
 * processes (every one is ended, with its descendants, when the lab closes, also on Ctrl-C), and
 * how to start a swamp JVM from the built jars.
 */
final class Lab implements AutoCloseable {

  /**
   * Worker JVMs start often and run little: fast start-up, a small heap (and a smaller first
   * one, as bin/swamp starts a worker), no C2. Replaced by
   * {@code -Dswamp.bench.worker-jvm=FLAG,FLAG...} (through JAVA_OPTS) to try other flags.
   */
  static final List<String> WORKER_JVM = flags("swamp.bench.worker-jvm",
      "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Xmx256m -Xms48m");
  /**
   * The dry-run workers of the throughput measure run hot: C2 as well, as a plain {@code java}
   * would. Replaced by {@code -Dswamp.bench.dry-worker-jvm=FLAG,FLAG...}.
   */
  static final List<String> DRY_WORKER_JVM = flags("swamp.bench.dry-worker-jvm",
      "-XX:+UseSerialGC -Xshare:auto -Xmx256m");
  /**
   * The master and the in-JVM benches run long and hot: a throughput collector for two cores.
   * Replaced by {@code -Dswamp.bench.master-jvm=FLAG,FLAG...}.
   */
  static final List<String> MASTER_JVM = flags("swamp.bench.master-jvm",
      "-XX:+UseParallelGC -Xms512m -Xmx3g");

  /** A client command (bin/swamp run) starts as bin/swamp starts one. */
  static final List<String> CLIENT_JVM =
      List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

  private static List<String> flags(String property, String dflt) {
    return List.of(System.getProperty(property, dflt).trim().split("[,\\s]+"));
  }

  final Path dir;
  final String secret = "bench-" + Long.toHexString(System.nanoTime()) + Long.toHexString(
      Double.doubleToLongBits(Math.random()));
  /** The master's API answers only requests bearing it, as a secured master would. */
  final String apiToken = "bench-token-" + Long.toHexString(System.nanoTime());
  final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  final String masterCp;
  final String workerCp;
  /** Keep the scratch directory (its logs) after the run: asked for, or a measure failed. */
  boolean keep;
  private final List<Process> processes = new ArrayList<>();
  private final Thread hook = new Thread(this::killAll, "bench-cleanup");
  /** Every JVM started records a flight recording to {@code <dir>/<name>.jfr}. */
  boolean profile;
  /** Worker JVMs start from this class-data archive once it exists. */
  Path workerArchive;
  /**
   * Masters start from this class-data archive once it exists: the first pool's master writes it
   * as it exits (about 2 s of CPU less for each master after it, 7 in a smoke run).
   */
  Path masterArchive;
  /** A master is writing {@link #masterArchive} now, or did and it came to nothing. */
  boolean masterArchiveTried;

  Lab(String masterCp, String workerCp, boolean keep) throws IOException {
    this.dir = Files.createTempDirectory("swamp-bench-");
    this.masterCp = snapshot(masterCp, dir.resolve("jars/master"));
    this.workerCp = snapshot(workerCp, dir.resolve("jars/worker"));
    this.keep = keep;
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Copies a classpath's jars ({@code a.jar:lib/*}) into {@code to} and returns the copy's
   * classpath: every JVM of a run starts from the same build, and a rebuild during the run (the
   * jars rewritten under a running JVM) cannot break it.
   */
  private static String snapshot(String cp, Path to) throws IOException {
    List<String> out = new ArrayList<>();
    for (String entry : cp.split(File.pathSeparator)) {
      if (entry.endsWith("/*")) {
        Path from = Path.of(entry.substring(0, entry.length() - 2));
        Path copy = to.resolve("lib");
        Files.createDirectories(copy);
        try (Stream<Path> jars = Files.list(from)) {
          for (Path jar : jars.filter(j -> j.toString().endsWith(".jar")).toList()) {
            Files.copy(jar, copy.resolve(jar.getFileName()));
          }
        }
        out.add(copy + "/*");
      } else {
        Files.createDirectories(to);
        Path copy = to.resolve(Path.of(entry).getFileName());
        Files.copy(Path.of(entry), copy);
        out.add(copy.toString());
      }
    }
    return String.join(File.pathSeparator, out);
  }

  private static final Map<String, byte[]> resources = new java.util.HashMap<>();

  /** A file of this package in the jar (dask_peer.py, the script row's scripts), read once. */
  static synchronized byte[] resource(String name) throws IOException {
    byte[] bytes = resources.get(name);
    if (bytes == null) {
      try (java.io.InputStream in = Lab.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IOException(name + " is not in the bench's jar");
        }
        bytes = in.readAllBytes();
      }
      resources.put(name, bytes);
    }
    return bytes;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@code command}; its stdout and stderr go to {@code <dir>/<name>.log}. */
  synchronized Process start(String name, List<String> command, Map<String, String> env)
      throws IOException {
    ProcessBuilder b = new ProcessBuilder(profiled(name, command))
        .redirectErrorStream(true)
        .redirectOutput(log(name).toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    environment(b);
    b.environment().putAll(env);
    Process p = b.start();
    processes.add(p);
    return p;
  }

  /**
   * Runs {@code command} to its end (stderr to {@code <name>.log}) and returns its standard
   * output's lines; fails when it exits non-zero or overruns {@code timeout}.
   */
  List<String> run(String name, List<String> command, Duration timeout)
      throws IOException, InterruptedException {
    return run(name, command, null, Map.of(), timeout);
  }

  /**
   * Runs {@code command} like {@link #run(String, List, Duration)}, in {@code workDir} (null: the
   * bench's own) with {@code env} over the bench's environment.
   */
  List<String> run(String name, List<String> command, Path workDir, Map<String, String> env,
      Duration timeout) throws IOException, InterruptedException {
    Path out = dir.resolve(name + ".out");
    ProcessBuilder b = new ProcessBuilder(profiled(name, command))
        .redirectOutput(out.toFile())
        .redirectError(log(name).toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    if (workDir != null) {
      b.directory(workDir.toFile());
    }
    environment(b);
    b.environment().putAll(env);
    Process p;
    synchronized (this) {
      p = b.start();
      processes.add(p);
    }
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      end(p, 2_000);
      throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds()
          + " s; see " + log(name));
    }
    synchronized (this) {
      processes.remove(p);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(name + " exited with " + p.exitValue() + "; see " + log(name));
    }
    return Files.readAllLines(out);
  }

  /**
   * Every process gets the bench's secret and API token and none of the caller's other SWAMP_
   * settings, so that the defaults are measured whatever the shell exports; swamp's JVMs get a
   * HOME of the bench's own, where the first master makes the pool key the others use.
   */
  private void environment(ProcessBuilder b) {
    b.environment().keySet().removeIf(k -> k.startsWith("SWAMP_"));
    if (b.command().get(0).equals(java)) {
      b.environment().put("HOME", dir.resolve("home").toString());
    }
    b.environment().put("SWAMP_SECRET", secret);
    b.environment().put("SWAMP_API_TOKEN", apiToken);
  }

  private List<String> profiled(String name, List<String> command) {
    if (!profile || !command.get(0).equals(java)) {
      return command;
    }
    List<String> c = new ArrayList<>(command);
    // -Dswamp.bench.jfr-settings=FILE.jfc samples more often than the profile settings' 10-20 ms
    // Pekko's and the journal's stacks are deeper than the default 64 frames
    c.add(1, "-XX:FlightRecorderOptions:stackdepth=512");
    c.add(2, "-XX:StartFlightRecording=settings="
        + System.getProperty("swamp.bench.jfr-settings", "profile") + ",dumponexit=true,filename="
        + dir.resolve(name + ".jfr"));
    return c;
  }

  /** The first line of {@code <name>.log} holding one of {@code marks}, cut to 300 characters. */
  Optional<String> firstLine(String name, String... marks) {
    try (Stream<String> lines = Files.lines(log(name))) {
      return lines.filter(l -> Arrays.stream(marks).anyMatch(l::contains)).findFirst()
          .map(l -> l.length() > 300 ? l.substring(0, 300) + "..." : l);
    } catch (IOException | UncheckedIOException e) {
      return Optional.empty();
    }
  }

  Path log(String name) {
    return dir.resolve(name + ".log");
  }

  /** The command line of a swamp JVM: {@code jvm} flags, config resource, classpath, main. */
  List<String> jvm(List<String> flags, String configResource, String cp, String main,
      List<String> args) {
    List<String> c = new ArrayList<>();
    c.add(java);
    c.addAll(flags);
    if (configResource != null) {
      c.add("-Dconfig.resource=" + configResource);
    }
    c.add("-cp");
    c.add(cp);
    c.add(main);
    c.addAll(args);
    return c;
  }

  /** Ends {@code p} and everything it started: SIGTERM, then SIGKILL after {@code graceMs}. */
  static void end(Process p, long graceMs) {
    endAll(List.of(p), graceMs);
  }

  /** Ends them all at once, each with its descendants: SIGTERM, then SIGKILL after the grace. */
  static void endAll(Collection<Process> ps, long graceMs) {
    // the children first noted, so that none is re-parented before we see it
    List<ProcessHandle> family = new ArrayList<>();
    for (Process p : ps) {
      family.addAll(p.descendants().toList());
      family.add(p.toHandle());
    }
    family.forEach(ProcessHandle::destroy);
    long deadline = System.currentTimeMillis() + graceMs;
    for (ProcessHandle h : family) {
      try {
        h.onExit().get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (Exception e) {
        // not gone within the grace: killed below
      }
    }
    family.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private synchronized void killAll() {
    endAll(processes, 5_000);
    processes.clear();
  }

  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook runs anyway
    }
    // the logs stay when asked for or when a measure failed; the copied jars, the archive and
    // the script row's data never
    for (Path p : keep ? List.of(dir.resolve("jars"), dir.resolve("worker.jsa"),
        dir.resolve("script-data")) : List.of(dir)) {
      delete(p);
    }
  }

  /** Deletes {@code p} and everything under it; a leftover in the scratch directory is harmless. */
  static void delete(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> files = Files.walk(p)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // harmless, as above
    }
  }
}
