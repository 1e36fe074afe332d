package swamp.master.cli;

import java.io.PrintStream;
import java.util.stream.Collectors;
import swamp.master.script.Marks;
import swamp.master.script.Plan;
import swamp.master.script.Planning;
import swamp.master.script.Plan.Command;

/** {@code bin/swamp run --plan} and {@code --dot}: a plan as text or as a Graphviz graph. */
final class PlanPrinter {

  private PlanPrinter() {}

  /**
   * The plan; where it is made as the script runs ({@link Planning}), as far as the line whose
   * value a job prints, and then what it waits for there.
   */
  static void print(Planning planning, boolean dot, PrintStream out) {
    Plan plan = planning.plan();
    java.util.List<Integer> awaits = planning.awaits();
    int line = planning.line();
    planning.abandon(); // nothing runs: the walk does not go on
    if (dot) {
      out.println("digraph plan {");
      out.println("  rankdir=TB; node [shape=box, fontname=monospace];");
      for (Command c : plan.commands()) {
        out.printf("  c%d [label=\"%s\"];%n", c.step(), escape("line " + c.line() + ": " + c.text()));
        for (int d : c.dependsOn()) {
          boolean guard = c.guards().stream().anyMatch(g -> g.step() == d);
          out.printf("  c%d -> c%d%s;%n", d, c.step(), guard ? " [style=dashed]" : "");
        }
      }
      out.println("}");
      return;
    }
    for (Command c : plan.commands()) {
      String waits = c.dependsOn().isEmpty() ? "-" : c.dependsOn().stream()
          .map(d -> "#" + d + " (line " + plan.commands().get(d).line() + ")").collect(Collectors.joining(", "));
      out.printf("#%d line %d in %s%n    %s%n    waits for: %s%n", c.step(), c.line(), c.dir(), c.text(), waits);
      for (Plan.Guard g : c.guards()) {
        out.printf("    runs only if #%d %s%s%n", g.step(), g.onSuccess() ? "succeeds" : "fails",
            g.ifNotRun() ? " or does not run" : "");
      }
      if (!c.env().isEmpty()) {
        out.printf("    env: %s%n", c.env());
      }
      c.stages().stream().flatMap(s -> s.argv().stream()).map(Marks::whenThere).filter(w -> w != null)
          .forEach(w -> out.printf("    word %s%n", w)); // a glob's match that a job's status decides
      for (swamp.protocol.Stage s : c.stages()) {
        if (s.redirects() != null && s.redirects().stdinText() != null) {
          out.printf("    standard input (%d lines):%n", s.redirects().stdinText().lines().count());
          s.redirects().stdinText().lines().forEach(l -> out.printf("    | %s%n", l));
        }
      }
    }
    if (!awaits.isEmpty()) {
      out.printf("%d command(s) so far; line %d needs what %s print(s): the run plans the rest once %s run%n",
          plan.commands().size(), line, awaits.stream().map(d -> "#" + d).collect(Collectors.joining(" ")),
          awaits.size() == 1 ? "it has" : "they have");
      assumptions(plan, out, Integer.MAX_VALUE);
      return;
    }
    out.printf("%d command(s)%s%n", plan.commands().size(),
        plan.exitStatus() != 0 ? "; the script then exits " + plan.exitStatus() : "");
    assumptions(plan, out, Integer.MAX_VALUE);
  }

  /**
   * What the plan took for granted of files a job's status decides ({@link Plan#assumed}), the
   * first {@code most} of them.
   */
  static void assumptions(Plan plan, PrintStream out, int most) {
    if (plan.assumed().isEmpty()) {
      return;
    }
    out.println("swamp: a glob, test or ls while planning counted on files that a job's status decides;"
        + " where it goes the other way, this run differs from bash's:");
    plan.assumed().stream().limit(most).forEach(a -> out.println("  " + a));
    if (plan.assumed().size() > most) {
      out.printf("  and %d more (bin/swamp run --plan lists them all)%n", plan.assumed().size() - most);
    }
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
