package swamp.master.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import swamp.master.api.ApiReplies.BadRequest;
import swamp.master.dispatch.JobEvent;
import swamp.protocol.JobSpec;

/**
 * Reads the body of a {@code POST /api/runs}: a script's run, as {@code bin/swamp run} registers
 * it before it submits its commands (each then a job of {@link JobRequests} naming the run and
 * its step). Every problem is named with the command it is in; nothing is half-accepted.
 */
final class RunRequests {
  private RunRequests() {}

  /** A run as {@code POST /api/runs} gives it. */
  record NewRun(String name, String workDir, List<JobEvent.RunCommand> commands) {}

  static final List<String> RUN_FIELDS = List.of("name", "workDir", "commands");
  static final List<String> COMMAND_FIELDS = List.of("step", "line", "text", "argv", "dependsOn");
  static final int MAX_RUN_NAME = 1024;

  /**
   * Reads {@code {"name", "workDir", "commands": [{"step", "line", "text", "argv",
   * "dependsOn"}]}}: steps are 0, 1, 2... in order, and a command depends only on earlier ones.
   */
  static NewRun parse(JsonNode n, int maxCommands) throws BadRequest {
    List<String> problems = new ArrayList<>();
    if (n == null || !n.isObject()) {
      throw new BadRequest(400, "a run must be a JSON object with \"name\", \"workDir\" and \"commands\"");
    }
    JsonFields.unknownFields(n, "", RUN_FIELDS, problems);
    // a field of another type is named so by JsonFields, once
    String name = JsonFields.text(n, "name", problems);
    if (name == null ? !n.hasNonNull("name") : name.isBlank() || name.length() > MAX_RUN_NAME) {
      problems.add("name must be a non-empty string of at most " + MAX_RUN_NAME + " characters");
    }
    String workDir = JsonFields.text(n, "workDir", problems);
    if (workDir == null ? !n.hasNonNull("workDir") : !workDir.startsWith("/")) {
      problems.add("workDir must be an absolute path");
    } else if (workDir != null && workDir.indexOf('\0') >= 0) { // its jobs would name it, and fail on their worker
      problems.add("workDir holds a NUL character");
    }
    JsonNode c = n.get("commands");
    List<JobEvent.RunCommand> commands = new ArrayList<>();
    if (c == null || !c.isArray() || c.isEmpty()) {
      problems.add("commands must be a non-empty array of commands");
    } else if (c.size() > maxCommands) {
      problems.add("a run holds at most " + maxCommands + " commands, not " + c.size());
    } else {
      for (int i = 0; i < c.size() && problems.size() <= 20; i++) {
        JobEvent.RunCommand command = command(c.get(i), i, i, problems);
        if (command != null) {
          commands.add(command);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new BadRequest(400, String.join("; ", problems));
    }
    return new NewRun(name, workDir, commands);
  }

  /**
   * Reads the body of a {@code POST /api/runs/ID/not-run}: {@code {"steps": [3, 5]}}, the steps
   * of the run its client decided not to run, at most {@code max}.
   */
  static List<Integer> notRun(JsonNode n, int max) throws BadRequest {
    List<String> problems = new ArrayList<>();
    if (n == null || !n.isObject()) {
      throw new BadRequest(400, "send {\"steps\": [...]}: the steps of the run that do not run");
    }
    JsonFields.unknownFields(n, "", List.of("steps"), problems);
    JsonNode s = n.get("steps");
    List<Integer> steps = new ArrayList<>();
    if (s == null || !s.isArray() || s.isEmpty() || s.size() > max) {
      problems.add("steps must be an array of 1 to " + max + " steps");
    } else {
      for (JsonNode step : s) {
        if (!step.isIntegralNumber() || !step.canConvertToInt() || step.asInt() < 0) {
          problems.add("steps holds " + step + ", not a step (0, 1, 2...)");
          break;
        }
        steps.add(step.asInt());
      }
    }
    if (!problems.isEmpty()) {
      throw new BadRequest(400, String.join("; ", problems));
    }
    return steps;
  }

  /**
   * Reads the body of a {@code POST /api/runs/ID/steps}: {@code {"commands": [...]}}, commands
   * as {@link #parse} reads them, planned after the run was registered; their steps follow on
   * from the first one's, in order, and each depends only on earlier steps.
   */
  static List<JobEvent.RunCommand> added(JsonNode n, int maxCommands) throws BadRequest {
    List<String> problems = new ArrayList<>();
    if (n == null || !n.isObject()) {
      throw new BadRequest(400, "send {\"commands\": [...]}: the commands added to the run");
    }
    JsonFields.unknownFields(n, "", List.of("commands"), problems);
    JsonNode c = n.get("commands");
    List<JobEvent.RunCommand> commands = new ArrayList<>();
    if (c == null || !c.isArray() || c.isEmpty() || c.size() > maxCommands) {
      problems.add("commands must be an array of 1 to " + maxCommands + " commands");
    } else {
      JsonNode firstStep = c.get(0).isObject() ? c.get(0).get("step") : null;
      int first = firstStep != null && firstStep.canConvertToInt() && firstStep.asInt() >= 0 ? firstStep.asInt() : 0;
      for (int i = 0; i < c.size() && problems.size() <= 20; i++) {
        JobEvent.RunCommand command = command(c.get(i), i, first + i, problems);
        if (command != null) {
          commands.add(command);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new BadRequest(400, String.join("; ", problems));
    }
    return commands;
  }

  /** Command {@code index} of a request, which must be step {@code expected} of its run. */
  private static JobEvent.RunCommand command(JsonNode c, int index, int expected, List<String> problems) {
    String where = "commands[" + index + "]";
    if (!c.isObject()) {
      problems.add(where + " must be an object with \"step\", \"line\", \"text\", \"argv\"");
      return null;
    }
    int before = problems.size();
    JsonFields.unknownFields(c, where + ": ", COMMAND_FIELDS, problems);
    int stepProblems = problems.size();
    int step = JsonFields.integer(c, "step", where + ".step", -1, problems);
    if (step != expected && problems.size() == stepProblems) {
      problems.add(where + ".step must be " + expected + ": steps are numbered 0, 1, 2... in order");
    }
    int line = JsonFields.integer(c, "line", where + ".line", 0, problems);
    if (line < 0) {
      problems.add(where + ".line must not be negative");
    }
    String text = JsonFields.text(c, "text", where + ".text", problems);
    if (text == null && !c.hasNonNull("text")) { // one of another type is named so already
      problems.add(where + ".text is missing: the command as the script writes it");
    } else if (text != null && text.length() > JobSpec.MAX_COMMAND_CHARS) {
      problems.add(where + ".text holds more than " + JobSpec.MAX_COMMAND_CHARS + " characters");
    }
    List<String> argv = JsonFields.strings(c, "argv", where + ".argv", problems);
    List<Integer> dependsOn = new ArrayList<>();
    JsonNode d = c.get("dependsOn");
    if (d != null && !d.isNull()) {
      if (!d.isArray()) {
        problems.add(where + ".dependsOn must be an array of earlier steps");
      } else {
        for (JsonNode s : d) {
          if (!s.isIntegralNumber() || s.asInt() < 0 || s.asInt() >= expected) {
            problems.add(where + ".dependsOn holds " + s + ", not an earlier step ("
                + (expected == 0 ? "step 0 has none" : "0 to " + (expected - 1)) + ")");
            break;
          }
          dependsOn.add(s.asInt());
        }
      }
    }
    return problems.size() > before ? null
        : new JobEvent.RunCommand(step, line, text, argv, dependsOn);
  }
}
