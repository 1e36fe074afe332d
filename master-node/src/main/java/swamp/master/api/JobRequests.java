package swamp.master.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import swamp.master.dispatch.JobEvent;
import swamp.protocol.JobSpec;
import swamp.protocol.JobVariables;
import swamp.protocol.Redirects;
import swamp.protocol.Stage;

/**
 * Reads the jobs of a {@code POST /api/jobs} body: one job object or an array of them. Every
 * problem is named with the job it is in; a batch with any bad job is refused whole, so nothing
 * is half-accepted.
 */
public final class JobRequests {
  private JobRequests() {}

  static final List<String> FIELDS =
      List.of("argv", "env", "workDir", "requires", "slots", "timeout", "maxAttempts", "retries",
          "key", "redirects", "pipeline", "run", "step");

  static final List<String> STAGE_FIELDS = List.of("argv", "redirects");
  static final List<String> REDIRECT_FIELDS = List.of("stdin", "stdout", "stdoutAppend", "stderr",
      "stderrAppend", "stderrToStdout");

  static final int MAX_KEY = 256;

  /** Thrown with every problem found, in words. */
  static final class BadRequest extends Exception {
    BadRequest(String message) {
      super(message);
    }
  }

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
      throw new BadRequest("the request has no body; send a job object or an array of them");
    }
    List<JsonNode> nodes = new ArrayList<>();
    if (body.isArray()) {
      if (body.isEmpty()) {
        throw new BadRequest("the array of jobs is empty");
      }
      if (body.size() > maxBatch) {
        throw new BadRequest("a batch holds at most " + maxBatch + " jobs, not " + body.size());
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
      }
      p.forEach(s -> problems.add(where + s));
      specs.add(spec);
      if (problems.size() > 20) {
        break;
      }
    }
    if (!problems.isEmpty()) {
      throw new BadRequest(String.join("; ", problems));
    }
    return specs;
  }

  /**
   * The idempotency keys of a body that {@link #parse} accepted, one per job (null where a job
   * has none), or null when no job has one.
   */
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
    unknownFields(n, "", FIELDS, problems);
    JsonNode key = n.get("key");
    if (key != null && !key.isNull() && (!key.isTextual() || key.asText().isEmpty()
        || key.asText().length() > MAX_KEY)) {
      problems.add("key must be a non-empty string of at most " + MAX_KEY + " characters");
    }
    List<String> argv = strings(n, "argv", problems);
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
      if (w.isTextual()) {
        workDir = w.asText();
      } else {
        problems.add("workDir must be a string");
      }
    }
    List<String> requires = strings(n, "requires", problems);
    int slots = integer(n, "slots", 1, problems);
    int maxAttempts = integer(n, "maxAttempts", JobSpec.DEFAULT_MAX_ATTEMPTS, problems);
    int retries = integer(n, "retries", 0, problems);
    long timeoutMs = timeout(n.get("timeout"), problems);
    Redirects redirects = redirects(n.get("redirects"), "redirects", problems);
    List<Stage> pipeline = pipeline(n.get("pipeline"), problems);
    String run = null;
    JsonNode r = n.get("run");
    if (r != null && !r.isNull()) {
      if (r.isTextual()) {
        run = r.asText();
      } else {
        problems.add("run must be a run's id, a string such as \"r1\"");
      }
    }
    int step = integer(n, "step", -1, problems);
    if (run == null && n.hasNonNull("step")) {
      problems.add("step is given without run: a step is a command of a run");
    }
    if (run != null && !n.hasNonNull("step")) {
      problems.add("run is given without step: say which of the run's commands this job is");
    }
    return problems.isEmpty()
        ? new JobSpec(argv, env, workDir, requires, slots, timeoutMs, maxAttempts, retries,
            redirects, pipeline, run, step)
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
    unknownFields(r, field + ": ", REDIRECT_FIELDS, problems);
    Redirects redirects = new Redirects(path(r, field, "stdin", problems),
        path(r, field, "stdout", problems), flag(r, field, "stdoutAppend", problems),
        path(r, field, "stderr", problems), flag(r, field, "stderrAppend", problems),
        flag(r, field, "stderrToStdout", problems));
    return problems.size() > before || redirects.redirectsNothing() ? null : redirects;
  }

  private static String path(JsonNode r, String field, String name, List<String> problems) {
    JsonNode v = r.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      problems.add(field + "." + name + " must be a file's path, a string");
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
      problems.add(field + "." + name + " must be true or false, not " + v);
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
      unknownFields(stage, where + ": ", STAGE_FIELDS, problems);
      if (!stage.has("argv")) {
        problems.add(where + ".argv is missing: each stage needs a program to run");
      }
      List<String> argv = strings(stage, "argv", where + ".argv", problems);
      stages.add(new Stage(argv, redirects(stage.get("redirects"), where + ".redirects", problems)));
    }
    return stages;
  }

  // ---- runs ----

  /** A run as {@code POST /api/runs} gives it. */
  record NewRun(String name, String workDir, List<JobEvent.RunCommand> commands) {}

  static final List<String> RUN_FIELDS = List.of("name", "workDir", "commands");
  static final List<String> COMMAND_FIELDS = List.of("step", "line", "text", "argv", "dependsOn");
  static final int MAX_RUN_NAME = 1024;

  /**
   * Reads {@code {"name", "workDir", "commands": [{"step", "line", "text", "argv",
   * "dependsOn"}]}}: steps are 0, 1, 2... in order, and a command depends only on earlier ones.
   */
  static NewRun parseRun(JsonNode n, int maxCommands) throws BadRequest {
    List<String> problems = new ArrayList<>();
    if (n == null || !n.isObject()) {
      throw new BadRequest("a run must be a JSON object with \"name\", \"workDir\" and \"commands\"");
    }
    unknownFields(n, "", RUN_FIELDS, problems);
    String name = text(n, "name", problems);
    if (name == null || name.isBlank() || name.length() > MAX_RUN_NAME) {
      problems.add("name must be a non-empty string of at most " + MAX_RUN_NAME + " characters");
    }
    String workDir = text(n, "workDir", problems);
    if (workDir == null || !workDir.startsWith("/")) {
      problems.add("workDir must be an absolute path");
    }
    JsonNode c = n.get("commands");
    List<JobEvent.RunCommand> commands = new ArrayList<>();
    if (c == null || !c.isArray() || c.isEmpty()) {
      problems.add("commands must be a non-empty array of commands");
    } else if (c.size() > maxCommands) {
      problems.add("a run holds at most " + maxCommands + " commands, not " + c.size());
    } else {
      for (int i = 0; i < c.size() && problems.size() <= 20; i++) {
        JobEvent.RunCommand command = command(c.get(i), i, problems);
        if (command != null) {
          commands.add(command);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new BadRequest(String.join("; ", problems));
    }
    return new NewRun(name, workDir, commands);
  }

  private static JobEvent.RunCommand command(JsonNode c, int index, List<String> problems) {
    String where = "commands[" + index + "]";
    if (!c.isObject()) {
      problems.add(where + " must be an object with \"step\", \"line\", \"text\", \"argv\"");
      return null;
    }
    int before = problems.size();
    unknownFields(c, where + ": ", COMMAND_FIELDS, problems);
    int step = integer(c, "step", -1, problems);
    if (step != index) {
      problems.add(where + ".step must be " + index + ": steps are numbered 0, 1, 2... in order");
    }
    int line = integer(c, "line", 0, problems);
    if (line < 0) {
      problems.add(where + ".line must not be negative");
    }
    String text = text(c, "text", problems);
    if (text == null) {
      problems.add(where + ".text is missing: the command as the script writes it");
    } else if (text.length() > JobSpec.MAX_COMMAND_CHARS) {
      problems.add(where + ".text holds more than " + JobSpec.MAX_COMMAND_CHARS + " characters");
    }
    List<String> argv = strings(c, "argv", where + ".argv", problems);
    List<Integer> dependsOn = new ArrayList<>();
    JsonNode d = c.get("dependsOn");
    if (d != null && !d.isNull()) {
      if (!d.isArray()) {
        problems.add(where + ".dependsOn must be an array of earlier steps");
      } else {
        for (JsonNode s : d) {
          if (!s.isIntegralNumber() || s.asInt() < 0 || s.asInt() >= index) {
            problems.add(where + ".dependsOn holds " + s + ", not an earlier step (0 to "
                + (index - 1) + ")");
            break;
          }
          dependsOn.add(s.asInt());
        }
      }
    }
    return problems.size() > before ? null
        : new JobEvent.RunCommand(step, line, text, argv, dependsOn);
  }

  /** Names each field of {@code n} that is not one of {@code known}. */
  private static void unknownFields(JsonNode n, String where, List<String> known,
      List<String> problems) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        problems.add(where + "unknown field '" + f + "' (known: " + String.join(", ", known) + ")");
      }
    }
  }

  private static String text(JsonNode n, String field, List<String> problems) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      problems.add(field + " must be a string");
      return null;
    }
    return v.asText();
  }

  private static List<String> strings(JsonNode n, String field, List<String> problems) {
    return strings(n, field, field, problems);
  }

  private static List<String> strings(JsonNode n, String name, String field, List<String> problems) {
    JsonNode a = n.get(name);
    List<String> out = new ArrayList<>();
    if (a == null || a.isNull()) {
      return out;
    }
    if (!a.isArray()) {
      problems.add(field + " must be an array of strings");
      return out;
    }
    for (JsonNode s : a) {
      if (!s.isTextual()) {
        problems.add(field + " must be an array of strings, but holds " + s);
        return out;
      }
      out.add(s.asText());
    }
    return out;
  }

  private static int integer(JsonNode n, String field, int dflt, List<String> problems) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      problems.add(field + " must be a whole number, not " + v);
      return dflt;
    }
    return v.asInt();
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
      d = Duration.ofNanos((long) Math.min(Long.MAX_VALUE, v.asDouble() * 1e9));
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
