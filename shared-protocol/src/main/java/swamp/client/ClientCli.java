package swamp.client;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client commands of {@code bin/swamp} that answer at once: submit, status, runs, workers,
 * cancel, dismiss. Each is one or a few HTTP requests to the master; {@code --json} prints the
 * API's own JSON. {@code run}, which plans a script and may start a master in its own process,
 * lives with the master ({@code swamp.master.cli}) and shares {@link MasterClient} and the
 * helpers here.
 */
public final class ClientCli {
  private ClientCli() {}

  /** Exit code for a usage error or a master that cannot be reached or refused the request. */
  public static final int EXIT_USAGE = 2;
  /** Exit code of submit --wait when --wait-timeout passes first, as timeout(1) has it. */
  static final int EXIT_WAIT_TIMEOUT = 124;
  /** How long the master may hold one wait request open. */
  public static final Duration LONG_POLL = Duration.ofSeconds(60);
  public static final String DEFAULT_URL = "http://127.0.0.1:8070";
  public static final String URL_HELP = "The master's HTTP API (default: $SWAMP_URL, else http://127.0.0.1:8070).";

  /** A client command: what it takes, and what it does with what it was given. */
  private interface Action {
    int run(MasterClient client, Args.Parsed a) throws Exception;
  }

  private record Command(Args args, Action action) {}

  /** The commands in the order {@code bin/swamp --help} lists them. */
  private static final List<Command> COMMANDS = List.of(
      new Command(submitArgs(), ClientCli::submit),
      new Command(statusArgs(), ClientCli::status),
      new Command(runsArgs(), ClientCli::runs),
      new Command(workersArgs(), ClientCli::workers),
      new Command(new Args("cancel", "Cancel a job: a queued one never runs, a running one is killed.")
          .value("--url", "URL", URL_HELP).params("JOB_ID", 1, 1, ""), ClientCli::cancel),
      new Command(new Args("dismiss", "Dismiss a worker, or all: it drains, leaves and its process exits 0.")
          .value("--url", "URL", URL_HELP).flag("--all", "Dismiss every worker.")
          .params("WORKER_ID", 0, 1, ""), ClientCli::dismiss),
      new Command(new Args("dashboard", "Print the dashboard's URL (with the API token) and open it"
          + " in a browser where there is one.").value("--url", "URL", URL_HELP)
          .flag("--no-open", "Only print the URL."), Dashboard::open));

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs {@code bin/swamp COMMAND ARGS...}; returns the exit code. */
  public static int execute(String... argv) {
    if (argv.length == 0) {
      System.err.println("swamp: name a command: " + String.join(", ", commandNames()));
      return EXIT_USAGE;
    }
    Command command = COMMANDS.stream().filter(c -> c.args().name().equals(argv[0])).findFirst()
        .orElse(null);
    if (command == null) {
      System.err.println("swamp: unknown command '" + argv[0] + "'; the client commands are "
          + String.join(", ", commandNames()));
      return EXIT_USAGE;
    }
    Args.Parsed parsed;
    try {
      parsed = command.args().parse(List.of(argv).subList(1, argv.length));
    } catch (Args.UsageException e) {
      System.err.println("swamp: " + e.getMessage());
      System.err.print(command.args().usage("swamp"));
      return EXIT_USAGE;
    }
    if (parsed.flag(Args.HELP.name())) {
      System.out.print(command.args().usage("swamp"));
      return 0;
    }
    try {
      return command.action().run(client(parsed.value("--url")), parsed);
    } catch (MasterClient.ApiException | IOException | IllegalArgumentException | Args.UsageException e) {
      System.err.println("swamp: " + e.getMessage());
      return EXIT_USAGE;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The names of the client commands, in order. */
  public static List<String> commandNames() {
    return COMMANDS.stream().map(c -> c.args().name()).toList();
  }

  /** The usage of client command {@code name}, its synopsis under {@code prefix}. */
  public static String usage(String name, String prefix) {
    return COMMANDS.stream().filter(c -> c.args().name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no client command " + name))
        .args().usage(prefix);
  }

  /** The master at {@code url}, else at $SWAMP_URL, else at {@link #DEFAULT_URL}. */
  public static MasterClient client(String url) {
    return new MasterClient(url != null ? url : System.getenv().getOrDefault("SWAMP_URL", DEFAULT_URL));
  }

  static void printJson(Json node) {
    System.out.println(node.pretty());
  }

  // ---- submit ----

  private static Args submitArgs() {
    return new Args("submit", "Submit one job: a program and its arguments, run without a shell.")
        .value("--url", "URL", URL_HELP)
        .list("--requires", "LABEL", "A capability the worker must have; repeatable.")
        .value("--timeout", "DURATION", "Kill the job after this long, e.g. 90s or 2h; a bare number is seconds.")
        .value("--slots", "N", "Slots the job takes (default 1).")
        .value("--max-attempts", "N", "Times the job may start when its worker is lost (default 3).")
        .value("--retries", "N", "Times the job runs again when it fails (default 0).")
        .map("--env", "NAME=VALUE", "An environment variable for the job; repeatable.")
        .value("--work-dir", "DIR", "Where the job runs (default: this directory).")
        .value("--key", "KEY", "An idempotency key: submitting the same key again (a retry) gives the same job, not a new one.")
        .flag("--wait", "Wait for the job; print its output and exit with its exit code."
            + " While it cannot be placed (no worker offers a label it requires), say why once on stderr and keep waiting.")
        .value("--wait-timeout", "DURATION",
            "With --wait: give up waiting after this long (e.g. 10m; a bare number is seconds) and exit 124; the job stays.")
        .flag("--json", "Print JSON.")
        .params("PROGRAM ARG", 1, -1, "The command, after --.");
  }

  private static int submit(MasterClient client, Args.Parsed a) throws Exception {
    String workDir = a.value("--work-dir");
    Map<String, Object> job = jobRequest(a.params(), workDir == null ? null : Path.of(workDir),
        a.list("--requires"), a.value("--timeout"), a.intValue("--slots"),
        a.intValue("--max-attempts"), a.map("--env"));
    Integer retries = a.intValue("--retries");
    if (retries != null) {
      job.put("retries", retries);
    }
    if (a.value("--key") != null) {
      job.put("key", a.value("--key"));
    }
    String waitTimeout = a.value("--wait-timeout");
    Duration giveUpAfter = waitTimeout == null ? null : Durations.parse(waitTimeout);
    String id = client.post("/api/jobs", job).path("id").asText();
    boolean json = a.flag("--json");
    if (!a.flag("--wait")) {
      System.out.println(json ? Json.write(Map.of("id", id)) : id);
      return 0;
    }
    Json done = awaitJob(client, id, giveUpAfter, System.err);
    if (done == null) {
      System.err.println("swamp: gave up waiting for job " + id + " after " + waitTimeout
          + "; it stays submitted (bin/swamp status " + id + ", bin/swamp cancel " + id + ")");
      return EXIT_WAIT_TIMEOUT;
    }
    if (json) {
      printJson(done);
    } else {
      System.out.print(done.path("stdout").asText());
      System.err.print(done.path("stderr").asText());
      if (!done.path("state").asText().equals("SUCCEEDED") && !done.path("reason").isNull()) {
        System.err.println("swamp: job " + id + " " + done.path("state").asText() + ": "
            + done.path("reason").asText());
      }
    }
    return exitCodeOf(done);
  }

  /** The API's request for one job: the command and the options every client command shares. */
  public static Map<String, Object> jobRequest(List<String> argv, Path workDir, List<String> requires,
      String timeout, Integer slots, Integer maxAttempts, Map<String, String> env) {
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("argv", argv);
    job.put("workDir", (workDir != null ? workDir : Path.of("")).toAbsolutePath().normalize().toString());
    if (!requires.isEmpty()) {
      job.put("requires", requires);
    }
    if (timeout != null) {
      job.put("timeout", timeout);
    }
    if (slots != null) {
      job.put("slots", slots);
    }
    if (maxAttempts != null) {
      job.put("maxAttempts", maxAttempts);
    }
    if (!env.isEmpty()) {
      job.put("env", env);
    }
    return job;
  }

  /**
   * Long-polls the master until the job is final, or null once {@code giveUpAfter} (null: never)
   * has passed. Why a queued job waits, when the master knows (a label no worker offers), is
   * told on {@code why} once, and again only when it changes.
   */
  static Json awaitJob(MasterClient client, String id, Duration giveUpAfter, PrintStream why)
      throws MasterClient.ApiException {
    long deadline = giveUpAfter == null ? Long.MAX_VALUE : System.nanoTime() + giveUpAfter.toNanos();
    String told = null;
    Json job = client.get("/api/jobs/" + id);
    while (true) {
      String state = job.path("state").asText();
      if (state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED")) {
        return job;
      }
      String reason = state.equals("QUEUED") && job.path("reason").isTextual()
          ? job.path("reason").asText() : null;
      if (reason != null && !reason.equals(told)) {
        why.println("swamp: job " + id + " is waiting: " + reason);
      }
      told = reason;
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      Duration poll = Duration.ofNanos(Math.min(left, LONG_POLL.toNanos())).plusMillis(1);
      job = client.get("/api/jobs/" + id + "?wait=" + poll.toMillis() + "ms", poll);
    }
  }

  /** The job's own exit code; 1 when it failed or was cancelled without one. */
  public static int exitCodeOf(Json job) {
    if (job.path("exitCode").isInt()) {
      int code = job.path("exitCode").asInt();
      return code != 0 || job.path("state").asText().equals("SUCCEEDED") ? code : 1;
    }
    return job.path("state").asText().equals("SUCCEEDED") ? 0 : 1;
  }

  // ---- status ----

  private static Args statusArgs() {
    return new Args("status", "Show one job, or the most recent jobs, or a run's commands.")
        .value("--url", "URL", URL_HELP)
        .value("--run", "RUN_ID", "Show the commands of this run (as `runs RUN_ID`).")
        .flag("--json", "Print JSON.")
        .params("JOB_ID", 0, 1, "");
  }

  private static int status(MasterClient client, Args.Parsed a) throws Exception {
    String id = a.param(0);
    boolean json = a.flag("--json");
    if (a.value("--run") != null) {
      return showRun(client, a.value("--run"), json);
    }
    Json answer = id == null ? client.get("/api/jobs?limit=50") : client.get("/api/jobs/" + id);
    if (json) {
      printJson(answer);
    } else if (id != null) {
      for (String f : List.of("id", "state", "exitCode", "worker", "attempts", "reason",
          "submittedAt", "startedAt", "finishedAt")) {
        if (!answer.path(f).isNull() && !answer.path(f).isMissingNode()) {
          System.out.printf("%-12s %s%n", f + ":", answer.path(f).asText());
        }
      }
      System.out.printf("%-12s %s%n", "argv:", answer.path("argv"));
      if (!answer.path("pipeline").isEmpty() || !answer.path("redirects").isNull()) {
        System.out.printf("%-12s %s%n", "command:", answer.path("command").asText());
      }
      if (answer.hasNonNull("run")) {
        System.out.printf("%-12s %s step %d%n", "run:", answer.path("run").asText(),
            answer.path("step").asInt());
      }
      printBlock("stdout", answer.path("stdout").asText());
      printBlock("stderr", answer.path("stderr").asText());
    } else {
      System.out.printf("%-10s %-10s %-5s %-16s %s%n", "ID", "STATE", "EXIT", "WORKER", "COMMAND");
      for (Json j : answer) {
        System.out.printf("%-10s %-10s %-5s %-16s %s%n", j.path("id").asText(),
            j.path("state").asText(), j.path("exitCode").isInt() ? j.path("exitCode").asText() : "-",
            j.path("worker").asText("-"), j.path("command").asText());
      }
    }
    return 0;
  }

  private static void printBlock(String name, String text) {
    if (!text.isEmpty()) {
      System.out.println(name + ":");
      System.out.print(text.endsWith("\n") ? text : text + "\n");
    }
  }

  // ---- runs ----

  private static Args runsArgs() {
    return new Args("runs", "Show the runs (scripts run by `swamp run`), or one run's commands.")
        .value("--url", "URL", URL_HELP)
        .flag("--json", "Print JSON.")
        .params("RUN_ID", 0, 1, "");
  }

  private static int runs(MasterClient client, Args.Parsed a) throws Exception {
    boolean json = a.flag("--json");
    if (a.param(0) != null) {
      return showRun(client, a.param(0), json);
    }
    Json runs = client.get("/api/runs");
    if (json) {
      printJson(runs);
      return 0;
    }
    if (runs.isEmpty()) {
      System.out.println("no run yet");
      return 0;
    }
    System.out.printf("%-8s %-24s %-24s %8s %9s %6s %9s %7s %6s %7s%n", "ID", "NAME", "SUBMITTED",
        "COMMANDS", "SUCCEEDED", "FAILED", "CANCELLED", "RUNNING", "QUEUED", "WAITING");
    for (Json r : runs) {
      System.out.printf("%-8s %-24s %-24s %8d %9d %6d %9d %7d %6d %7d%n", r.path("id").asText(),
          r.path("name").asText(), r.path("submittedAt").asText(), r.path("commands").asInt(),
          r.path("succeeded").asInt(), r.path("failed").asInt(), r.path("cancelled").asInt(),
          r.path("running").asInt(), r.path("queued").asInt(), r.path("waiting").asInt());
    }
    return 0;
  }

  /** One run: a line per command, with where its newest job stands. */
  private static int showRun(MasterClient client, String id, boolean json) throws Exception {
    Json run = client.get("/api/runs/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
    if (json) {
      printJson(run);
      return 0;
    }
    System.out.printf("run %s: %s in %s, submitted %s%n", run.path("id").asText(),
        run.path("name").asText(), run.path("workDir").asText(), run.path("submittedAt").asText());
    System.out.printf("%5s %5s %-10s %-8s %-5s %-16s %s%n", "STEP", "LINE", "STATE", "JOB", "EXIT",
        "WORKER", "COMMAND");
    for (Json c : run.path("commands")) {
      System.out.printf("%5d %5d %-10s %-8s %-5s %-16s %s%n", c.path("step").asInt(),
          c.path("line").asInt(), c.path("state").asText(), orDash(c.path("job").asText("")),
          c.path("exitCode").isInt() ? c.path("exitCode").asText() : "-",
          orDash(c.path("worker").asText("")), c.path("text").asText());
    }
    return 0;
  }

  // ---- workers ----

  private static Args workersArgs() {
    return new Args("workers", "Show the registered workers, and those spawned from the worker directory.")
        .value("--url", "URL", URL_HELP)
        .flag("--json", "Print JSON.");
  }

  private static int workers(MasterClient client, Args.Parsed a) throws Exception {
    Json workers = client.get("/api/workers");
    if (a.flag("--json")) {
      printJson(workers);
      return 0;
    }
    if (workers.isEmpty()) {
      System.out.println("no worker is registered");
    } else {
      System.out.printf("%-24s %-16s %5s %5s  %-10s %-10s %-10s %s%n", "ID", "HOST", "SLOTS",
          "BUSY", "STATE", "SOURCE", "JOB", "CAPABILITIES");
    }
    for (Json w : workers) {
      List<String> caps = new ArrayList<>();
      w.path("capabilities").forEach(c -> caps.add(c.asText()));
      String state = w.path("state").asText(w.path("draining").asBoolean() ? "draining" : "registered");
      System.out.printf("%-24s %-16s %5d %5d  %-10s %-10s %-10s %s%n", w.path("id").asText(),
          orDash(w.path("host").asText()), w.path("slots").asInt(), w.path("busy").asInt(),
          state, orDash(w.path("source").asText("")), orDash(w.path("gridJob").asText("")),
          String.join(",", caps));
    }
    // the directory's sources, when the master has one
    for (Json s : client.get("/api/sources")) {
      System.out.printf("source %s (%s): %d registered, %d pending, %d-%d workers, %d spawned,"
              + " %d failed%s%n", s.path("name").asText(), s.path("launcher").asText(),
          s.path("registered").asInt(), s.path("pending").asInt(), s.path("minWorkers").asInt(),
          s.path("maxWorkers").asInt(), s.path("spawned").asInt(), s.path("failed").asInt(),
          s.path("backingOffUntil").isTextual()
              ? "; backing off until " + s.path("backingOffUntil").asText() + " after "
                  + s.path("failuresInARow").asInt() + " failure(s) in a row, last: "
                  + s.path("lastFailure").asText()
              : "");
    }
    return 0;
  }

  static String orDash(String s) {
    return s == null || s.isEmpty() || s.equals("null") ? "-" : s;
  }

  // ---- cancel ----

  private static int cancel(MasterClient client, Args.Parsed a) throws Exception {
    String id = a.param(0);
    Json job = client.delete("/api/jobs/" + id);
    System.out.println(id + ": " + (job.path("state").asText().equals("CANCELLED")
        ? "cancelled" : "cancel requested; it is being killed"));
    return 0;
  }

  // ---- dismiss ----

  private static int dismiss(MasterClient client, Args.Parsed a) throws Exception {
    String id = a.param(0);
    boolean all = a.flag("--all");
    if ((id == null) == !all) {
      System.err.println("swamp dismiss: name one WORKER_ID or --all");
      return EXIT_USAGE;
    }
    Json answer = client.post(all ? "/api/workers/dismiss" : "/api/workers/" + id + "/dismiss", Map.of());
    List<String> ids = new ArrayList<>();
    answer.path("dismissed").forEach(d -> ids.add(d.asText()));
    System.out.println(ids.isEmpty() ? "no worker to dismiss" : "dismissed: " + String.join(" ", ids));
    return 0;
  }
}
