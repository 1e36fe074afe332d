package swamp.master.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A master process (local-exec never) and the worker processes that join it, started from the
 * built jars, and the client side of the master's HTTP API. Closing it ends every process.
 */
final class Pool implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  /** What {@code GET /api/health} counts. */
  record Health(int workers, int queued, int running, int succeeded, int failed, int cancelled) {
    static Health of(JsonNode n) {
      return new Health(n.path("workers").asInt(), n.path("queued").asInt(),
          n.path("running").asInt(), n.path("succeeded").asInt(), n.path("failed").asInt(),
          n.path("cancelled").asInt());
    }
  }

  private final Lab lab;
  private final String name;
  final int clusterPort = Lab.freePort();
  final int httpPort = Lab.freePort();
  private final Process master;
  /** The class-data archive this pool's master writes as it exits, or null. */
  private Path archiving;
  /** Plain tcp remoting (--insecure) instead of TLS, the default. */
  private final boolean insecure;
  final Map<String, Process> workers = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** Starts a master (TLS remoting, the default) and waits until its API answers. */
  Pool(Lab lab, String name) throws Exception {
    this(lab, name, false);
  }

  /** Starts a master, over plain tcp when {@code insecure}, and waits until its API answers. */
  Pool(Lab lab, String name, boolean insecure) throws Exception {
    this(lab, name, insecure, List.of());
  }

  /** The same, with more JVM flags for the master (e.g. {@code -Dswamp.master.journal.fsync=off}). */
  Pool(Lab lab, String name, boolean insecure, List<String> masterFlags) throws Exception {
    this.lab = lab;
    this.name = name;
    this.insecure = insecure;
    List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "" + clusterPort,
        "--http-port", "" + httpPort, "--local-exec", "never",
        "--journal", lab.dir.resolve(name + "-journal").toString()));
    if (insecure) {
      args.add("--insecure");
    }
    List<String> flags = new ArrayList<>(Lab.MASTER_JVM);
    if (lab.masterArchive != null) {
      flags.add("-XX:SharedArchiveFile=" + lab.masterArchive);
    } else if (!lab.masterArchiveTried) {
      lab.masterArchiveTried = true;
      archiving = lab.dir.resolve("master.jsa");
      flags.add("-XX:ArchiveClassesAtExit=" + archiving);
      flags.add("-Xlog:cds*=off"); // a line for each class it cannot archive (picocli's)
    }
    flags.addAll(masterFlags);
    this.master = lab.start(name + "-master", lab.jvm(flags, "master.conf", lab.masterCp,
        "swamp.master.MasterMain", args), Map.of());
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      if (!master.isAlive()) {
        throw new IllegalStateException("the master exited with " + master.exitValue() + "; see "
            + lab.log(name + "-master"));
      }
      try {
        health();
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the master's API did not answer within 90 s");
        }
        Thread.sleep(50);
      }
    }
  }

  /**
   * Starts a worker JVM (a dry-run one with the flags for throughput). With {@code dumpArchive}
   * it writes the class-data archive that later worker JVMs start from, when it exits.
   */
  Process startWorker(String id, int slots, boolean dryRun, boolean dumpArchive) throws IOException {
    List<String> flags = new ArrayList<>(dryRun ? Lab.DRY_WORKER_JVM : Lab.WORKER_JVM);
    if (dumpArchive) {
      flags.add("-XX:ArchiveClassesAtExit=" + lab.dir.resolve("worker.jsa"));
    } else if (lab.workerArchive != null) {
      flags.add("-XX:SharedArchiveFile=" + lab.workerArchive);
    }
    List<String> args = new ArrayList<>(List.of("--master", "127.0.0.1:" + clusterPort,
        "--host", "127.0.0.1", "--id", id, "--slots", "" + slots,
        "--work-dir", lab.dir.resolve("work-" + id).toString(), "--give-up-after", "5m"));
    if (dryRun) {
      args.add("--dry-run");
    }
    if (insecure) {
      args.add("--insecure");
    }
    Files.createDirectories(lab.dir.resolve("work-" + id));
    Process p = lab.start(name + "-" + id, lab.jvm(flags, "worker.conf", lab.workerCp,
        "swamp.worker.WorkerMain", args), Map.of());
    workers.put(id, p);
    return p;
  }

  /**
   * Runs {@code bin/swamp run SCRIPT} in {@code dir} against this master, its client JVM started
   * as bin/swamp starts it ({@link Lab#CLIENT_JVM}, the master's class path); fails unless it
   * exits 0 within {@code timeout}. Its output goes to {@code <name>.out} and {@code .log}.
   */
  void swampRun(String name, String script, Path dir, Duration timeout)
      throws IOException, InterruptedException {
    lab.run(name, lab.jvm(Lab.CLIENT_JVM, null, lab.masterCp, "swamp.master.cli.SwampCli",
        List.of("run", script)), dir, Map.of("SWAMP_URL", "http://127.0.0.1:" + httpPort), timeout);
  }

  /** Waits until {@code GET /api/workers} lists every one of {@code ids}; the time it took. */
  void awaitWorkers(Collection<String> ids, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Set<String> listed = workerIds();
      if (listed.containsAll(ids)) {
        return;
      }
      for (String id : ids) {
        Process p = workers.get(id);
        if (p != null && !p.isAlive()) {
          throw new IllegalStateException("worker " + id + " exited with " + p.exitValue()
              + "; see " + lab.log(name + "-" + id));
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + listed.size() + " of " + ids.size()
            + " workers registered within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(10);
    }
  }

  /** Waits until {@code GET /api/workers} no longer lists {@code id}. */
  void awaitGone(String id, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (workerIds().contains(id)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("worker " + id + " is still listed after "
            + timeout.toSeconds() + " s");
      }
      Thread.sleep(50);
    }
  }

  /** Polls {@code GET /api/jobs/ID} until {@code ok} holds of it; the job as it was then. */
  JsonNode awaitJob(String id, java.util.function.Predicate<JsonNode> ok, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode j = get("/api/jobs/" + id);
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

  Set<String> workerIds() throws IOException, InterruptedException {
    Set<String> ids = new HashSet<>();
    get("/api/workers").forEach(w -> ids.add(w.path("id").asText()));
    return ids;
  }

  Health health() throws IOException, InterruptedException {
    return Health.of(get("/api/health"));
  }

  /**
   * POSTs each body (a JSON array of jobs) in turn, then waits until every job has finished;
   * fails unless all succeeded. Returns the nanoseconds from the first POST to the last finish.
   */
  long runJobs(List<byte[]> bodies, int jobs, Duration timeout) throws Exception {
    Health before = health();
    long t0 = System.nanoTime();
    String last = null;
    for (byte[] body : bodies) {
      JsonNode ids = post("/api/jobs", body);
      last = ids.get(ids.size() - 1).path("id").asText();
    }
    long deadline = t0 + timeout.toNanos();
    // the last job submitted is among the last to finish: wait on it without polling, then
    // poll the health for the few that may still run
    while (!isFinal(get("/api/jobs/" + last + "?wait=20s").path("state").asText())) {
      checkDeadline(deadline, jobs);
    }
    Health h;
    while (true) {
      h = health();
      if (h.queued() == 0 && h.running() == 0) {
        break;
      }
      checkDeadline(deadline, jobs);
      Thread.sleep(1);
    }
    long t1 = System.nanoTime();
    int failed = h.failed() - before.failed() + h.cancelled() - before.cancelled();
    if (failed != 0) {
      throw new IllegalStateException(failed + " of " + jobs + " jobs did not succeed; see "
          + lab.log(name + "-master") + " and GET /api/jobs?state=FAILED");
    }
    return t1 - t0;
  }

  private static void checkDeadline(long deadline, int jobs) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException(jobs + " jobs did not finish in time");
    }
  }

  static boolean isFinal(String state) {
    return state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED");
  }

  /** A JSON array of {@code n} copies of {@code job}, split into bodies of {@code batch}. */
  static List<byte[]> bodies(Map<String, Object> job, int n, int batch) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i += batch) {
      out.add(JSON.writeValueAsBytes(java.util.Collections.nCopies(Math.min(batch, n - i), job)));
    }
    return out;
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  JsonNode post(String path, byte[] body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  JsonNode delete(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + httpPort + path);
  }

  private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = http.send(request.timeout(Duration.ofMinutes(2))
            .header("Authorization", "Bearer " + lab.apiToken).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() >= 300) {
      throw new IOException(r.request().method() + " " + r.uri().getPath() + ": " + r.statusCode()
          + " " + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return JSON.readTree(r.body());
  }

  /** Fails when the master process has ended (it should live as long as the pool). */
  void requireMasterAlive() throws InterruptedException {
    Thread.sleep(500); // a master that is going down has usually said so by now
    if (!master.isAlive()) {
      throw new IllegalStateException("the master exited with " + master.exitValue()
          + " while the workers registered; see " + lab.log(name + "-master"));
    }
  }

  /** The size of the master's H2 journal file, in bytes. */
  long journalBytes() throws IOException {
    return java.nio.file.Files.size(lab.dir.resolve(name + "-journal.mv.db"));
  }

  /** CPU time the master and the workers have used so far, in nanoseconds: {master, workers}. */
  long[] cpuNanos() {
    long w = 0;
    for (Process p : workers.values()) {
      w += cpu(p);
    }
    return new long[] {cpu(master), w};
  }

  private static long cpu(Process p) {
    return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  @Override
  public void close() {
    List<Process> all = new ArrayList<>(workers.values());
    all.add(master);
    workers.clear();
    Lab.endAll(all, 10_000);
    // on SIGTERM the master wrote it as it exited; one killed after the grace (137) may have
    // left half of it
    if (archiving != null && !master.isAlive() && master.exitValue() != 137
        && archiving.toFile().length() > 0) {
      lab.masterArchive = archiving;
    }
  }
}
