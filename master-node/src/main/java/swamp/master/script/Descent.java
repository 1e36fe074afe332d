package swamp.master.script;

import java.util.List;

/**
 * {@code ! ( )} and an "or" of "ands" over tokens, down to the primaries a subclass reads: the
 * descent {@link Conditions} reads {@code test} and {@code [[ ]]} with. Both sides of {@code ||}
 * and {@code &&} are read, as the descent must move past the right one; {@link #live} says
 * whether bash evaluates the primary read now (not after {@code true ||}), and {@link #negated}
 * whether a {@code !} stands right before it, for {@code set -x}, which shows only those, each
 * with its {@code !}.
 */
abstract class Descent {
  final List<String> t;
  private final String or;
  private final String and;
  final int line;
  int k;
  /** Whether bash evaluates the primary read now: not the right side of {@code true ||} or {@code false &&}. */
  boolean live = true;
  /** Whether a {@code !} stands right before the primary read now. */
  boolean negated;

  Descent(List<String> tokens, String or, String and, int line) {
    this.t = tokens;
    this.or = or;
    this.and = and;
    this.line = line;
  }

  /** A problem in the words of this kind of test, as bash words it. */
  abstract String problem(String p);

  /** Reads one primary at {@code k}, moving {@code k} past it. */
  abstract boolean primary();

  /** What to throw for {@code problem}: a refusal naming it. */
  RuntimeException error(String problem) {
    return Refusal.at(line, problem(problem));
  }

  boolean whole() {
    boolean v = or();
    if (k < t.size()) {
      throw error("unexpected '" + t.get(k) + "'");
    }
    return v;
  }

  private boolean at(String op) {
    return k < t.size() && t.get(k).equals(op);
  }

  // both sides are always evaluated, as bash does not: the descent must move past the right one
  private boolean or() {
    boolean v = and();
    boolean was = live;
    while (at(or)) {
      k++;
      live = was && !v;
      boolean r = and();
      v = v || r;
    }
    live = was;
    return v;
  }

  private boolean and() {
    boolean v = not();
    boolean was = live;
    while (at(and)) {
      k++;
      live = was && v;
      boolean r = not();
      v = v && r;
    }
    live = was;
    return v;
  }

  private boolean not() {
    if (at("!")) {
      k++;
      negated = !negated;
      boolean v = !not();
      negated = false;
      return v;
    }
    if (at("(")) {
      negated = false; // '! ( -f x )': bash shows the primaries inside without it
      k++;
      boolean v = or();
      if (!at(")")) {
        throw error("')' expected");
      }
      k++;
      return v;
    }
    return primary();
  }
}
