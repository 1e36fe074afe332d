package swamp.client;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client commands about jobs: {@code submit} (and {@code --wait}, a long poll until the job
 * ends), {@code status} and {@code cancel}; and the job request every command that submits
 * builds ({@code run} too).
 */
public final class JobCommands {
  private JobCommands() {}

  static Args submitArgs() {
    return new Args("submit", "Submit one job: a program and its arguments, run without a shell.")
        .value("--url", "URL", ClientCommand.URL_HELP)
        .list("--requires", "LABEL", "A capability the worker must have; repeatable.")
        .value("--timeout", "DURATION", "Kill the job after this long, e.g. 90s or 2h; a bare number is seconds.")
        .value("--slots", "N", "Slots the job takes (default 1).")
        .value("--max-attempts", "N", "Times the job may start when its worker is lost (default 3).")
        .value("--retries", "N", "Times the job runs again when it fails (default 0).")
        .map("--env", "NAME=VALUE", "An environment variable for the job; repeatable.")
        .value("--work-dir", "DIR", "Where the job runs (default: this directory).")
        .value("--key", "KEY", "An idempotency key: submitting the same key again (a retry) gives the same job, not a new one.")
        .flag("--wait", "Wait for the job; print its output and exit with its exit code."
            + " While it cannot be placed (no worker offers a label it requires, or has its slots), say why on stderr,"
            + " again when that changes, and keep waiting.")
        .value("--wait-timeout", "DURATION",
            "With --wait: give up waiting after this long (e.g. 10m; a bare number is seconds; 0: never) and exit 124; the job stays.")
        .flag("--json", "Print JSON.")
        .params("PROGRAM ARG", 1, -1, "The command, after --.");
  }

  static int submit(MasterClient client, Args.Parsed a) throws Exception {
    String workDir = a.value("--work-dir");
    for (int i = 0; i < a.params().size(); i++) {
      notUtf8(a.params().get(i), i == 0 ? "the program" : "argument " + i);
    }
    a.map("--env").forEach((name, value) -> notUtf8(name + "=" + value, "--env " + name));
    if (workDir != null) {
      notUtf8(workDir, "--work-dir");
    }
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
    if (waitTimeout != null && !a.flag("--wait")) { // else taken without a word, and no wait
      throw new IllegalArgumentException("--wait-timeout bounds --wait; give both, or neither");
    }
    Duration giveUpAfter = waitTimeout == null ? null : Durations.parse(waitTimeout);
    if (giveUpAfter != null && giveUpAfter.isZero()) { // none, as a job's --timeout 0 and timeout(1)'s
      giveUpAfter = null;
    }
    String id = client.post("/api/jobs", job).path("id").asText();
    boolean json = a.flag("--json");
    if (!a.flag("--wait")) {
      System.out.println(json ? Json.write(Map.of("id", id)) : id);
      return 0;
    }
    Json done;
    try {
      done = awaitJob(client, id, giveUpAfter, System.err);
    } catch (MasterClient.ApiException e) { // the master went away: say which job to look for
      System.err.println("swamp: stopped waiting for job " + id + "; it stays submitted"
          + " (bin/swamp status " + id + " once the master answers)");
      throw e;
    }
    if (done == null) {
      System.err.println("swamp: gave up waiting for job " + id + " after " + Durations.shown(waitTimeout)
          + "; it stays submitted (bin/swamp status " + id + ", bin/swamp cancel " + id + ")");
      return ClientCommand.EXIT_WAIT_TIMEOUT;
    }
    if (json) {
      ClientCommand.printJson(done);
    } else {
      System.out.print(done.path("stdout").asText());
      System.err.print(done.path("stderr").asText());
      if (done.path("truncated").asBoolean()) {
        System.err.println("swamp: job " + id + "'s output was cut: a worker keeps the first part of each"
            + " stream (swamp.worker.max-output, 256 KiB by default); redirect it to a file to keep it all");
      }
      if (!done.path("state").asText().equals("SUCCEEDED") && !done.path("reason").isNull()) {
        System.err.println("swamp: job " + id + " " + done.path("state").asText() + ": "
            + done.path("reason").asText());
      }
    }
    return exitCodeOf(done);
  }

  /**
   * Refuses a word that came with bytes that are not UTF-8 (a Latin-1 file name, {@code
   * $'\xff'}): the JVM reads them as U+FFFD, and the job would run with that character in their
   * place, on another file than the one named, without a word.
   */
  static void notUtf8(String word, String what) {
    if (word.indexOf('\uFFFD') >= 0) {
      throw new IllegalArgumentException(what + " ('" + word + "') holds bytes that are not UTF-8,"
          + " shown as \uFFFD: a job's command is UTF-8 text, and the job would get that character"
          + " in their place; give the word in UTF-8 (a file named in another encoding: rename it,"
          + " convmv -f latin1 -t utf8)");
    }
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
    // a master killed and started again keeps the job: it is waited for, as bin/swamp run does
    MasterOutage master = new MasterOutage(WAIT_FOR_MASTER, "5m", "job " + id, "", () -> false,
        why::println);
    if (giveUpAfter != null) {
      master.until(deadline);
    }
    Json job = master.call(() -> client.get("/api/jobs/" + MasterClient.segment(id)), "");
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
      Duration poll = Duration.ofNanos(Math.min(left, ClientCommand.LONG_POLL.toNanos())).plusMillis(1);
      job = master.call(() -> client.get("/api/jobs/" + MasterClient.segment(id) + "?wait="
          + poll.toMillis() + "ms", poll), "");
    }
  }

  /** How long submit --wait waits for a master that stops answering, as bin/swamp run does. */
  static final Duration WAIT_FOR_MASTER = Duration.ofMinutes(5);

  /** The job's own exit code; 1 when it failed or was cancelled without one. */
  public static int exitCodeOf(Json job) {
    if (job.path("exitCode").isInt()) {
      int code = job.path("exitCode").asInt();
      return code != 0 || job.path("state").asText().equals("SUCCEEDED") ? code : 1;
    }
    return job.path("state").asText().equals("SUCCEEDED") ? 0 : 1;
  }

  static Args statusArgs() {
    return new Args("status", "Show one job, or the most recent jobs, or a run's commands.")
        .value("--url", "URL", ClientCommand.URL_HELP)
        .value("--run", "RUN_ID", "Show the commands of this run (as `runs RUN_ID`).")
        .flag("--json", "Print JSON.")
        .params("JOB_ID", 0, 1, "");
  }

  static int status(MasterClient client, Args.Parsed a) throws Exception {
    String id = a.param(0);
    boolean json = a.flag("--json");
    if (a.value("--run") != null) {
      if (id != null) { // the job was left out of the answer without a word
        throw new IllegalArgumentException("status shows one job or one run: give " + id
            + " or --run " + a.value("--run") + ", not both");
      }
      return PoolCommands.showRun(client, a.value("--run"), json);
    }
    Json answer = id == null ? client.get("/api/jobs?limit=50") : client.get("/api/jobs/" + MasterClient.segment(id));
    if (json) {
      ClientCommand.printJson(answer);
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
      if (answer.path("history").size() > 1) { // it ran again, or went back to the queue: why
        System.out.println("history:");
        for (Json h : answer.path("history")) {
          System.out.printf("  attempt %d on %s at %s: %s%n", h.path("attempt").asInt(),
              h.path("worker").asText("-"), h.path("startedAt").asText("-"),
              h.path("outcome").isNull() ? "running" : h.path("outcome").asText());
        }
      }
      printBlock("stdout", answer.path("stdout").asText());
      printBlock("stderr", answer.path("stderr").asText());
      if (answer.path("truncated").asBoolean()) {
        System.out.printf("%-12s %s%n", "truncated:", "yes: the worker kept the first part of each stream"
            + " (swamp.worker.max-output, 256 KiB by default); redirect the job's output to a file to keep it all");
      }
    } else {
      System.out.printf("%-10s %-10s %-5s %-16s %s%n", "ID", "STATE", "EXIT", "WORKER", "COMMAND");
      for (Json j : answer) {
        System.out.printf("%-10s %-10s %-5s %-16s %s%n", j.path("id").asText(),
            j.path("state").asText(), j.path("exitCode").isInt() ? j.path("exitCode").asText() : "-",
            j.path("worker").asText("-"), shortened(j.path("command").asText(), 200));
      }
    }
    return 0;
  }

  /** A command as a table's row shows it: at most {@code max} characters (the client keeps off swamp.protocol). */
  private static String shortened(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "...";
  }

  private static void printBlock(String name, String text) {
    if (!text.isEmpty()) {
      System.out.println(name + ":");
      System.out.print(text.endsWith("\n") ? text : text + "\n");
    }
  }

  static Args cancelArgs() {
    return new Args("cancel", "Cancel jobs: a queued one never runs, a running one is killed.")
        .value("--url", "URL", ClientCommand.URL_HELP)
        .value("--run", "RUN_ID", "Every unfinished job of this run (a script's, bin/swamp runs).")
        .value("--state", "STATE", "Only the jobs in this state: QUEUED or RUNNING.")
        .flag("--all", "Every unfinished job of the master (with --state: every one in it).")
        .params("JOB_ID...", 0, Integer.MAX_VALUE, "");
  }

  /**
   * One job by its id, as before, or many in one request: ids, a run's, a state's, or all
   * ({@code POST /api/jobs/cancel}).
   */
  static int cancel(MasterClient client, Args.Parsed a) throws Exception {
    List<String> ids = a.params();
    String run = a.value("--run");
    String state = a.value("--state");
    if (ids.isEmpty() && run == null && !a.flag("--all")) {
      System.err.println("swamp: name the jobs to cancel: JOB_ID..., --run RUN_ID or --all"
          + " (with --state QUEUED or RUNNING to narrow them)");
      return ClientCommand.EXIT_USAGE;
    }
    if (ids.size() == 1 && run == null && state == null) {
      String id = ids.get(0);
      Json job = client.delete("/api/jobs/" + MasterClient.segment(id));
      System.out.println(id + ": " + (job.path("state").asText().equals("CANCELLED")
          ? "cancelled" : "cancel requested; it is being killed"));
      return 0;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    if (!ids.isEmpty()) {
      body.put("ids", ids);
    }
    if (run != null) {
      body.put("run", run);
    }
    body.put("state", state == null ? List.of("QUEUED", "RUNNING") : List.of(state));
    Json done = client.post("/api/jobs/cancel", body);
    System.out.println(done.path("cancelled").asInt() + " queued job(s) cancelled, "
        + done.path("killing").asInt() + " running being killed"
        + (done.path("finished").asInt() > 0 ? ", " + done.path("finished").asInt()
            + " had already finished" : ""));
    List<String> unknown = new ArrayList<>();
    done.path("unknown").forEach(u -> unknown.add(u.asText()));
    if (!unknown.isEmpty()) {
      System.err.println("swamp: no job " + String.join(", ", unknown));
      return 1;
    }
    return 0;
  }
}
