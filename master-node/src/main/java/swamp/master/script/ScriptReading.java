package swamp.master.script;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A script file's lines as bash reads them: a complete command at a time (a {@code for ... done}
 * or a function's definition whole, its here-documents' lines with it), running each before it
 * reads the next. Under {@code set -v} ({@code set -o verbose}) bash prints each line on standard
 * error as it reads it, the comments and blank lines before a command too; a function's lines are
 * printed where it is defined, not where it is called. A here-document the end of the file ends
 * (no line with its delimiter) is bash's warning, printed as it reads that command, and its text
 * is the rest of the file.
 *
 * <p>bash prints the lines of {@code eval}'s text, a sourced file and a trap's action as it reads
 * them too, each as it runs: swamp refuses {@code set -v} there ({@link #elsewhere}).
 */
final class ScriptReading {

  private final Ast.Node program;
  private final String[] lines;
  private final int lastLine;
  private final BitSet content;
  private final List<Map.Entry<Integer, String>> warnings;
  /** Where a {@code $(...)} goes over lines: bash 5.2 prints none of its lines after the first. */
  private final BitSet substitutionsOverLines;

  private ScriptReading(Ast.Node program, String text, ShellLexer lexer) {
    this.program = program;
    this.substitutionsOverLines = lexer.substitutionsOverLines();
    BitSet content = lexer.contentLines();
    List<Map.Entry<Integer, String>> warnings = lexer.warnings();
    this.lines = text.split("\n", -1);
    this.lastLine = text.isEmpty() || text.endsWith("\n") ? lines.length - 1 : lines.length;
    this.content = content;
    this.warnings = warnings;
  }

  /** Reads a script file's text, its first line line 1. */
  static ScriptReading of(String text) throws ScriptException {
    ShellLexer lexer = new ShellLexer(text, 1, true);
    Ast.Node program = ShellParser.parse(lexer);
    return new ScriptReading(program, text.replace("\r\n", "\n"), lexer);
  }

  Ast.Node program() {
    return program;
  }

  /** Where a walk of the script stands in reading it. */
  static final class Cursor {
    private final ShellState state;
    private final Walk walk;
    private ScriptReading script;
    /** The last line read. */
    private int read;
    private boolean warned;

    Cursor(ShellState state, Walk walk) {
      this.state = state;
      this.walk = walk;
    }

    void reading(ScriptReading script) {
      this.script = script;
    }

    /**
     * Reads the complete command that starts on line {@code start} (the next one starts on {@code
     * next}; {@link Integer#MAX_VALUE} if it is the last), before it runs: under set -v its lines
     * and those before it printed, and bash's warnings of its here-documents.
     */
    void command(int start, int next) {
      if (script == null) {
        if (state.verbose) {
          throw Refusal.at(start, "set -v is not supported here: swamp prints the lines of a script file only");
        }
        return;
      }
      int end = script.content.previousSetBit((int) Math.min((long) next - 1, script.lastLine));
      through(Math.max(end, start), start);
      if (!warned && read >= script.lastLine) {
        warned = true;
        script.warnings.forEach(w -> walk.shellError(w.getValue(), w.getKey(), List.of()));
      }
    }

    /** Reads the lines after the last command, as bash does before it ends (unless {@code exit} ended it). */
    void atEnd() {
      if (script != null) {
        through(script.lastLine, script.lastLine);
      }
    }

    private void through(int end, int line) {
      if (end <= read) {
        return;
      }
      if (state.verbose && walk.captured() == null) {
        int over = script.substitutionsOverLines.nextSetBit(read + 1);
        if (over >= 0 && over <= end) { // bash 5.2 prints the line of its '$(', not those after it
          throw Refusal.at(over, "set -v where a command substitution '$(' goes on over lines is not"
              + " supported: bash 5.2 leaves its lines out; write it on one line or put 'set +v' before it");
        }
        StringBuilder text = new StringBuilder();
        for (int k = read + 1; k <= end && k <= script.lines.length; k++) {
          text.append(script.lines[k - 1]).append('\n');
        }
        walk.job(List.of(Xtrace.toErrors(text.toString(), line)), Map.of(), line);
      }
      read = end;
    }
  }

  /**
   * {@code set -v}/{@code set +v}: refused in a text other than the script file's ({@code eval},
   * a sourced file, a trap, a script run with bash), whose lines bash would print as it reads them.
   */
  static void set(ShellState state, boolean on, int line) {
    if (on && state.elsewhere > 0) {
      throw Refusal.at(line, "set -v in the text of eval, a sourced file, a trap or a script run with bash"
          + " is not supported: bash prints that text's lines as it reads them; put set -v in the script itself");
    }
    state.verbose = on;
  }

  /**
   * Walks {@code what}'s text ({@code eval}'s, a sourced file's, a trap's, a script's run with
   * bash): refused under set -v, where bash prints its lines as it reads them, one by one as they run.
   */
  static <T> T elsewhere(ShellState state, String what, int line, Supplier<T> walk) {
    if (state.verbose) {
      throw Refusal.at(line, what + " under set -v is not supported: bash prints its lines as it reads"
          + " and runs them; put 'set +v' before it");
    }
    state.elsewhere++;
    try {
      return walk.get();
    } finally {
      state.elsewhere--;
    }
  }
}
