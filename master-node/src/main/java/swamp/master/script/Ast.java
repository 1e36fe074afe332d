package swamp.master.script;

import java.util.List;

/**
 * The syntax tree of a script, as {@link ShellParser} reads it. Words keep their raw text (quotes,
 * {@code $}-expansions and all): {@link Planner} expands them when it reaches them, as bash does.
 */
final class Ast {

  private Ast() {}

  /** A node that runs; {@code line} is the 1-based line where it starts. */
  sealed interface Node permits Simple, Pipeline, AndOr, Sequence, If, For, ArithFor, Loop,
      Case, FunctionDef, Group, Subshell, Background, Arith, Conditional, ReadFrom, WriteTo {
    int line();
  }

  /** A word as written: quotes and expansions still in it. */
  record Word(String raw, int line) {
    @Override
    public String toString() {
      return raw;
    }
  }

  /**
   * One redirection. {@code op} is one of {@code < > >> &> &>> >&}; for {@code >&} the target
   * is a file descriptor ({@code 2>&1}). A here-document is {@code <<} (its text, the target,
   * to be expanded) or {@code <<'} (its text as written); a here-string is {@code <<<}.
   */
  record Redirect(int fd, String op, Word target, int line) {}

  /** Words (leading assignments included) and redirections. */
  record Simple(List<Word> words, List<Redirect> redirects, int line) implements Node {}

  record Pipeline(List<Node> stages, boolean negated, int line) implements Node {}

  /** {@code first op1 rest1 op2 rest2 ...}, each op {@code &&} or {@code ||}. */
  record AndOr(Node first, List<String> ops, List<Node> rest, int line) implements Node {}

  /**
   * Commands one after another; {@code joined}: those of {@code items} (by index) that follow the
   * one before on its line, after {@code ;} or {@code &}, so that bash reads them as one command
   * (and an error that abandons one abandons the rest of the line).
   */
  record Sequence(List<Node> items, int line, java.util.Set<Integer> joined) implements Node {
    Sequence(List<Node> items, int line) {
      this(items, line, java.util.Set.of());
    }

    /** The items in bash's complete commands: those a newline separates. */
    List<List<Node>> commands() {
      List<List<Node>> commands = new java.util.ArrayList<>();
      for (int k = 0; k < items.size(); k++) {
        if (k == 0 || !joined.contains(k)) {
          commands.add(new java.util.ArrayList<>());
        }
        commands.get(commands.size() - 1).add(items.get(k));
      }
      return commands;
    }
  }

  /** {@code if c1; then b1; elif c2; then b2; else e; fi}; {@code otherwise} may be null. */
  record If(List<Node> conditions, List<Node> bodies, Node otherwise, int line) implements Node {}

  /** {@code for name in words; do body; done}; {@code words} null for {@code "$@"}. */
  record For(String name, List<Word> words, Node body, int line) implements Node {}

  record ArithFor(String init, String condition, String step, Node body, int line) implements Node {}

  /** {@code while} (or {@code until}) {@code condition; do body; done}. */
  record Loop(Node condition, Node body, boolean until, int line) implements Node {}

  /** {@code case subject in branches esac}. */
  record Case(Word subject, List<CaseBranch> branches, int line) implements Node {}

  /** {@code pattern|pattern) body end}; {@code end} is {@code ;;}, {@code ;&} or {@code ;;&}. */
  record CaseBranch(List<Word> patterns, Node body, String end) {}

  /**
   * A compound command with its input redirected: {@code while read x; do ...; done < list},
   * or from a here-document.
   */
  record ReadFrom(Node body, Redirect input, int line) implements Node {}

  /**
   * A compound command with its output redirected: {@code done > list.txt}, {@code } 2> log};
   * {@code outputs} in the order written ({@link Outputs}).
   */
  record WriteTo(Node body, List<Redirect> outputs, int line) implements Node {}

  record FunctionDef(String name, Node body, int line) implements Node {}

  record Group(Node body, int line) implements Node {}

  record Subshell(Node body, int line) implements Node {}

  /** {@code cmd &}: its status is 0 at once; {@code wait $!} gives it. */
  record Background(Node body, int line) implements Node {}

  /** {@code (( expression ))}. */
  record Arith(String expression, int line) implements Node {}

  /** {@code [[ words ]]}; operators such as {@code &&}, {@code <} and {@code (} are words here. */
  record Conditional(List<Word> words, int line) implements Node {}
}
