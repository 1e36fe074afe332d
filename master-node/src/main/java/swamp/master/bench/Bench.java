package swamp.master.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code bin/swamp bench [--quick] [--only MEASURE,...] [--keep] [--profile]}: every measure of
 * issue 5, each repeated, printed as one table beside the peers measured in the same run.
 * {@code --quick} runs everything small (the CI smoke run; no thresholds are checked). Progress
 * goes to standard error, the table to standard output. Exits 1 when a measure could not be taken.
 */
public final class Bench {

  /**
   * How big each measure is. {@code crossWarmUp}: uncounted cross-process rounds before those
   * that count, until the master's CPU per job settled (5 in a full run; 2 in a quick run, so
   * that its journal-size row still has the 3 rounds it reports on).
   */
  record Sizes(String label, int reps,
      int dispatchJobs, int simWorkers, int dispatchBatch,
      int regSim,
      int memQueued, int memWindow,
      int crossJobs, int crossBatch, int crossSlots, int daskNoop,
      int trueJobs, int sleepJobs, int regJvms, int killReps,
      int scriptReps, int scriptLevels, int scriptLats, int scriptLons, int crossWarmUp) {}

  static final Sizes FULL = new Sizes("full", 3,
      200_000, 100, 10_000,
      1_000,
      1_000_000, 20_000,
      100_000, 5_000, 64, 20_000,
      2_000, 200, 20, 3,
      3, 24, 180, 360, 5);

  /** The CI smoke run: every row once (cross-process: after 2 warm-up rounds), small. */
  static final Sizes QUICK = new Sizes("quick", 1,
      20_000, 100, 2_000,
      1_000,
      50_000, 5_000,
      10_000, 2_000, 64, 2_000,
      200, 20, 3, 1,
      1, 2, 12, 24, 2);

  static final List<String> MEASURES =
      List.of("dispatch", "registration", "memory", "cross", "process", "script");

  private final Sizes sizes;
  private final Lab lab;
  private final Peers peers;
  private final List<String> notes = new ArrayList<>();

  private Bench(Sizes sizes, Lab lab) {
    this.sizes = sizes;
    this.lab = lab;
    this.peers = new Peers(lab);
  }

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
    Sizes sizes = quick ? QUICK : FULL;
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
    Bench bench = new Bench(sizes, lab);
    try {
      rows = bench.run(only);
    } finally {
      lab.close();
    }
    System.out.println();
    System.out.print(Row.table(rows));
    System.out.println();
    if (quick && !only.contains("script")) {
      bench.notes.add("script: not run by --quick; bin/swamp bench --quick --only script runs it"
          + " once on a tiny grid");
    }
    bench.notes.forEach(n -> System.out.println("- " + n));
    if (!bench.peers.daskInstalled()) {
      System.out.println("- Dask was not measured (neither python3 nor /usr/bin/python3 imports distributed); issue 5"
          + " quotes Dask 2022.12 on a 2-core machine at 510-850 /bin/true jobs/s, 650-3,200"
          + " no-op tasks/s, and about 36 s for 50 workers to register");
    }
    System.out.println("- throughput and dispatch-cost figures follow uncounted warm-up rounds"
        + " (cross-process: " + sizes.crossWarmUp() + ", the others: one);"
        + " registration and kill -9 figures include cold JVMs");
    System.out.println("- JVM flags: master and in-JVM benches " + String.join(" ", Lab.MASTER_JVM)
        + "; worker JVMs " + String.join(" ", Lab.WORKER_JVM) + ", dry-run ones "
        + String.join(" ", Lab.DRY_WORKER_JVM) + (lab.workerArchive != null
            ? "; both -XX:SharedArchiveFile=worker.jsa" : ""));
    System.out.println("- load average (1 min) when the run started: " + loadBefore
        + " (on a shared machine other processes compete for the same cores)");
    System.out.printf("- the whole %s run took %.0f s%n", sizes.label(),
        (System.nanoTime() - t0) / 1e9);
    if (lab.keep) {
      System.out.println("- logs" + (profile ? " and flight recordings" : "") + " kept in " + lab.dir);
    }
    boolean failed = rows.stream().anyMatch(r -> r.error != null || r.samples.isEmpty());
    System.exit(failed ? 1 : 0);
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
    for (String script : List.of("dask_peer.py", SCRIPT_DATA, SCRIPT)) {
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

  /** The cross-process row over plain tcp: what TLS (the default) costs, beside it. */
  static final String CROSS_TCP = "cross-process, plain tcp";
  static final String CROSS_NO_FSYNC = "cross-process, no fsync";
  static final String JOURNAL_SIZE = "journal size";

  /** The table's rows in the order of the table, whatever order they run in. */
  static final List<String> ORDER = List.of("in-JVM dispatch", "cross-process dispatch",
      CROSS_TCP, CROSS_NO_FSYNC, JOURNAL_SIZE,
      "process jobs", "process jobs / xargs -P2", "sleep 0.05 efficiency", "script",
      "registration, in-JVM",
      "registration, worker JVMs", "kill -9 recovery", "memory, queued jobs",
      "dispatch cost, 1k queued", "dispatch cost, long queue");

  private List<Row> run(Set<String> only) {
    List<Row> rows = new ArrayList<>();
    // in-JVM first; the process pool builds the class-data archive later worker JVMs start from
    if (only.contains("dispatch")) {
      rows.add(inJvmDispatch());
    }
    if (only.contains("registration")) {
      rows.add(inJvmRegistration());
    }
    if (only.contains("memory")) {
      rows.addAll(memory());
    }
    if (only.contains("process")) {
      rows.addAll(processPool());
    }
    if (only.contains("cross")) {
      int rounds = sizes.crossWarmUp() + sizes.reps();
      Row journal = new Row(JOURNAL_SIZE, "H2 file after " + Row.fmt(rounds * (double)
          sizes.crossJobs(), 0) + " jobs of cross-process dispatch (retain-finished 100,000);"
          + " after each round beside", "MB", "flat once past 100,000 jobs", 1);
      rows.add(crossProcess(false, false, journal));
      rows.add(journal);
      rows.add(crossProcess(true, false, null));
      rows.add(crossProcess(false, true, null));
    }
    if (only.contains("script")) {
      script().ifPresent(rows::add);
    }
    if (only.contains("process")) {
      rows.add(jvmRegistration());
    }
    rows.sort(Comparator.comparingInt(r -> ORDER.indexOf(r.measure)));
    return rows;
  }

  private interface Task {
    void run() throws Exception;
  }

  /** Runs one measure; a failure is noted in its row (and the logs kept), never thrown. */
  private void measure(String what, Task task, Row... rows) {
    progress(what + " ...");
    long t0 = System.nanoTime();
    try {
      task.run();
      progress(what + ": done in " + Row.fmt((System.nanoTime() - t0) / 1e9, 1) + " s");
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      lab.keep = true;
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      progress(what + ": FAILED: " + why);
      for (Row r : rows) {
        if (r.error == null && r.samples.isEmpty()) {
          r.error = why;
        } else if (r.error == null) {
          notes.add(r.measure + ": only " + r.samples.size() + " repetition(s); then it failed: "
              + why);
        }
      }
    }
  }

  private static void progress(String line) {
    System.err.println("bench: " + line);
  }

  private List<String> inJvm(String name, List<String> args, Duration timeout) throws Exception {
    return lab.run(name, lab.jvm(Lab.MASTER_JVM, null, lab.masterCp, InJvm.class.getName(), args),
        timeout);
  }

  /** The values of {@code result KEY VALUE} lines. */
  private static List<Double> results(List<String> lines, String key) {
    List<Double> xs = new ArrayList<>();
    for (String l : lines) {
      String[] w = l.split(" ");
      if (w.length == 3 && w[0].equals("result") && w[1].equals(key)) {
        xs.add(Double.parseDouble(w[2]));
      }
    }
    return xs;
  }

  // ---- in-JVM: the real master actors and simulated workers ----

  private Row inJvmDispatch() {
    Row row = new Row("in-JVM dispatch",
        Row.fmt(sizes.dispatchJobs(), 0) + " jobs, " + sizes.simWorkers() + " sim workers x 1 slot",
        "jobs/s", ">= 100,000", 0);
    measure(row.measure, () -> row.samples.addAll(results(inJvm("injvm-dispatch", List.of(
        "dispatch", "" + sizes.dispatchJobs(), "" + sizes.simWorkers(), "1",
        "" + sizes.dispatchBatch(), "" + sizes.reps()), Duration.ofMinutes(5)), "jobs/s")), row);
    return row.peer("-");
  }

  private Row inJvmRegistration() {
    Row row = new Row("registration, in-JVM", Row.fmt(sizes.regSim(), 0) + " sim workers at once",
        "ms", "< 1,000", 1);
    measure(row.measure, () -> row.samples.addAll(results(inJvm("injvm-registration", List.of(
        "registration", "" + sizes.regSim(), "" + sizes.reps()), Duration.ofMinutes(5)), "ms")),
        row);
    return row.peer("-");
  }

  private List<Row> memory() {
    String queued = Row.fmt(sizes.memQueued(), 0);
    Row heap = new Row("memory, queued jobs", queued + " queued, 3-word argv", "MiB heap after GC",
        "<= 1,024", 0);
    Row small = new Row("dispatch cost, 1k queued",
        "1,000 queued, 1 sim worker x " + InJvm.MEMORY_WORKER_SLOTS + " slots", "µs/job",
        "same at 1k and " + shortCount(sizes.memQueued()), 2);
    Row big = new Row("dispatch cost, long queue",
        "first " + Row.fmt(sizes.memWindow(), 0) + " of " + queued + " queued, same worker", "µs/job",
        "same at 1k and " + shortCount(sizes.memQueued()), 2);
    List<Double> perJob = new ArrayList<>();
    measure("memory and dispatch cost", () -> {
      for (int rep = 0; rep < sizes.reps(); rep++) {
        List<String> out = inJvm("injvm-memory-" + rep, List.of("memory", "" + sizes.memQueued(),
            "" + sizes.memWindow()), Duration.ofMinutes(5));
        heap.samples.addAll(results(out, "heap-mib"));
        perJob.addAll(results(out, "bytes-per-job"));
        small.samples.addAll(results(out, "us-per-dispatch-small"));
        big.samples.addAll(results(out, "us-per-dispatch-big"));
      }
    }, heap, small, big);
    heap.peer("-");
    small.peer("-");
    big.peer(big.samples.isEmpty() || small.samples.isEmpty() ? "-"
        : Row.fmt(big.median() / small.median(), 2) + " x the 1k figure");
    if (!perJob.isEmpty()) {
      notes.add("memory: " + Row.fmt(Row.median(perJob), 0) + " bytes of heap per queued job; the"
          + " heap also holds the ~" + shortCount(Math.min(50_000, Math.max(5_000,
          sizes.memWindow())) + 1_100) + " finished jobs of the warm-up");
    }
    return List.of(heap, small, big);
  }

  private static String shortCount(int n) {
    return n >= 1_000_000 && n % 1_000_000 == 0 ? n / 1_000_000 + "M"
        : n >= 1_000 && n % 1_000 == 0 ? n / 1_000 + "k" : Row.fmt(n, 0);
  }

  // ---- processes: a master and worker JVMs on loopback ----

  /**
   * Cross-process dispatch over TLS remoting (the default), or over plain tcp with
   * {@code insecure}, the master's and workers' --insecure: the two rows show what TLS costs.
   */
  private Row crossProcess(boolean insecure, boolean noFsync, Row journal) {
    Row row = new Row(insecure ? CROSS_TCP : noFsync ? CROSS_NO_FSYNC : "cross-process dispatch",
        Row.fmt(sizes.crossJobs(), 0) + " jobs in POSTs of " + Row.fmt(sizes.crossBatch(), 0)
        + ", 2 dry-run worker JVMs x " + sizes.crossSlots() + " slots"
        + (insecure ? ", --insecure" : ", TLS") + (noFsync ? ", journal.fsync = off" : ""),
        "jobs/s", insecure || noFsync ? "-" : ">= 50,000", 0);
    String tag = insecure ? "cross-process, plain tcp" : noFsync ? CROSS_NO_FSYNC : "cross-process";
    List<Long> sizesAfter = new ArrayList<>();
    measure(row.measure, () -> {
      try (Pool pool = new Pool(lab, insecure ? "dry-tcp" : noFsync ? "dry-nosync" : "dry",
          insecure, noFsync ? List.of("-Dswamp.master.journal.fsync=off") : List.of())) {
        List<String> ids = List.of("dry-1", "dry-2");
        for (String id : ids) {
          pool.startWorker(id, sizes.crossSlots(), true, false);
        }
        pool.awaitWorkers(ids, Duration.ofMinutes(2));
        Map<String, Object> job = Map.of("argv", List.of("true"));
        List<byte[]> bodies = Pool.bodies(job, sizes.crossJobs(), sizes.crossBatch());
        // the first rounds are uncounted: the master's code (Pekko, Jackson, the journal's Slick
        // and H2) takes several to be compiled, and they measured the JIT more than swamp
        List<String> warmUp = new ArrayList<>();
        List<Double> masterCpu = new ArrayList<>();
        List<Double> workerCpu = new ArrayList<>();
        for (int round = 0; round < sizes.crossWarmUp() + sizes.reps(); round++) {
          long[] cpu0 = pool.cpuNanos();
          long ns = pool.runJobs(bodies, sizes.crossJobs(), Duration.ofMinutes(5));
          long[] cpu1 = pool.cpuNanos();
          sizesAfter.add(pool.journalBytes());
          double rate = sizes.crossJobs() / (ns / 1e9);
          double master = (cpu1[0] - cpu0[0]) / 1e3 / sizes.crossJobs();
          if (round < sizes.crossWarmUp()) {
            warmUp.add(Row.fmt(rate, 0) + " jobs/s at " + Row.fmt(master, 1) + " µs");
          } else {
            row.samples.add(rate);
            masterCpu.add(master);
            workerCpu.add((cpu1[1] - cpu0[1]) / 1e3 / sizes.crossJobs());
          }
        }
        notes.add(tag + ": " + sizes.crossWarmUp() + " uncounted warm-up rounds, with the"
            + " master's CPU per job: " + String.join(", ", warmUp));
        notes.add(tag + ": CPU per job, median: master " + Row.fmt(Row.median(masterCpu), 1)
            + " µs, the 2 workers " + Row.fmt(Row.median(workerCpu), 1) + " µs (with 2 cores, "
            + "50,000 jobs/s leaves 40 µs for everything, the client included)");
      }
    }, row);
    if (journal != null && sizesAfter.size() == sizes.crossWarmUp() + sizes.reps()) {
      // the book keeps retain-finished (100,000) finished jobs: the file follows that, not the
      // number of jobs that went through (a full run: 800,000)
      long jobs = sizes.crossJobs();
      journal.samples.add(sizesAfter.get(sizesAfter.size() - 1) / 1e6);
      StringBuilder after = new StringBuilder();
      for (int i = 0; i < sizesAfter.size(); i++) {
        after.append(i == 0 ? "" : ", ").append(shortCount((int) ((i + 1) * jobs))).append(": ")
            .append(Row.fmt(sizesAfter.get(i) / 1e6, 1));
      }
      journal.peer("MB after " + after);
    } else if (journal != null) {
      journal.error = "the cross-process measure did not run its " + (sizes.crossWarmUp()
          + sizes.reps()) + " rounds";
    }
    if (insecure || noFsync) {
      return row;
    }
    progress("Dask, " + sizes.daskNoop() + " no-op tasks ...");
    row.peer(withSize(peers.dask("noop", sizes.daskNoop(), sizes.reps(), "tasks/s", 0,
        Duration.ofMinutes(15)), Row.fmt(sizes.daskNoop(), 0) + " no-op tasks, 2 workers"));
    return row;
  }

  private static String withSize(String dask, String size) {
    return dask.equals(Peers.NO_DASK) ? "Dask: " + dask : dask + " [" + size + "]";
  }

  /** Process jobs, sleep efficiency and kill -9, on one pool of real workers. */
  private List<Row> processPool() {
    Row trueRow = new Row("process jobs", Row.fmt(sizes.trueJobs(), 0)
        + " x /bin/true, 2 worker JVMs x 1 slot", "jobs/s", ">= 0.9 x xargs -P2", 0);
    Row ratio = new Row("process jobs / xargs -P2", "the same, each beside an xargs run", "ratio",
        ">= 0.90", 2);
    double ideal = sizes.sleepJobs() * 0.05 / 2;
    Row sleep = new Row("sleep 0.05 efficiency", sizes.sleepJobs() + " x sleep 0.05 on 2 slots,"
        + " ideal " + Row.fmt(ideal, 1) + " s", "% of ideal", ">= 95", 1);
    Row kill = new Row("kill -9 recovery", "worker killed mid-job -> job running elsewhere", "s",
        "<= 5", 2);
    List<Row> rows = List.of(trueRow, ratio, sleep, kill);
    List<Double> xargs = new ArrayList<>();
    measure("process pool", () -> {
      try (Pool pool = new Pool(lab, "proc")) {
        buildWorkerArchive(pool);
        List<String> live = new ArrayList<>(List.of("proc-1", "proc-2"));
        for (String id : live) {
          pool.startWorker(id, 1, false, false);
        }
        pool.awaitWorkers(live, Duration.ofMinutes(2));
        measure("process jobs beside xargs -P2", () -> processJobs(pool, trueRow, ratio, xargs),
            trueRow, ratio);
        measure("sleep efficiency", () -> sleepJobs(pool, sleep, ideal), sleep);
        measure("kill -9 recovery", () -> killRecovery(pool, kill, live), kill);
      }
    }, rows.toArray(Row[]::new));
    progress("Dask, " + sizes.trueJobs() + " x /bin/true ...");
    String daskTrue = withSize(peers.dask("true", sizes.trueJobs(), sizes.reps(), "jobs/s", 0,
        Duration.ofMinutes(15)), "2 workers x 1 thread");
    trueRow.peer((xargs.isEmpty() ? "" : "xargs -P2: " + Peers.summary(xargs, "jobs/s", 0) + "; ")
        + daskTrue);
    ratio.peer("-");
    sleep.peer("-");
    kill.peer("-");
    return rows;
  }

  // ---- a scientist's NCO script: bash beside bin/swamp run ----

  static final String SCRIPT = "script-bench.sh";
  static final String SCRIPT_DATA = "script-data.sh";
  /** The commands {@link #SCRIPT} runs. */
  static final int SCRIPT_COMMANDS = 44;

  /**
   * {@link #SCRIPT}, an NCO ensemble workflow of loops and globs, run by bash and by
   * {@code bin/swamp run} on a master with two 1-slot worker JVMs, each repetition on fresh links
   * to the same inputs; the figure is bash's wall time over swamp's, the client JVM's start and
   * the planning included. Without NCO the row is left out with a note.
   */
  private java.util.Optional<Row> script() {
    List<String> missing = Stream.of("ncgen", "ncap2", "ncra", "ncea", "ncbo", "ncrcat", "ncwa")
        .filter(p -> !onPath(p)).toList();
    if (!missing.isEmpty()) {
      notes.add("script: not measured: " + String.join(", ", missing) + " not on the PATH"
          + " (NCO and netCDF's ncgen; bin/setup installs them)");
      return java.util.Optional.empty();
    }
    String grid = sizes.scriptLevels() + "x" + sizes.scriptLats() + "x" + sizes.scriptLons();
    Row row = new Row("script", SCRIPT_COMMANDS + " NCO commands, 4 models x 12 months of T("
        + grid + "), bash vs run on 2 worker JVMs x 1 slot", "x bash", ">= 1.8", 2);
    List<Double> bash = new ArrayList<>();
    List<Double> swamp = new ArrayList<>();
    measure(row.measure, () -> {
      Path data = Files.createDirectories(lab.dir.resolve("script-data"));
      Files.write(data.resolve(SCRIPT_DATA), Lab.resource(SCRIPT_DATA));
      long t0 = System.nanoTime();
      lab.run("script-data", List.of("bash", SCRIPT_DATA, "" + sizes.scriptLevels(),
          "" + sizes.scriptLats(), "" + sizes.scriptLons()), data, Map.of(), Duration.ofMinutes(10));
      Files.delete(data.resolve(SCRIPT_DATA));
      notes.add("script: its 48 input files made by ncap2 in " + Row.fmt((System.nanoTime() - t0)
          / 1e9, 1) + " s (not counted)");
      try (Pool pool = new Pool(lab, "script", false)) {
        List<String> ids = List.of("script-1", "script-2");
        for (String id : ids) {
          pool.startWorker(id, 1, false, false);
        }
        pool.awaitWorkers(ids, Duration.ofMinutes(2));
        Map<String, String> env = Map.of("SWAMP_URL", "http://127.0.0.1:" + pool.httpPort);
        for (int rep = 0; rep < sizes.scriptReps(); rep++) {
          Path bashDir = scriptDir(data, "script-bash-" + rep);
          long t = System.nanoTime();
          lab.run("script-bash-" + rep, List.of("bash", SCRIPT), bashDir, Map.of(),
              Duration.ofMinutes(10));
          double bashSecs = (System.nanoTime() - t) / 1e9;
          Path swampDir = scriptDir(data, "script-swamp-" + rep);
          t = System.nanoTime();
          lab.run("script-swamp-" + rep, lab.jvm(Lab.CLIENT_JVM, null, lab.masterCp,
              "swamp.master.cli.SwampCli", List.of("run", SCRIPT)), swampDir, env,
              Duration.ofMinutes(10));
          double swampSecs = (System.nanoTime() - t) / 1e9;
          requireSameFiles(bashDir, swampDir);
          bash.add(bashSecs);
          swamp.add(swampSecs);
          row.samples.add(bashSecs / swampSecs);
          Lab.delete(bashDir);
          Lab.delete(swampDir);
        }
      }
    }, row);
    if (!bash.isEmpty()) {
      notes.add("script: bash ran a command in " + Row.fmt(Row.median(bash) / SCRIPT_COMMANDS, 2)
          + " s on average (median run)");
    }
    row.peer(bash.isEmpty() ? "-" : "bash: " + Peers.summary(bash, "s", 1)
        + "; bin/swamp run: " + Peers.summary(swamp, "s", 1));
    return java.util.Optional.of(row);
  }

  /** A fresh directory with {@link #SCRIPT} and hard links to the inputs, which no line writes. */
  private Path scriptDir(Path data, String name) throws IOException {
    Path dir = Files.createDirectories(lab.dir.resolve(name));
    try (Stream<Path> inputs = Files.list(data)) {
      for (Path f : inputs.toList()) {
        Files.createLink(dir.resolve(f.getFileName()), f);
      }
    }
    Files.write(dir.resolve(SCRIPT), Lab.resource(SCRIPT));
    return dir;
  }

  /** Fails unless both runs left files of the same names: a swamp run that skipped lines. */
  private static void requireSameFiles(Path bash, Path swamp) throws IOException {
    Set<String> a = names(bash);
    Set<String> b = names(swamp);
    if (!a.equals(b)) {
      Set<String> onlyBash = new java.util.TreeSet<>(a);
      onlyBash.removeAll(b);
      Set<String> onlySwamp = new java.util.TreeSet<>(b);
      onlySwamp.removeAll(a);
      throw new IllegalStateException("bin/swamp run left other files than bash: only bash made "
          + onlyBash + ", only swamp " + onlySwamp);
    }
  }

  private static Set<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString())
          .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }
  }

  private static boolean onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .filter(d -> !d.isEmpty()).anyMatch(d -> Files.isExecutable(Path.of(d, program)));
  }

  /**
   * Worker JVMs started at once; last, each repetition on a master of its own: a crowd of JVMs
   * starting on a small machine starves heartbeats, and what that does to a pool must not spill
   * into other measures.
   */
  private Row jvmRegistration() {
    Row jvms = new Row("registration, worker JVMs", sizes.regJvms() + " JVMs started at once",
        "s", "<= Dask", 2);
    measure("registration of worker JVMs", () -> jvmRegistration(jvms), jvms);
    progress("Dask, " + sizes.regJvms() + " workers ...");
    return jvms.peer(withSize(peers.dask("register", sizes.regJvms(), sizes.reps(), "s", 2,
        Duration.ofMinutes(15)), sizes.regJvms() + " worker processes"));
  }

  /**
   * Starts one worker that writes a class-data archive (AppCDS) when it exits, runs a few jobs
   * on it so that the job path's classes are in, and dismisses it; later worker JVMs start from
   * the archive.
   */
  private void buildWorkerArchive(Pool pool) throws Exception {
    long t0 = System.nanoTime();
    Path archive = lab.dir.resolve("worker.jsa");
    Process p = pool.startWorker("cds", 1, false, true);
    pool.awaitWorkers(List.of("cds"), Duration.ofMinutes(2));
    pool.runJobs(Pool.bodies(Map.of("argv", List.of("true")), 4, 4), 4, Duration.ofMinutes(1));
    pool.post("/api/workers/cds/dismiss", new byte[0]);
    if (!p.waitFor(1, TimeUnit.MINUTES)) {
      throw new IllegalStateException("the archiving worker did not exit after Dismiss");
    }
    pool.workers.remove("cds");
    if (Files.exists(archive)) {
      lab.workerArchive = archive;
      notes.add("worker JVMs start from an AppCDS archive of the worker, built at the start of the"
          + " run in " + Row.fmt((System.nanoTime() - t0) / 1e9, 1) + " s (not counted)");
    } else {
      notes.add("no AppCDS archive could be built; worker JVMs start without one");
    }
  }

  private void processJobs(Pool pool, Row trueRow, Row ratio, List<Double> xargs)
      throws Exception {
    int n = sizes.trueJobs();
    Map<String, Object> job = Map.of("argv", List.of("true"));
    pool.runJobs(Pool.bodies(job, 100, 100), 100, Duration.ofMinutes(2)); // warm-up
    List<byte[]> bodies = Pool.bodies(job, n, n);
    for (int rep = 0; rep < sizes.reps(); rep++) {
      double x = peers.xargsTrue(n);
      xargs.add(x);
      double s = n / (pool.runJobs(bodies, n, Duration.ofMinutes(5)) / 1e9);
      trueRow.samples.add(s);
      ratio.samples.add(s / x);
    }
  }

  private void sleepJobs(Pool pool, Row sleep, double ideal) throws Exception {
    int n = sizes.sleepJobs();
    List<byte[]> bodies = Pool.bodies(Map.of("argv", List.of("sleep", "0.05")), n, n);
    for (int rep = 0; rep < sizes.reps(); rep++) {
      double secs = pool.runJobs(bodies, n, Duration.ofMinutes(5)) / 1e9;
      sleep.samples.add(100 * ideal / secs);
    }
  }

  /**
   * Starts worker JVMs all at once against a fresh master; the time until {@code /api/workers}
   * lists every one. JVM start-up counts.
   */
  private void jvmRegistration(Row row) throws Exception {
    Exception failed = null;
    for (int rep = 0; rep < sizes.reps(); rep++) {
      try (Pool pool = new Pool(lab, "reg" + rep)) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= sizes.regJvms(); i++) {
          ids.add("reg" + rep + "-" + i);
        }
        long t0 = System.nanoTime();
        for (String id : ids) {
          pool.startWorker(id, 1, false, false);
        }
        pool.awaitWorkers(ids, Duration.ofMinutes(5));
        row.samples.add((System.nanoTime() - t0) / 1e9);
        pool.requireMasterAlive();
      } catch (Exception e) {
        // a repetition that breaks its pool is worth knowing; the next one starts afresh
        failed = e;
        lab.keep = true;
        notes.add(row.measure + ", repetition " + (rep + 1) + " failed: "
            + (e.getMessage() == null ? e.toString() : e.getMessage())
            + lab.firstLine("reg" + rep + "-master", "SBR took decision", "Uncaught error")
                .map(l -> "; the master's log: " + l).orElse(""));
      }
    }
    if (row.samples.isEmpty() && failed != null) {
      throw failed;
    }
  }

  private static void awaitGone(Pool pool, List<String> ids) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (pool.workerIds().stream().anyMatch(ids::contains)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("dismissed workers are still listed after a minute");
      }
      Thread.sleep(50);
    }
  }

  /**
   * A worker running a job is killed with SIGKILL; the time until the job runs again on the
   * other worker (its {@code worker} is the other one and its attempts 2). A fresh worker
   * replaces the killed one before the next repetition.
   */
  private void killRecovery(Pool pool, Row row, List<String> live) throws Exception {
    byte[] body = Pool.JSON.writeValueAsBytes(Map.of("argv", List.of("sleep", "600")));
    for (int rep = 0; rep < sizes.killReps(); rep++) {
      String id = pool.post("/api/jobs", body).path("id").asText();
      JsonNode job = awaitJob(pool, id, j -> j.path("state").asText().equals("RUNNING"),
          Duration.ofMinutes(1));
      String victim = job.path("worker").asText();
      String survivor = live.stream().filter(w -> !w.equals(victim)).findFirst().orElseThrow();
      Process p = pool.workers.get(victim);
      List<ProcessHandle> orphans = p.descendants().toList();
      long t0 = System.nanoTime();
      p.destroyForcibly(); // SIGKILL
      orphans.forEach(ProcessHandle::destroyForcibly); // the job's sleep would outlive it
      awaitJob(pool, id, j -> j.path("worker").asText().equals(survivor)
          && j.path("attempts").asInt() >= 2, Duration.ofMinutes(2));
      row.samples.add((System.nanoTime() - t0) / 1e9);
      pool.delete("/api/jobs/" + id);
      awaitJob(pool, id, j -> Pool.isFinal(j.path("state").asText()), Duration.ofMinutes(1));
      pool.workers.remove(victim);
      live.remove(victim);
      String fresh = "proc-" + (3 + rep);
      pool.startWorker(fresh, 1, false, false);
      live.add(fresh);
      pool.awaitWorkers(live, Duration.ofMinutes(2));
      awaitGone(pool, List.of(victim));
    }
  }

  private static JsonNode awaitJob(Pool pool, String id, java.util.function.Predicate<JsonNode> ok,
      Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode j = pool.get("/api/jobs/" + id);
      if (ok.test(j)) {
        return j;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("job " + id + " did not get there within "
            + timeout.toSeconds() + " s: " + j);
      }
      Thread.sleep(10);
    }
  }
}
