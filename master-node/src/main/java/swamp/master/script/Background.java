package swamp.master.script;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands a script runs with {@code &}: {@code $!}, the statuses {@code wait} gives, and
 * what {@code jobs} lists. Swamp runs a script's commands as their files allow, whatever {@code
 * &} and {@code wait} say; what is kept here is what the script sees of them, so that the scripts
 * that start a few at a time by hand plan the commands bash runs:
 *
 * <pre>
 * for f in *.nc; do
 *   ncks -O -v T "$f" "T_$f" &amp;
 *   if (( $(jobs -r | wc -l) &gt;= 4 )); then wait -n; fi
 * done
 * wait
 * </pre>
 *
 * <p>A command run with {@code &} is listed until the script waits for it ({@code wait}, {@code
 * wait ID}, {@code wait -n}: the one started first). When to bash it ends is known only as it
 * runs; here a script that asks the same {@code jobs} again (the same line and options) with
 * nothing started or waited for since, a loop that polls ({@code while [ $(jobs -p | wc -l) -ge
 * 4 ]; do sleep 1; done}), sees the one started first ended, as it would once time has passed.
 */
final class Background {

  /** {@code $!} of the first command run with {@code &}; the next ones count up from it. */
  static final int FIRST = 100_000;

  private record Started(Status status, String text) {}

  /** Every command run with {@code &}, by id: its status, which {@code wait ID} gives. */
  private final Map<String, Started> started = new HashMap<>();
  /** Those the script has not waited for, and that have not ended as far as it saw, first first. */
  private final LinkedHashMap<String, Started> listed = new LinkedHashMap<>();
  private String last = "";
  /** The last {@code jobs} question (its line and options) while nothing was started or waited for since; else null. */
  private String polled;

  /** A command run with {@code &}: its status (a job's step's, or known now) and text; its {@code $!}. */
  String start(Status status, String text) {
    String id = Integer.toString(FIRST + started.size());
    Started s = new Started(status, text);
    started.put(id, s);
    listed.put(id, s);
    last = id;
    polled = null;
    return id;
  }

  /** {@code $!}: the id of the last command run with {@code &}; empty before one. */
  String last() {
    return last;
  }

  /** {@code wait ID}: its status; null for an id no command run with {@code &} had. */
  Status waitFor(String id) {
    Started s = started.get(id);
    if (s == null) {
      return null;
    }
    listed.remove(id);
    polled = null;
    return s.status();
  }

  /** {@code wait}: every one. */
  void waitAll() {
    listed.clear();
    polled = null;
  }

  /** What {@code wait -n} waited for: the id and status of the command run with {@code &} first. */
  record Next(String id, Status status) {}

  /** {@code wait -n}: the one listed first; null when none is (bash's status is then 127). */
  Next waitNext() {
    Iterator<Map.Entry<String, Started>> first = listed.entrySet().iterator();
    if (!first.hasNext()) {
      return null;
    }
    Map.Entry<String, Started> e = first.next();
    first.remove();
    polled = null;
    return new Next(e.getKey(), e.getValue().status());
  }

  /**
   * What {@code jobs OPTIONS} prints: with {@code -p} the ids, else bash's lines ({@code [1]+
   * Running  ncks ... &}); {@code -s} (stopped) lists none. The same question from the same
   * line with nothing started or waited for since finds the first one ended.
   */
  String jobs(List<String> args, int line) {
    boolean ids = false;
    boolean long_ = false;
    boolean stopped = false;
    for (String a : args) {
      if (!a.matches("-[lnprs]+")) {
        throw Refusal.at(line, "jobs " + a + ": swamp's planner knows 'jobs' with -l, -n, -p, -r and -s, and no job"
            + " specifications ('%1'): use $! and 'wait ID'");
      }
      ids |= a.contains("p");
      long_ |= a.contains("l");
      stopped |= a.contains("s") && !a.contains("r");
    }
    String question = line + " " + args;
    if (question.equals(polled) && !listed.isEmpty()) { // asked again: time has passed
      listed.remove(listed.keySet().iterator().next());
    }
    polled = question;
    if (stopped) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    List<String> order = new ArrayList<>(listed.keySet());
    for (int k = 0; k < order.size(); k++) {
      String id = order.get(k);
      if (ids) {
        out.append(id).append('\n');
        continue;
      }
      String mark = k == order.size() - 1 ? "+" : k == order.size() - 2 ? "-" : " ";
      String state = "Running";
      out.append('[').append(k + 1).append(']').append(mark).append(long_ ? " " + id + " " : "  ")
          .append(String.format("%-24s", state)).append(listed.get(id).text()).append(" &\n");
    }
    return out.toString();
  }
}
