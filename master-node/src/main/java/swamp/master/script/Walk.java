package swamp.master.script;

import java.util.Deque;
import java.util.List;
import java.util.Map;
import swamp.master.script.Ast.Node;
import swamp.master.script.Plan.Guard;

/**
 * What the parts of the {@link Planner}'s walk that live apart from it ({@link Pipelines}, {@link
 * SteeringBuiltins}, {@link JobDecisions}, {@link Loops}, {@link Substitutions}, {@link Captures})
 * ask of the walk where it stands.
 */
interface Walk {

  /** Walks {@code node} as one of the script's lines: {@code set -e} stops on its failure. */
  Status exec(Node node);

  /** Walks {@code node} as a test's part ({@code ! cmd}, {@code a && b}): set -e lets it fail. */
  default Status inCondition(Node node) {
    return inCondition(() -> exec(node));
  }

  /** Plans what {@code part} plans as a test's part: set -e lets it fail. */
  Status inCondition(java.util.function.Supplier<Status> part);

  /**
   * Plans what {@code part} plans as a shell of its own ({@code bash sub.sh}): a test around
   * its call does not hold its own {@code set -e}, as bash's does not reach into another process.
   */
  Status inShellOfItsOwn(java.util.function.Supplier<Status> part);

  /**
   * Walks {@code body} with {@code text} as the input its {@code read}s take lines from; in a
   * subshell when it is the last stage of a pipeline, as in bash.
   */
  Status readingFrom(String text, Node body, boolean subshell);

  /** Plans a job of {@code drafts} under the guards that hold here. */
  Status job(List<HereCommands.Draft> drafts, Map<String, String> prefix, int line);

  /** Where what a command substitution running now prints goes; null outside one. */
  StringBuilder captured();

  /** Where the walk stops until jobs planned so far have run, for what they printed or wrote. */
  Waits waits();

  /**
   * The text an input redirection gives ({@code done < list.txt}); of a file jobs write with a
   * text not known while planning, once they have run, where the walk can wait.
   */
  String inputText(Ast.Redirect r);

  /**
   * Prints bash's error for line {@code line}, "SCRIPT: line N: {@code error}", on standard error
   * as the command's {@code redirects} leave it ({@code cd "$d" 2>> err.log}): a job.
   */
  void shellError(String error, int line, List<Ast.Redirect> redirects);

  /** The jobs whose status decides whether the command walked now runs ({@code a && b}). */
  Deque<Guard> guards();

  /** {@code ! cmd}: 0 where {@code s} is not, else 1; of a job, known once it has run. */
  Status not(Status s, int line);

  /** Whether {@code set -e} stops the script on a failure here: it is on and no test holds it. */
  boolean stopsOnFailure();
}
