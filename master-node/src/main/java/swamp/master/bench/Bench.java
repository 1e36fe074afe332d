package swamp.master.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code bin/swamp bench [--quick] [--only MEASURE,...] [--keep] [--profile]}: every measure of
 * issue 5, each repeated, printed as one table beside the peers measured in the same run.
 * {@code --quick} runs everything small (no thresholds are checked); with {@code
 * -Dswamp.bench.smoke=true} (through JAVA_OPTS) smaller still, the CI smoke run. Progress goes to
 * standard error, the table to standard output. Exits 1 when a measure could not be taken.
 *
 * <p>This class reads the command line, chooses the measures and prints the table and its notes;
 * each measure is a class of its own ({@link InJvmRows}, {@link Registration}, {@link
 * CrossProcess}, {@link ProcessJobs}, {@link TrueScript}, {@link KillRecovery}, {@link
 * ScriptRow}), given the run's {@link Session}.
 */
public final class Bench {
  private Bench() {}

  static final List<String> MEASURES =
      List.of("dispatch", "registration", "memory", "cross", "process", "script");

  public static void main(String[] args) throws Exception {
    preload();
    boolean quick = false;
    boolean keep = false;
    boolean profile = false;
    Set<String> only = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--keep" -> keep = true;
        case "--profile" -> profile = keep = true;
        case "--only" -> {
          if (i + 1 == args.length) {
            usage("--only needs a list of measures");
          }
          only = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
          if (!MEASURES.containsAll(only)) {
            usage("--only takes some of " + String.join(",", MEASURES));
          }
        }
        case "-h", "--help" -> {
          usage(null);
        }
        default -> usage("unknown argument '" + args[i] + "'");
      }
    }
    String masterCp = System.getProperty("swamp.bench.master-cp");
    String workerCp = System.getProperty("swamp.bench.worker-cp");
    if (masterCp == null || workerCp == null) {
      usage("run through bin/swamp bench, which sets swamp.bench.master-cp and worker-cp");
    }
    Sizes sizes = Sizes.of(quick);
    if (only == null) {
      // the script row needs a minute even on a tiny grid: the CI smoke run leaves it out
      only = new LinkedHashSet<>(MEASURES);
      if (quick) {
        only.remove("script");
      }
    }
    long t0 = System.nanoTime();
    String loadBefore = loadAverage();
    System.out.println(header(sizes));
    System.out.flush();
    List<Row> rows;
    Lab lab = new Lab(masterCp, workerCp, keep);
    lab.profile = profile;
    Session session = new Session(sizes, lab);
    try {
      rows = run(session, only);
    } finally {
      lab.close();
    }
    if (quick && !only.contains("script")) {
      session.notes.add("script: not run by --quick; bin/swamp bench --quick --only script runs"
          + " it once on a tiny grid");
    }
    print(session, rows, loadBefore, t0);
    boolean failed = rows.stream().anyMatch(r -> r.error != null || r.samples.isEmpty());
    System.exit(failed ? 1 : 0);
  }

  /** The table, the measures' notes, and what the run was run with. */
  private static void print(Session session, List<Row> rows, String loadBefore, long t0) {
    Lab lab = session.lab;
    System.out.println();
    System.out.print(Row.table(rows));
    System.out.println();
    session.notes.forEach(n -> System.out.println("- " + n));
    if (!session.peers.daskInstalled()) {
      System.out.println("- Dask was not measured (neither python3 nor /usr/bin/python3 imports"
          + " distributed); issue 5 quotes Dask 2022.12 on a 2-core machine at 510-850 /bin/true"
          + " jobs/s, 650-3,200 no-op tasks/s, and about 36 s for 50 workers to register");
    }
    System.out.println("- throughput and dispatch-cost figures follow uncounted warm-up rounds"
        + " (cross-process: " + session.sizes.crossWarmUp() + ", the others: one);"
        + " registration and kill -9 figures include cold JVMs");
    System.out.println("- JVM flags: master and in-JVM benches " + String.join(" ", Lab.MASTER_JVM)
        + "; worker JVMs " + String.join(" ", Lab.WORKER_JVM) + ", dry-run ones "
        + String.join(" ", Lab.DRY_WORKER_JVM) + (lab.workerArchive != null
            ? "; both -XX:SharedArchiveFile=worker.jsa" : "")
        + (lab.masterArchive != null ? "; masters after the first -XX:SharedArchiveFile="
            + "master.jsa, which the first wrote as it exited" : ""));
    System.out.println("- load average (1 min) when the run started: " + loadBefore
        + " (on a shared machine other processes compete for the same cores)");
    System.out.printf("- the whole %s run took %.0f s%n", session.sizes.label(),
        (System.nanoTime() - t0) / 1e9);
    if (lab.keep) {
      System.out.println("- logs" + (lab.profile ? " and flight recordings" : "") + " kept in "
          + lab.dir);
    }
  }

  /**
   * Loads every class of this package now: a rebuild while the bench runs rewrites the jar it
   * runs from, and a class loaded from it after that would fail. (The JVMs it starts run from a
   * copy.)
   */
  private static void preload() throws IOException {
    Path jar;
    try {
      jar = Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return;
    }
    if (!Files.isRegularFile(jar)) {
      return; // classes from a directory: nothing rewrites them under us
    }
    String prefix = Bench.class.getPackageName().replace('.', '/') + "/";
    try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
      for (String name : j.stream().map(java.util.jar.JarEntry::getName)
          .filter(n -> n.startsWith(prefix) && n.endsWith(".class")).toList()) {
        try {
          Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false,
              Bench.class.getClassLoader());
        } catch (ClassNotFoundException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    // and the scripts, resources of the same jar
    for (String script : List.of("dask_peer.py", ScriptRow.SCRIPT_DATA, ScriptRow.SCRIPT)) {
      Lab.resource(script);
    }
  }

  /** What bin/swamp bench takes, for its own --help and bin/swamp --help. */
  public static String usageText() {
    return "usage: bin/swamp bench [--quick] [--only " + String.join(",", MEASURES)
        + "] [--keep] [--profile]\n"
        + "  --quick    everything small, and no script row unless --only names it: the CI smoke"
        + " run\n"
        + "  --only     run only these measures\n"
        + "  --keep     keep the scratch directory with every process's log\n"
        + "  --profile  record every JVM the bench starts with JFR (kept with the logs)";
  }

  private static void usage(String error) {
    String text = usageText();
    if (error == null) {
      System.out.println(text);
      System.exit(0);
    }
    System.err.println("swamp bench: " + error + "\n" + text);
    System.exit(2);
  }

  static String header(Sizes sizes) {
    long memory = 0;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      memory = os.getTotalMemorySize();
    }
    return "swamp bench, " + sizes.label() + " run, "
        + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n"
        + "machine: " + Runtime.getRuntime().availableProcessors() + " processors (nproc)"
        + cpuModel() + ", " + Row.fmt(memory / (double) (1L << 30), 1) + " GiB memory, "
        + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch") + "\n"
        + "java: " + System.getProperty("java.vm.name") + " "
        + System.getProperty("java.runtime.version");
  }

  /** The 1-minute load average, or "?" where /proc/loadavg is not there. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> ", " + l.substring(l.indexOf(':') + 1).trim().replaceAll("\\s+", " "))
          .findFirst().orElse("");
    } catch (IOException e) {
      return "";
    }
  }

  // ---- the run ----

  /** The table's rows in the order of the table, whatever order they run in. */
  static final List<String> ORDER = List.of("in-JVM dispatch", CrossProcess.TLS,
      CrossProcess.TCP, CrossProcess.NO_FSYNC, CrossProcess.JOURNAL_SIZE,
      "process jobs", "process jobs / xargs -P2", TrueScript.MEASURE, TrueScript.RATIO,
      "sleep 0.05 efficiency",
      ProcessJobs.TRUE_NO_PREFETCH, ProcessJobs.SLEEP_NO_PREFETCH, "script",
      "registration, in-JVM",
      "registration, worker JVMs", "kill -9 recovery", "memory, queued jobs",
      "dispatch cost, 1k queued", "dispatch cost, long queue");

  /** The rows of the measures in {@code only}, in the table's order. */
  private static List<Row> run(Session session, Set<String> only) {
    List<Row> rows = new ArrayList<>();
    InJvmRows inJvm = new InJvmRows(session);
    Registration registration = new Registration(session);
    // in-JVM first; the process pool builds the class-data archive later worker JVMs start from
    if (only.contains("dispatch")) {
      rows.add(inJvm.dispatch());
    }
    if (only.contains("registration")) {
      rows.add(registration.inJvm());
    }
    if (only.contains("memory")) {
      rows.addAll(inJvm.memory());
    }
    if (only.contains("process")) {
      rows.addAll(new ProcessJobs(session).rows());
    }
    if (only.contains("cross")) {
      rows.addAll(new CrossProcess(session).rows());
    }
    if (only.contains("script")) {
      new ScriptRow(session).row().ifPresent(rows::add);
    }
    if (only.contains("process")) {
      // last: see Registration.workerJvms
      rows.add(registration.workerJvms());
    }
    rows.sort(Comparator.comparingInt(r -> ORDER.indexOf(r.measure)));
    return rows;
  }
}
