package swamp.master.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import swamp.client.ClientCommand;
import swamp.client.Json;
import swamp.client.MasterClient;
import swamp.client.MasterOutage;
import swamp.master.script.Plan;
import swamp.master.script.Plan.Command;
import swamp.node.HumanDuration;

/**
 * A run's conversation with its master, for {@link ScriptRun}: it registers the run, submits its
 * commands' jobs, follows the jobs that ended, and tells the steps decided not to run. A master
 * that stops answering after the run was registered (a restart, a standby taking over) is waited
 * for, up to a limit: it journals the run and its jobs, and a submission sent again is the same
 * jobs, as each carries its step's key.
 */
final class RunLink {

  /** The most job ids one cancel request names. */
  private static final int CANCEL_AT_ONCE = 10_000;

  /** The most steps told as not run in one request, well within the master's limit of a batch. */
  static final int NOT_RUN_AT_ONCE = 10_000;

  private final MasterClient client;
  private final Consumer<String> note;
  /** Whether the master is a pool's, whose jobs outlive this process (not the one inside it). */
  private final boolean poolsMaster;
  /** A master that stops answering is waited for, up to --wait-for-master. */
  private final MasterOutage outage;

  /** The run's id with the master; null where it keeps no runs. */
  private String runId;
  /** Whether the master keeps the run's log of ended jobs, and where in it this run stands. */
  private boolean followRun = true;
  private String cursor;
  /** Whether the master takes the steps not run (an older one does not). */
  private volatile boolean takesNotRun = true;

  /**
   * @param waitForMaster how long to wait for a master that stops answering; zero: not at all
   * @param stopping whether the run is stopping, when no call is tried again
   * @param note where the run's own lines go
   */
  RunLink(MasterClient client, Duration waitForMaster, BooleanSupplier stopping, Consumer<String> note) {
    this.client = client;
    this.note = note;
    this.poolsMaster = !waitForMaster.isZero();
    this.outage = new MasterOutage(waitForMaster, HumanDuration.of(waitForMaster), "the run's jobs",
        "; the run goes on", stopping, note).setBy("--wait-for-master");
  }

  String runId() {
    return runId;
  }

  /**
   * Registers the run so that the master's API and dashboard show it. Where nothing listens at
   * the master's URL that is an error here, before anything was submitted; a master that is there
   * but cannot answer now (a standby taking over answers 503, the active master it sent the run
   * to died) is waited for as later calls are: a run not registered would submit its jobs
   * without the keys that make a batch sent again after a lost answer the same jobs. One that
   * keeps no runs runs the jobs all the same.
   */
  void register(String name, Plan plan) throws MasterClient.ApiException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("workDir", plan.commands().get(0).dir());
    body.put("commands", commands(plan.commands()));
    try {
      try {
        runId = client.post("/api/runs", body).path("id").asText(null);
      } catch (MasterClient.ApiException e) {
        if (!MasterOutage.away(e) || (e.status() == 0 && !client.answers())) {
          throw e;
        }
        runId = withMaster(() -> client.post("/api/runs", body)).path("id").asText(null);
      }
    } catch (MasterClient.ApiException e) {
      // no answer, or the token refused (each job would be refused as the run was): an error
      // here, not 'running it anyway' followed by the same error
      if (e.status() == 0 || e.status() == 401 || e.status() == 403) {
        throw e;
      }
      if (e.status() != 404 && e.status() != 405) { // else a master without runs
        note.accept("swamp: the master did not record the run (" + e.getMessage() + "); running it anyway");
      }
    }
  }

  /** The commands of a run as the master takes them. */
  private static List<Map<String, Object>> commands(List<Command> planned) {
    List<Map<String, Object>> commands = new ArrayList<>();
    for (Command c : planned) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("step", c.step());
      m.put("line", c.line());
      m.put("text", c.text());
      m.put("argv", c.argv());
      m.put("dependsOn", c.dependsOn());
      commands.add(m);
    }
    return commands;
  }

  /**
   * Adds to the run the commands planned since it was registered, where the script is planned as
   * it runs ({@link swamp.master.script.Planning}). A master that does not take them (an older
   * one) keeps the run as registered, and the rest of the script runs as jobs of no run.
   */
  void addSteps(List<Command> added) throws MasterClient.ApiException {
    if (added.isEmpty() || runId == null) {
      return;
    }
    try {
      withMaster(() -> client.post("/api/runs/" + runId + "/steps", Map.of("commands", commands(added))));
    } catch (MasterClient.ApiException e) {
      if (e.status() != 404 && e.status() != 405) {
        throw e;
      }
      note.accept("swamp: the master did not add the commands planned as the script ran to run " + runId + " ("
          + e.getMessage() + "); they run as jobs of no run");
      runId = null;
      followRun = false;
    }
  }

  /** Submits the jobs of {@code steps}, in order; answers their ids. */
  List<String> submit(List<Map<String, Object>> jobs, List<Integer> steps) throws MasterClient.ApiException {
    if (runId != null) {
      for (int k = 0; k < jobs.size(); k++) {
        jobs.get(k).put("run", runId);
        jobs.get(k).put("step", steps.get(k));
        jobs.get(k).put("key", runId + ":" + steps.get(k)); // sent again after a lost answer, the same job
      }
    }
    Json answer = withMaster(() -> client.post("/api/jobs", jobs));
    List<String> ids = new ArrayList<>(jobs.size());
    answer.forEach(j -> ids.add(j.path("id").asText()));
    return ids;
  }

  /**
   * The next of {@code jobs} to end, once one has, and any others that ended with it (and some
   * the run heard of before, after a restart of the master). The run's log of ended jobs is
   * followed from where the last answer left it, so that a call costs the master what ended
   * since, not the thousands of jobs still running; a master without that log (older, or one
   * that no longer keeps the run) is asked about the jobs by their ids.
   */
  List<Json> awaitEnded(Collection<String> jobs) throws MasterClient.ApiException {
    String wait = ClientCommand.LONG_POLL.toSeconds() + "s";
    if (runId != null && followRun) {
      try {
        String after = cursor == null ? "" : "&after=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
        Json answer = withMaster(() -> client.get("/api/runs/" + runId + "/ended?wait=" + wait + after,
            ClientCommand.LONG_POLL));
        cursor = answer.path("next").asText(cursor);
        List<Json> ended = new ArrayList<>();
        answer.path("ended").forEach(ended::add);
        return ended;
      } catch (MasterClient.ApiException e) {
        if (e.status() != 404 && e.status() != 405) {
          throw e;
        }
        followRun = false;
      }
    }
    List<Json> ended = new ArrayList<>();
    Map<String, Object> await = Map.of("ids", List.copyOf(jobs), "wait", wait);
    withMaster(() -> client.post("/api/jobs/await", await)).forEach(ended::add);
    return ended;
  }

  /**
   * Tells the master the steps decided not to run, so that its dashboard and {@code swamp runs}
   * show them as not run rather than waiting. A master that will not take them is told no more:
   * the run goes on, only what the master shows of those steps is wrong.
   */
  void notRun(List<Integer> steps) {
    if (steps.isEmpty() || runId == null || !takesNotRun) {
      return;
    }
    try {
      for (int from = 0; from < steps.size(); from += NOT_RUN_AT_ONCE) {
        Map<String, Object> body = Map.of("steps", List.copyOf(steps.subList(from,
            Math.min(steps.size(), from + NOT_RUN_AT_ONCE))));
        withMaster(() -> client.post("/api/runs/" + runId + "/not-run", body));
      }
    } catch (MasterClient.ApiException e) {
      takesNotRun = false;
      if (e.status() != 404 && e.status() != 405) {
        note.accept("swamp: the master did not record the commands not run (" + e.getMessage()
            + "); they show as waiting there");
      }
    }
  }

  /**
   * As the run stops: cancels {@code jobs} and tells the master that {@code neverStarted} did
   * not run, each tried once (the master may be gone).
   */
  void stop(Collection<String> jobs, List<Integer> neverStarted) {
    List<String> ids = List.copyOf(jobs);
    for (int from = 0; from < ids.size(); from += CANCEL_AT_ONCE) { // one request, not one a job
      try {
        client.post("/api/jobs/cancel", Map.of("ids",
            ids.subList(from, Math.min(ids.size(), from + CANCEL_AT_ONCE))));
      } catch (MasterClient.ApiException e) {
        // the master is gone (the one in this process stops with it); a pool's keeps the jobs in
        // its journal and runs them once it is back: the run said it was cancelling them
        if (poolsMaster) {
          note.accept("swamp: the cancel did not reach the master (" + e.getMessage() + "); the "
              + (ids.size() - from) + " job(s) go on there once it answers: bin/swamp cancel "
              + (runId != null ? "--run " + runId : String.join(" ", ids.subList(from, ids.size()))));
        }
        break;
      }
    }
    if (runId != null && takesNotRun && !neverStarted.isEmpty() && neverStarted.size() <= NOT_RUN_AT_ONCE) {
      try {
        client.post("/api/runs/" + runId + "/not-run", Map.of("steps", neverStarted));
      } catch (MasterClient.ApiException | RuntimeException e) {
        // the master is gone, or the run submitted one meanwhile: they stay waiting there
      }
    }
  }

  /**
   * {@code call}, again while the master does not answer, for up to --wait-for-master
   * ({@link MasterOutage}).
   */
  private Json withMaster(MasterOutage.Call call) throws MasterClient.ApiException {
    return outage.call(call, ". The run's jobs already submitted go on"
        + (runId == null ? "" : ": bin/swamp runs " + runId));
  }
}
