package swamp.master.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import swamp.client.Json;
import swamp.master.script.Plan;
import swamp.master.script.Plan.Command;

/**
 * What a user sees of a script that {@link ScriptRun} runs. What the commands printed comes out
 * as bash would have printed it: on standard output (and error), each command's after every
 * earlier one's, once those have ended. swamp's own lines go to standard error: on a terminal
 * one live line shows the progress, otherwise one line per command; a failed command's errors
 * come at once under its line.
 */
final class RunConsole {

  /** The counts the live line shows. */
  record Progress(int done, int running, int failed) {}

  private final PrintStream out;
  private final PrintStream err;
  private final boolean live;
  private final String name;
  /** The plan as far as it is made ({@link swamp.master.script.Planning}). */
  private final Supplier<Plan> plan;
  private final Supplier<Progress> progress;
  private final long startNanos = System.nanoTime();
  /** Jobs that ended, by step, until what they printed is written in the script's order. */
  private final TreeMap<Integer, Json> toPrint = new TreeMap<>();
  /** The first step whose output is not written yet. */
  private int printed;
  /** Commands after the step where the run stopped that had run in parallel and printed something. */
  private int unprinted;
  /** Commands after the step where the run stopped that had run in parallel, and what they wrote. */
  private int ranAhead;
  private final Set<String> wroteAhead = new TreeSet<>();

  RunConsole(PrintStream out, PrintStream err, String name, Supplier<Plan> plan, Supplier<Progress> progress) {
    this.out = out;
    this.err = err;
    this.name = name;
    this.plan = plan;
    this.progress = progress;
    this.live = System.console() != null && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
  }

  /** Seconds since the run started. */
  double elapsed() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /**
   * Writes what the commands printed, in the plan's order, as far as {@code ended} steps reach;
   * a step bash did not reach (after a stop by set -e or an exit point, in a subshell after its
   * exit) may have run in parallel, and what it printed is held back.
   */
  void printInOrder(IntPredicate ended, IntPredicate notReached) {
    Plan plan = this.plan.get();
    int total = plan.commands().size();
    while (printed < total && ended.test(printed)) {
      Json job = toPrint.remove(printed++);
      if (job == null) {
        continue;
      }
      Command c = plan.commands().get(printed - 1);
      if (notReached.test(printed - 1)) {
        unprinted += job.path("stdout").asText().isEmpty() && job.path("stderr").asText().isEmpty() ? 0 : 1;
        if (job.hasNonNull("startedAt")) { // it ran, not cancelled before it started
          ranAhead++;
          boolean succeeded = job.path("state").asText().equals("SUCCEEDED"); // NCO writes only then
          c.writes().stream().filter(f -> succeeded || Files.exists(Path.of(f))).forEach(wroteAhead::add);
        }
        continue;
      }
      // a command substitution's output is in the words of the command it was in, not printed
      // (but what it sends to the script's errors, 'echo ... >&2', is; its '2>&1' errors are in the words)
      boolean substitution = plan.isSubstitution(c.step());
      String stdout = substitution && !c.outputIsErrors() ? "" : job.path("stdout").asText();
      String stderr = substitution && c.errorsAreOutput() ? ""
          : job.path("state").asText().equals("SUCCEEDED") || c.errorsAreOutput()
          ? job.path("stderr").asText() : ""; // a failed command's came under its line
      if (!stdout.isEmpty() || !stderr.isEmpty()) {
        clearLive();
        PrintStream output = c.outputIsErrors() ? err : out;
        output.print(stdout);
        output.flush();
        PrintStream errors = c.errorsAreOutput() ? out : err;
        errors.print(stderr);
        errors.flush();
      }
      if (job.path("truncated").asBoolean()) {
        say(String.format("[line %d] %s: what it printed was cut to its first part (the worker's"
            + " swamp.worker.max-output); send it to a file ('> out.txt') to keep it all", c.line(), c.text()));
      }
    }
  }

  /** After the run: says what was held back, and the summary. */
  void end(int stopStep, String summary) {
    if (ranAhead > 0) {
      Path here = Path.of("").toAbsolutePath();
      List<String> files = wroteAhead.stream()
          .map(f -> Path.of(f).startsWith(here) ? here.relativize(Path.of(f)).toString() : f).toList();
      say((stopStep >= 0 ? String.format("%d command(s) after line %d had run in parallel before it stopped the run",
          ranAhead, plan.get().commands().get(stopStep).line())
          : ranAhead + " command(s) after an exit from a subshell had run in parallel before it")
          + ", where bash would not have run them"
          + (unprinted > 0 ? "; what they printed is not shown" : "")
          + (files.isEmpty() ? "" : "; they wrote what bash would not have: " + String.join(" ", files)));
    }
    clearLive();
    err.println(summary);
  }

  /** A command that ended: kept to be printed in order, and its line (see the class). */
  void report(Command c, Json job, boolean ok) {
    toPrint.put(c.step(), job);
    if (live && ok) {
      return;
    }
    StringBuilder head = new StringBuilder();
    head.append(String.format("[line %d] %s%n    %s", c.line(), c.text(), job.path("state").asText()));
    if (job.path("exitCode").isInt()) {
      head.append(" (exit ").append(job.path("exitCode").asInt()).append(")");
    }
    head.append(" on ").append(job.path("worker").asText("?")).append(", job ").append(job.path("id").asText());
    if (!job.path("reason").isNull() && !ok) {
      head.append(": ").append(job.path("reason").asText());
    }
    say(head.toString());
    if (!ok && !c.errorsAreOutput()) {
      indent(job.path("stderr").asText());
    }
  }

  /** A line of swamp's own, then the live line again. */
  void say(String text) {
    clearLive();
    err.println(text);
    progress();
  }

  /** A line of swamp's own that the live line does not follow ({@code set -x}, a stop). */
  void note(String text) {
    clearLive();
    err.println(text);
  }

  private void indent(String text) {
    if (!text.isEmpty()) {
      clearLive();
      for (String l : text.split("\n", -1)) {
        if (!l.isEmpty()) {
          err.println("    | " + l);
        }
      }
    }
  }

  private void clearLive() {
    if (live) {
      err.print("\r\033[K");
      err.flush();
    }
  }

  /** The live line: done / running / queued / failed, elapsed and an estimate of what is left. */
  void progress() {
    if (!live) {
      return;
    }
    Progress p = progress.get();
    int total = plan.get().commands().size();
    double elapsed = elapsed();
    String left = p.done() > 0 && p.done() < total
        ? String.format(", ~%.0f s left", elapsed / p.done() * (total - p.done())) : "";
    err.printf("\r\033[K%s: %d/%d done, %d running, %d waiting, %d failed; %.0f s%s", name, p.done(),
        total, p.running(), total - p.done() - p.running(), p.failed(), elapsed, left);
    err.flush();
  }
}
