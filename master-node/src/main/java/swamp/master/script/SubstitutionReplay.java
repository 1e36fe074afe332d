package swamp.master.script;

import java.util.ArrayList;
import java.util.List;

/**
 * What the command substitutions of a script's walk gave when they ran while planning, in the
 * order they started, for a later walk of the same script to take instead of running them again.
 * A script is walked twice where the first walk finds it must wait for jobs ({@link
 * Script#planning}), the second going the first one's way up to there: a substitution bash runs
 * once ({@code tmp=$(mktemp -d)}) must give the second walk the same value, and leave one
 * directory, not two. A walk takes an entry only where its substitutions so far were the same
 * ones (their text and line); from the first that differs it runs them again.
 */
final class SubstitutionReplay {

  /** One substitution: its text and line, and, once it ran here, what it gave. */
  static final class Entry {
    private final String text;
    private final int line;
    private boolean ended;
    /** What it printed, its last newlines dropped; null where it did not run while planning. */
    private String value;
    private Status status;
    /** What it printed on the script's standard error ({@link ShellState#substitutionErrors}). */
    private String errors = "";

    private Entry(String text, int line) {
      this.text = text;
      this.line = line;
    }

    /** What it gave in an earlier walk, run while planning; null: it is to run now. */
    String value() {
      return value;
    }

    Status status() {
      return status;
    }

    String errors() {
      return errors;
    }

    /**
     * It ran now: {@code value} where it ran while planning (null where its jobs run later), and
     * what it printed on standard error.
     */
    void ran(String value, Status status, String errors) {
      if (!ended) {
        ended = true;
        this.value = value;
        this.status = status;
        this.errors = errors;
      }
    }
  }

  private final List<Entry> entries = new ArrayList<>();
  private int next;

  /** A walk starts: it takes the entries of the walks before, from the first. */
  void rewind() {
    next = 0;
  }

  /** The entry of the walk's next substitution: one of an earlier walk where it was the same. */
  Entry next(String text, int line) {
    if (next < entries.size()) {
      Entry e = entries.get(next);
      if (e.text.equals(text) && e.line == line) {
        next++;
        return e;
      }
      entries.subList(next, entries.size()).clear(); // this walk went otherwise from here
    }
    Entry e = new Entry(text, line);
    entries.add(e);
    next++;
    return e;
  }
}
