package swamp.master.script;

import java.util.BitSet;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;

/**
 * Words read as patterns: those of {@code ${x%pattern}} and its kin, of {@code case} and {@code
 * ${x/pattern/}} (of either case under {@code shopt -s nocasematch}), the right side of {@code [[
 * == ]]}, and the regular expression of {@code [[ =~ ]]}; and how {@code set -x} shows them. A
 * word is expanded first, as one field ({@link Expander}); what was quoted in it matches itself.
 */
final class PatternWords {

  /** A word expanded as one field, unsplit and unglobbed, and which of its characters were quoted. */
  record Expanded(CharSequence text, BitSet quoted) {}

  /** Expands a word as one field. */
  interface Expansion {
    Expanded expand(String raw, int line);
  }

  private final ShellState state;
  private final Expansion expansion;

  PatternWords(ShellState state, Expansion expansion) {
    this.state = state;
    this.expansion = expansion;
  }

  /** A pattern of ${x%pattern} and friends: expanded, quoted parts literal. */
  Pattern pattern(String raw, int line) {
    Glob.requireExtglob(raw, state.glob, line);
    return pattern(raw, line, state.glob.extglob());
  }

  /** A pattern of {@code case} or {@code ${x/pattern/}}: as {@link #pattern}, of either case under nocasematch. */
  Pattern matching(String raw, int line) {
    return caseless(pattern(raw, line));
  }

  /** {@code p} matching letters of either case where {@code shopt -s nocasematch} says so. */
  Pattern caseless(Pattern p) {
    return state.glob.nocasematch() ? Pattern.compile(p.pattern(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE) : p;
  }

  /**
   * The right side of {@code [[ s == pattern ]]}: extended patterns ({@code @(a|b)}) always, as
   * bash 5.2 reads them there whether {@code shopt -s extglob} is on or not.
   */
  Pattern conditional(String raw, int line) {
    return caseless(pattern(raw, line, true));
  }

  /** A pattern of {@code [[ == ]]} as {@code set -x} shows it: expanded, each quoted character after a backslash. */
  String shown(String raw, int line) {
    return escapingQuoted(raw, line, c -> true);
  }

  /**
   * The regular expression of {@code [[ $f =~ \.nc$ ]]}: expanded, its quoted characters
   * ({@code "a.b"}, {@code \.}) literal, as bash's, which shows it so under {@code set -x} too.
   */
  String regex(String raw, int line) {
    return escapingQuoted(raw, line, c -> "\\^$.|?*+()[]{}".indexOf(c) >= 0);
  }

  private String escapingQuoted(String raw, int line, IntPredicate special) {
    Expanded f = expansion.expand(raw, line);
    StringBuilder shown = new StringBuilder();
    for (int i = 0; i < f.text().length(); i++) {
      char c = f.text().charAt(i);
      shown.append(f.quoted().get(i) && special.test(c) ? "\\" : "").append(c);
    }
    return shown.toString();
  }

  private Pattern pattern(String raw, int line, boolean extglob) {
    Expanded f = expansion.expand(raw, line);
    return Glob.compile(f.text().toString(), f.quoted(), false, extglob);
  }
}
