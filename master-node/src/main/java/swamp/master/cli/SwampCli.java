package swamp.master.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;
import swamp.master.script.Plan;
import swamp.master.script.Script;
import swamp.master.script.ScriptException;

/**
 * The client commands of {@code bin/swamp}: submit, run, status, runs, workers, cancel, dismiss. Each
 * is one or a few HTTP requests to the master; {@code --json} prints the API's own JSON.
 */
@Command(name = "swamp", mixinStandardHelpOptions = true,
    description = "Talk to a swamp master.",
    subcommands = {SwampCli.Submit.class, SwampCli.Run.class, SwampCli.Status.class,
        SwampCli.Runs.class,
        SwampCli.Workers.class, SwampCli.Cancel.class, SwampCli.Dismiss.class})
public final class SwampCli {

  /** Exit code for a usage error or a master that cannot be reached or refused the request. */
  static final int EXIT_USAGE = 2;
  static final Duration LONG_POLL = Duration.ofSeconds(60);

  public static void main(String[] args) {
    // the master's HTTP server closes a connection idle for 30 s; a long `run` must not reuse
    // one it may have closed, since a POST is not retried
    System.setProperty("jdk.httpclient.keepalive.timeout", "20");
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new SwampCli());
    cli.setParameterExceptionHandler((e, a) -> {
      System.err.println("swamp: " + e.getMessage());
      e.getCommandLine().usage(System.err);
      return EXIT_USAGE;
    });
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof MasterClient.ApiException || e instanceof ScriptException
          || e instanceof IOException) {
        System.err.println("swamp: " + e.getMessage());
        return EXIT_USAGE;
      }
      throw e;
    });
    return cli.execute(args);
  }

  /** Options every client command takes. */
  static class Common {
    @Option(names = "--url", description = "The master's HTTP API (default: $SWAMP_URL, else http://127.0.0.1:8070).")
    String url;

    MasterClient client() {
      String u = url != null ? url : System.getenv().getOrDefault("SWAMP_URL", DEFAULT_URL);
      return new MasterClient(u);
    }
  }

  static void printJson(JsonNode node) throws com.fasterxml.jackson.core.JsonProcessingException {
    System.out.println(MasterClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
  }

  // ---- submit ----

  @Command(name = "submit", mixinStandardHelpOptions = true, description = "Submit one job: a program and its arguments, run without a shell.")
  static final class Submit extends Common implements Callable<Integer> {
    @Option(names = "--requires", paramLabel = "LABEL", description = "A capability the worker must have; repeatable.")
    List<String> requires = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Kill the job after this long, e.g. 90s or 2h; a bare number is seconds.")
    String timeout;

    @Option(names = "--slots", description = "Slots the job takes (default 1).")
    Integer slots;

    @Option(names = "--max-attempts", description = "Times the job may start when its worker is lost (default 3).")
    Integer maxAttempts;

    @Option(names = "--retries", description = "Times the job runs again when it fails (default 0).")
    Integer retries;

    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "An environment variable for the job; repeatable.")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the job runs (default: this directory).")
    Path workDir;

    @Option(names = "--key", paramLabel = "KEY",
        description = "An idempotency key: submitting the same key again (a retry) gives the same job, not a new one.")
    String key;

    @Option(names = "--wait", description = "Wait for the job; print its output and exit with its exit code."
        + " While it cannot be placed (no worker offers a label it requires), say why once on stderr and keep waiting.")
    boolean await;

    @Option(names = "--wait-timeout", paramLabel = "DURATION",
        description = "With --wait: give up waiting after this long (e.g. 10m; a bare number is seconds) and exit 124; the job stays.")
    String waitTimeout;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "PROGRAM ARG", description = "The command, after --.")
    List<String> argv;

    @Override
    public Integer call() throws Exception {
      MasterClient client = client();
      Map<String, Object> job = jobRequest(argv, workDir, requires, timeout, slots, maxAttempts, env);
      if (retries != null) {
        job.put("retries", retries);
      }
      if (key != null) {
        job.put("key", key);
      }
      String id = client.post("/api/jobs", job).path("id").asText();
      if (!await) {
        System.out.println(json ? MasterClient.JSON.writeValueAsString(Map.of("id", id)) : id);
        return 0;
      }
      JsonNode done = awaitJob(client, id, waitTimeout == null ? null
          : swamp.master.api.JobRequests.duration(waitTimeout), System.err);
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
  }

  static Map<String, Object> jobRequest(List<String> argv, Path workDir, List<String> requires,
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

  /** Exit code of submit --wait when --wait-timeout passes first, as timeout(1) has it. */
  static final int EXIT_WAIT_TIMEOUT = 124;

  /**
   * Long-polls the master until the job is final, or null once {@code giveUpAfter} (null: never)
   * has passed. Why a queued job waits, when the master knows (a label no worker offers), is
   * told on {@code why} once, and again only when it changes.
   */
  static JsonNode awaitJob(MasterClient client, String id, Duration giveUpAfter, PrintStream why)
      throws MasterClient.ApiException {
    long deadline = giveUpAfter == null ? Long.MAX_VALUE : System.nanoTime() + giveUpAfter.toNanos();
    String told = null;
    JsonNode job = client.get("/api/jobs/" + id);
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
  static int exitCodeOf(JsonNode job) {
    if (job.path("exitCode").isInt()) {
      int code = job.path("exitCode").asInt();
      return code != 0 || job.path("state").asText().equals("SUCCEEDED") ? code : 1;
    }
    return job.path("state").asText().equals("SUCCEEDED") ? 0 : 1;
  }

  // ---- run ----

  @Command(name = "run", mixinStandardHelpOptions = true, description = "Run a shell script of commands on the pool: swamp plans it as bash would"
      + " run it, then runs each command as a job; a command that reads what an earlier one writes waits for it,"
      + " the others run in parallel. Exits 1 if any failed.")
  static final class Run extends Common implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SCRIPT")
    Path script;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "The script's arguments ($1, $2, ...).")
    List<String> args = new ArrayList<>();

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the script starts (default: this directory).")
    Path workDir;

    @Option(names = "--requires", paramLabel = "LABEL", description = "A capability every job requires; repeatable.")
    List<String> requires = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Kill any job after this long, e.g. 90s; a bare number is seconds.")
    String timeout;

    @Option(names = "--plan", description = "Print the planned commands, each with its line, directory and the"
        + " commands it waits for; run nothing.")
    boolean planOnly;

    @Option(names = "--dot", description = "Print the plan as a Graphviz graph; run nothing.")
    boolean dot;

    @Option(names = "--slots", paramLabel = "N", description = "Without a master: slots of the master run in this"
        + " process (default: one per processor).")
    Integer slots;

    @Override
    public Integer call() throws Exception {
      Path dir = (workDir != null ? workDir : Path.of("")).toAbsolutePath().normalize();
      Map<String, String> env = new HashMap<>(System.getenv());
      env.put("PWD", dir.toString());
      Plan plan = Script.plan(script, dir, env, args);
      if (planOnly || dot) {
        PlanPrinter.print(plan, dot, System.out);
        return 0;
      }
      if (plan.commands().isEmpty()) {
        System.err.println("swamp: " + script + " runs no command");
        return plan.exitStatus();
      }
      if (url == null && System.getenv("SWAMP_URL") == null && !MasterClient.answers(DEFAULT_URL)) {
        try (LocalMaster local = LocalMaster.start(slots)) {
          System.err.println("swamp: no master at " + DEFAULT_URL + "; running " + script + " on a master in this"
              + " process with " + local.slots() + " slot(s) (set SWAMP_URL to use a pool)");
          return new ScriptRun(new MasterClient(local.url()), script.toString(), plan, this::toJob,
              System.out, System.err).call();
        }
      }
      return new ScriptRun(client(), script.toString(), plan, this::toJob, System.out, System.err).call();
    }

    private Map<String, Object> toJob(Plan.Command c) {
      Map<String, Object> job = jobRequest(c.argv(), Path.of(c.dir()), requires, timeout, null, null, c.env());
      if (c.stages().get(0).redirects() != null) {
        job.put("redirects", c.stages().get(0).redirects());
      }
      if (c.stages().size() > 1) {
        List<Map<String, Object>> pipeline = new ArrayList<>();
        for (swamp.protocol.Stage s : c.stages().subList(1, c.stages().size())) {
          Map<String, Object> stage = new LinkedHashMap<>();
          stage.put("argv", s.argv());
          if (s.redirects() != null) {
            stage.put("redirects", s.redirects());
          }
          pipeline.add(stage);
        }
        job.put("pipeline", pipeline);
      }
      return job;
    }
  }

  static final String DEFAULT_URL = "http://127.0.0.1:8070";

  // ---- status ----

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show one job, or the most recent jobs, or a run's commands.")
  static final class Status extends Common implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "JOB_ID")
    String id;

    @Option(names = "--run", paramLabel = "RUN_ID", description = "Show the commands of this run (as `runs RUN_ID`).")
    String run;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      MasterClient client = client();
      if (run != null) {
        return Runs.show(client, run, json);
      }
      JsonNode answer = id == null ? client.get("/api/jobs?limit=50") : client.get("/api/jobs/" + id);
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
        for (JsonNode j : answer) {
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
  }

  // ---- runs ----

  @Command(name = "runs", mixinStandardHelpOptions = true, description = "Show the runs (scripts run by `swamp run`), or one run's commands.")
  static final class Runs extends Common implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN_ID")
    String id;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      MasterClient client = client();
      if (id != null) {
        return show(client, id, json);
      }
      JsonNode runs = client.get("/api/runs");
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
      for (JsonNode r : runs) {
        System.out.printf("%-8s %-24s %-24s %8d %9d %6d %9d %7d %6d %7d%n", r.path("id").asText(),
            r.path("name").asText(), r.path("submittedAt").asText(), r.path("commands").asInt(),
            r.path("succeeded").asInt(), r.path("failed").asInt(), r.path("cancelled").asInt(),
            r.path("running").asInt(), r.path("queued").asInt(), r.path("waiting").asInt());
      }
      return 0;
    }

    /** One run: a line per command, with where its newest job stands. */
    static int show(MasterClient client, String id, boolean json) throws Exception {
      JsonNode run = client.get("/api/runs/" + java.net.URLEncoder.encode(id,
          java.nio.charset.StandardCharsets.UTF_8));
      if (json) {
        printJson(run);
        return 0;
      }
      System.out.printf("run %s: %s in %s, submitted %s%n", run.path("id").asText(),
          run.path("name").asText(), run.path("workDir").asText(), run.path("submittedAt").asText());
      System.out.printf("%5s %5s %-10s %-8s %-5s %-16s %s%n", "STEP", "LINE", "STATE", "JOB", "EXIT",
          "WORKER", "COMMAND");
      for (JsonNode c : run.path("commands")) {
        System.out.printf("%5d %5d %-10s %-8s %-5s %-16s %s%n", c.path("step").asInt(),
            c.path("line").asInt(), c.path("state").asText(), orDash(c.path("job").asText("")),
            c.path("exitCode").isInt() ? c.path("exitCode").asText() : "-",
            orDash(c.path("worker").asText("")), c.path("text").asText());
      }
      return 0;
    }
  }

  // ---- workers ----

  @Command(name = "workers", mixinStandardHelpOptions = true, description = "Show the registered workers, and those spawned from the worker directory.")
  static final class Workers extends Common implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      MasterClient client = client();
      JsonNode workers = client.get("/api/workers");
      if (json) {
        printJson(workers);
        return 0;
      }
      if (workers.isEmpty()) {
        System.out.println("no worker is registered");
      } else {
        System.out.printf("%-24s %-16s %5s %5s  %-10s %-10s %-10s %s%n", "ID", "HOST", "SLOTS",
            "BUSY", "STATE", "SOURCE", "JOB", "CAPABILITIES");
      }
      for (JsonNode w : workers) {
        List<String> caps = new ArrayList<>();
        w.path("capabilities").forEach(c -> caps.add(c.asText()));
        String state = w.path("state").asText(w.path("draining").asBoolean() ? "draining" : "registered");
        System.out.printf("%-24s %-16s %5d %5d  %-10s %-10s %-10s %s%n", w.path("id").asText(),
            orDash(w.path("host").asText()), w.path("slots").asInt(), w.path("busy").asInt(),
            state, orDash(w.path("source").asText("")), orDash(w.path("gridJob").asText("")),
            String.join(",", caps));
      }
      // the directory's sources, when the master has one
      for (JsonNode s : client.get("/api/sources")) {
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
  }

  static String orDash(String s) {
    return s == null || s.isEmpty() || s.equals("null") ? "-" : s;
  }

  // ---- cancel ----

  @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job: a queued one never runs, a running one is killed.")
  static final class Cancel extends Common implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB_ID")
    String id;

    @Override
    public Integer call() throws Exception {
      JsonNode job = client().delete("/api/jobs/" + id);
      System.out.println(id + ": " + (job.path("state").asText().equals("CANCELLED")
          ? "cancelled" : "cancel requested; it is being killed"));
      return 0;
    }
  }

  // ---- dismiss ----

  @Command(name = "dismiss", mixinStandardHelpOptions = true, description = "Dismiss a worker, or all: it drains, leaves and its process exits 0.")
  static final class Dismiss extends Common implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "WORKER_ID")
    String id;

    @Option(names = "--all", description = "Dismiss every worker.")
    boolean all;

    @Override
    public Integer call() throws Exception {
      if ((id == null) == !all) {
        System.err.println("swamp dismiss: name one WORKER_ID or --all");
        return EXIT_USAGE;
      }
      JsonNode answer = client().post(all ? "/api/workers/dismiss" : "/api/workers/" + id + "/dismiss", Map.of());
      List<String> ids = new ArrayList<>();
      answer.path("dismissed").forEach(d -> ids.add(d.asText()));
      System.out.println(ids.isEmpty() ? "no worker to dismiss" : "dismissed: " + String.join(" ", ids));
      return 0;
    }
  }
}
