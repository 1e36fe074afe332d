package swamp.master.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import swamp.master.api.ApiReplies.BadRequest;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.JobVariables;
import swamp.protocol.Redirects;
import swamp.protocol.Stage;

/**
 * Reads the jobs of a {@code POST /api/jobs} body: one job object or an array of them. Every
 * problem is named with the job it is in; a batch with any bad job is refused whole, so nothing
 * is half-accepted. (A script's run, {@code POST /api/runs}, is {@link RunRequests}'.)
 */
public final class JobRequests {
  private JobRequests() {}

  static final List<String> FIELDS =
      List.of("argv", "env", "workDir", "requires", "slots", "timeout", "maxAttempts", "retries",
          "key", "redirects", "pipeline", "pipefail", "run", "step");

  static final List<String> STAGE_FIELDS = List.of("argv", "redirects");
  static final List<String> REDIRECT_FIELDS = List.of("stdin", "stdout", "stdoutAppend", "stderr",
      "stderrAppend", "stderrToStdout", "stdinText");

  static final int MAX_KEY = 256;

  static List<JobSpec> parse(JsonNode body, int maxBatch) throws BadRequest {
    return parse(body, maxBatch, List.of());
  }

  /**
   * The jobs of {@code body}; a job's env may set the protected variables ({@link JobVariables})
   * that {@code allowedVariables} names, and no other.
   */
  static List<JobSpec> parse(JsonNode body, int maxBatch, List<String> allowedVariables)
      throws BadRequest {
    if (body == null || body.isMissingNode() || body.isNull()) {
      throw new BadRequest(400, "the request has no body; send a job object or an array of them");
    }
    List<JsonNode> nodes = new ArrayList<>();
    if (body.isArray()) {
      if (body.isEmpty()) {
        throw new BadRequest(400, "the array of jobs is empty");
      }
      if (body.size() > maxBatch) {
        throw new BadRequest(400, "a batch holds at most " + maxBatch + " jobs, not " + body.size());
      }
      body.forEach(nodes::add);
    } else {
      nodes.add(body);
    }
    List<JobSpec> specs = new ArrayList<>(nodes.size());
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      String where = nodes.size() == 1 && !body.isArray() ? "" : "job " + i + ": ";
      List<String> p = new ArrayList<>();
      JobSpec spec = parseOne(nodes.get(i), p);
      if (spec != null) {
        p.addAll(spec.problems());
        p.addAll(JobVariables.refusals(spec.env().keySet(), allowedVariables));
        List<swamp.protocol.Stage> stages = spec.stages();
        for (int s = 0; s < stages.size(); s++) { // 'env LD_PRELOAD=x.so cmd' sets one too
          String field = s == 0 ? "argv" : "pipeline[" + (s - 1) + "].argv";
          JobVariables.refusals(swamp.worker.Executables.launcherAssignments(stages.get(s).argv()), allowedVariables)
              .forEach(r -> p.add(field + ": " + r));
        }
      }
      p.forEach(s -> problems.add(where + s));
      specs.add(spec);
      if (problems.size() > 20) {
        break;
      }
    }
    if (!problems.isEmpty()) {
      throw new BadRequest(400, String.join("; ", problems));
    }
    return specs;
  }

  /**
   * The idempotency keys of a body that {@link #parse} accepted, one per job (null where a job
   * has none), or null when no job has one.
   */
  static final List<String> CANCEL_FIELDS = List.of("ids", "run", "state");
  static final String CANCEL_FORM = "{\"ids\": [...], \"run\": \"r1\", \"state\": [\"QUEUED\", \"RUNNING\"]}"
      + " (one field at least; the jobs that match all that are given)";

  /** The jobs a cancel names: by id (null: any), of a run (null: any), in one of the states. */
  record Cancel(List<String> ids, String run, Set<JobState> states) {}

  /**
   * {@code POST /api/jobs/cancel}'s body, every mistake named at once: a state is QUEUED or
   * RUNNING (both when none is given), at most {@code maxBatch} ids.
   */
  static Cancel cancel(JsonNode body, int maxBatch) throws BadRequest {
    List<String> problems = new ArrayList<>();
    if (!body.isObject() || body.isEmpty()) {
      throw new BadRequest(400, "send " + CANCEL_FORM);
    }
    JsonFields.unknownFields(body, "", CANCEL_FIELDS, problems);
    List<String> ids = body.has("ids") ? JsonFields.strings(body, "ids", problems) : null;
    if (ids != null && problems.isEmpty() && (ids.isEmpty() || ids.size() > maxBatch)) {
      problems.add("ids must hold 1 to " + maxBatch + " job ids, not " + ids.size());
    }
    String run = JsonFields.text(body, "run", problems);
    Set<JobState> states = EnumSet.of(JobState.QUEUED, JobState.RUNNING);
    if (body.hasNonNull("state")) {
      int before = problems.size();
      JsonNode given = body.get("state");
      if (!given.isTextual() && !given.isArray()) {
        problems.add("state must be QUEUED, RUNNING or an array of them, not " + given);
      }
      List<String> named = given.isTextual() ? List.of(given.asText())
          : given.isArray() ? JsonFields.strings(body, "state", problems) : List.of();
      states.clear();
      for (String name : named) {
        try {
          JobState s = JobState.valueOf(name.strip().toUpperCase());
          if (s.isFinal()) {
            throw new IllegalArgumentException();
          }
          states.add(s);
        } catch (IllegalArgumentException e) {
          problems.add("state must be QUEUED or RUNNING (a job that ended has nothing to cancel), not '" + name + "'");
        }
      }
      if (named.isEmpty() && problems.size() == before) { // not also for a state of another type
        problems.add("state must name QUEUED, RUNNING or both");
      }
    }
    if (!problems.isEmpty()) {
      throw new BadRequest(400, String.join("; ", problems));
    }
    return new Cancel(ids, run, states);
  }

  static List<String> keys(JsonNode body) {
    List<String> keys = new ArrayList<>();
    boolean any = false;
    for (JsonNode n : body.isArray() ? body : List.of(body)) {
      JsonNode k = n.get("key");
      String key = k == null || k.isNull() ? null : k.asText();
      any |= key != null;
      keys.add(key);
    }
    return any ? keys : null;
  }

  private static JobSpec parseOne(JsonNode n, List<String> problems) {
    if (!n.isObject()) {
      problems.add("a job must be a JSON object with at least \"argv\"");
      return null;
    }
    JsonFields.unknownFields(n, "", FIELDS, problems);
    JsonNode key = n.get("key");
    if (key != null && !key.isNull() && (!key.isTextual() || key.asText().isEmpty()
        || key.asText().length() > MAX_KEY)) {
      problems.add("key must be a non-empty string of at most " + MAX_KEY + " characters");
    }
    List<String> argv = JsonFields.strings(n, "argv", problems);
    if (!n.has("argv")) {
      problems.add("argv is missing: a job needs a program to run");
    }
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode e = n.get("env");
    if (e != null && !e.isNull()) {
      if (!e.isObject()) {
        problems.add("env must be an object of strings");
      } else {
        e.fields().forEachRemaining(f -> {
          if (f.getValue().isTextual()) {
            env.put(f.getKey(), f.getValue().asText());
          } else {
            problems.add("env value of '" + f.getKey() + "' must be a string");
          }
        });
      }
    }
    String workDir = null;
    JsonNode w = n.get("workDir");
    if (w != null && !w.isNull()) {
      if (w.isTextual() && w.asText().startsWith("/")) {
        workDir = w.asText();
      } else if (w.isTextual()) { // a worker's own directory would be a guess
        problems.add("workDir must be an absolute path, not '" + w.asText() + "'");
      } else {
        problems.add("workDir must be a string");
      }
    }
    List<String> requires = JsonFields.strings(n, "requires", problems);
    int slots = JsonFields.integer(n, "slots", 1, problems);
    int maxAttempts = JsonFields.integer(n, "maxAttempts", JobSpec.DEFAULT_MAX_ATTEMPTS, problems);
    int retries = JsonFields.integer(n, "retries", 0, problems);
    long timeoutMs = timeout(n.get("timeout"), problems);
    Redirects redirects = redirects(n.get("redirects"), "redirects", problems);
    List<Stage> pipeline = pipeline(n.get("pipeline"), problems);
    boolean pipefail = flag(n, "", "pipefail", problems);
    String run = null;
    JsonNode r = n.get("run");
    if (r != null && !r.isNull()) {
      if (r.isTextual()) {
        run = r.asText();
      } else {
        problems.add("run must be a run's id, a string such as \"r1\"");
      }
    }
    int step = JsonFields.integer(n, "step", -1, problems);
    if (run == null && n.hasNonNull("step")) {
      problems.add("step is given without run: a step is a command of a run");
    }
    if (run != null && !n.hasNonNull("step")) {
      problems.add("run is given without step: say which of the run's commands this job is");
    }
    return problems.isEmpty()
        ? new JobSpec(argv, env, workDir, requires, slots, timeoutMs, maxAttempts, retries,
            redirects, pipeline, pipefail, run, step)
        : null;
  }

  /** {@code {"stdin": ..., "stdout": ..., "stdoutAppend": bool, ...}}; null when absent. */
  static Redirects redirects(JsonNode r, String field, List<String> problems) {
    if (r == null || r.isNull()) {
      return null;
    }
    if (!r.isObject()) {
      problems.add(field + " must be an object with some of " + String.join(", ", REDIRECT_FIELDS));
      return null;
    }
    int before = problems.size();
    JsonFields.unknownFields(r, field + ": ", REDIRECT_FIELDS, problems);
    Redirects redirects = new Redirects(path(r, field, "stdin", problems),
        path(r, field, "stdout", problems), flag(r, field, "stdoutAppend", problems),
        path(r, field, "stderr", problems), flag(r, field, "stderrAppend", problems),
        flag(r, field, "stderrToStdout", problems), string(r, field, "stdinText",
            "the text standard input reads", problems));
    return problems.size() > before || redirects.redirectsNothing() ? null : redirects;
  }

  private static String path(JsonNode r, String field, String name, List<String> problems) {
    return string(r, field, name, "a file's path", problems);
  }

  /** The string {@code name} of {@code r}, null when absent; else a problem saying it is {@code what}. */
  private static String string(JsonNode r, String field, String name, String what,
      List<String> problems) {
    JsonNode v = r.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      problems.add(field + "." + name + " must be " + what + ", a string");
      return null;
    }
    return v.asText();
  }

  private static boolean flag(JsonNode r, String field, String name, List<String> problems) {
    JsonNode v = r.get(name);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      problems.add((field.isEmpty() ? "" : field + ".") + name + " must be true or false, not " + v);
      return false;
    }
    return v.asBoolean();
  }

  /** {@code [{"argv": [...], "redirects": {...}}, ...]}: the stages after the job's argv. */
  private static List<Stage> pipeline(JsonNode p, List<String> problems) {
    List<Stage> stages = new ArrayList<>();
    if (p == null || p.isNull()) {
      return stages;
    }
    if (!p.isArray()) {
      problems.add("pipeline must be an array of stages, each {\"argv\": [...], \"redirects\": {...}}");
      return stages;
    }
    for (int i = 0; i < p.size(); i++) {
      JsonNode stage = p.get(i);
      String where = "pipeline[" + i + "]";
      if (!stage.isObject()) {
        problems.add(where + " must be an object with \"argv\"");
        continue;
      }
      JsonFields.unknownFields(stage, where + ": ", STAGE_FIELDS, problems);
      if (!stage.has("argv")) {
        problems.add(where + ".argv is missing: each stage needs a program to run");
      }
      List<String> argv = JsonFields.strings(stage, "argv", where + ".argv", problems);
      stages.add(new Stage(argv, redirects(stage.get("redirects"), where + ".redirects", problems)));
    }
    return stages;
  }

  /** The longest timeout a job may have; the shortest but none is {@link #MIN_TIMEOUT}. */
  static final Duration MAX_TIMEOUT = Duration.ofDays(30);
  static final Duration MIN_TIMEOUT = Duration.ofMillis(1);

  /**
   * A timeout is a duration string ("90s", "2h") or a number of seconds (30 or "30"); 0 is none.
   * One below 1ms is refused rather than rounded to none, and so is one over 30 days.
   */
  private static long timeout(JsonNode v, List<String> problems) {
    if (v == null || v.isNull()) {
      return 0;
    }
    Duration d;
    if (v.isNumber()) {
      d = swamp.client.Durations.ofSeconds(v.decimalValue().max(java.math.BigDecimal.ZERO));
    } else if (v.isTextual()) {
      try {
        d = parseDuration(v.asText());
      } catch (IllegalArgumentException ex) {
        problems.add("timeout: " + ex.getMessage());
        return 0;
      }
    } else {
      problems.add("timeout must be a duration such as \"90s\" or a number of seconds");
      return 0;
    }
    if (d.isNegative() || (v.isNumber() && v.asDouble() < 0)) {
      problems.add("timeout must not be negative");
      return 0;
    }
    if (!d.isZero() && d.compareTo(MIN_TIMEOUT) < 0) {
      problems.add("timeout " + v.asText() + " is shorter than 1ms; give 0 for no timeout");
      return 0;
    }
    if (d.compareTo(MAX_TIMEOUT) > 0) {
      problems.add("timeout " + v.asText() + " is longer than the maximum, 30d");
      return 0;
    }
    return d.toMillis();
  }

  /** A duration as the API and the command line write it: {@link swamp.client.Durations#parse}. */
  static Duration parseDuration(String text) {
    return swamp.client.Durations.parse(text);
  }
}
