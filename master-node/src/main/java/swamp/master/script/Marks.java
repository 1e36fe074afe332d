package swamp.master.script;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import swamp.protocol.Redirects;
import swamp.protocol.ShellText;
import swamp.protocol.Stage;

/**
 * The marks a planned command's words hold for what is known only once earlier jobs have run:
 * a job's status ({@code cmd || echo "failed: $?"}), what a command substitution run as jobs
 * printed ({@code ncap2 -s "T=T-$(ncks -H ...)"}), and a glob's match that is there only where
 * the step that makes it succeeded ({@code ncrcat out_*.nc}). The {@link Planner} writes them in
 * the {@link Plan}; the run fills them in ({@link #filled}) as it starts each command; {@code
 * --plan} shows them ({@link #shown}, {@link #whenThere}). A mark is made of characters of
 * Unicode's private use area, which no script's text holds.
 */
public final class Marks {

  private Marks() {}

  /** Stands in a command's words for {@code $?} of a job, step N: {@code \uE000?N\uE001}. */
  private static final java.util.regex.Pattern STATUS_MARK = java.util.regex.Pattern.compile("\uE000\\?([0-9]+)\uE001");
  /**
   * Stands in a command's words for what steps N, M... printed, a command substitution that reads
   * what an earlier job writes: {@code \uE000>N,M\uE001} inside double quotes, {@code
   * \uE000}N,M\uE001} outside them, where bash splits it into words ({@link #outputMark}).
   */
  private static final java.util.regex.Pattern OUTPUT_MARK = java.util.regex.Pattern.compile(
      "\uE000([>}])([0-9]+(?:,[0-9]+)*)\uE001");
  /**
   * A word that is there only where the file a step makes is, {@code \uE002=+N\uE003word}, or only
   * where none of the files of steps N, M ... is, {@code \uE002!+N,rM\uE003word}: {@code +N} is
   * there where step N succeeded, {@code rN} where it ran ({@link Made}).
   */
  private static final java.util.regex.Pattern KEPT_IF = java.util.regex.Pattern.compile(
      "\uE002([=!])([+r][0-9]+(?:,[+r][0-9]+)*)\uE003(.*)", java.util.regex.Pattern.DOTALL);

  /**
   * A file step {@code step} makes: there once it has run where {@code whetherItFails} (its
   * output, {@code cmd > f}), else once it has succeeded (an NCO output, {@code cp}'s copy).
   */
  record Made(int step, boolean whetherItFails) {
    String mark() {
      return (whetherItFails ? "r" : "+") + step;
    }
  }

  /** What a command's words hold for the status of step {@code step}, known once it has run. */
  static String statusMark(int step) {
    return "\uE000?" + step + "\uE001";
  }

  /**
   * What a command's words hold for what {@code steps} printed, in order, known once they have
   * run (one that did not run printed nothing): {@code echo "mean: $(ncks -H -v T out.nc || echo
   * NA)"} after the job that writes out.nc. {@code quoted}: inside double quotes, else split into
   * words as bash splits an unquoted {@code $(...)}.
   */
  static String outputMark(Collection<Integer> steps, boolean quoted) {
    return "\uE000" + (quoted ? ">" : "}") + steps.stream().map(String::valueOf)
        .collect(java.util.stream.Collectors.joining(",")) + "\uE001";
  }

  /**
   * {@code word}, a file a glob matched, as a word of the command only where the file is, once
   * the step that makes it has run ({@code ncrcat out_*.nc all.nc} after a loop whose {@code
   * ncra ... out_$m.nc} may fail, or after {@code if ncks ...; then ncap2 ... out_$f; fi}).
   */
  static String keptIf(Made made, String word) {
    return "\uE002=" + made.mark() + "\uE003" + word;
  }

  /**
   * {@code pattern} as the word of a glob all of whose matches are {@link #keptIf} files {@code
   * made}: there, as bash leaves a glob that matches nothing, only where none of them is.
   */
  static String keptUnless(Collection<Made> made, String pattern) {
    return "\uE002!" + made.stream().map(Made::mark).collect(java.util.stream.Collectors.joining(",")) + "\uE003" + pattern;
  }

  /**
   * {@code word} as the plan counts on it, a glob's match whose file a step makes being there
   * ({@link #keptIf}): its file; null for the pattern that stands for none there ({@link #keptUnless}).
   */
  static String counted(String word) {
    java.util.regex.Matcher kept = KEPT_IF.matcher(word);
    return !kept.matches() ? word : kept.group(1).equals("=") ? kept.group(3) : null;
  }

  /** For {@code --plan}: when a word the run fills in is there, or null for a word that is always. */
  public static String whenThere(String word) {
    java.util.regex.Matcher kept = KEPT_IF.matcher(word);
    if (!kept.matches()) {
      return null;
    }
    String steps = made(kept).stream().map(m -> "#" + m.step() + (m.whetherItFails() ? " runs" : " succeeds"))
        .collect(java.util.stream.Collectors.joining(" or "));
    return ShellText.of(List.of(new Stage(List.of(kept.group(3)), null))) + (kept.group(1).equals("=")
        ? " only if " + steps : " only if none of: " + steps);
  }

  private static List<Made> made(java.util.regex.Matcher kept) {
    return java.util.Arrays.stream(kept.group(2).split(","))
        .map(m -> new Made(Integer.parseInt(m.substring(1)), m.charAt(0) == 'r')).toList();
  }

  /** The steps whose outcome a word holds a mark for ({@link #statusMark}, {@link #keptIf}). */
  static Set<Integer> marks(String word) {
    Set<Integer> steps = new TreeSet<>();
    java.util.regex.Matcher kept = KEPT_IF.matcher(word);
    if (kept.matches()) {
      made(kept).forEach(m -> steps.add(m.step()));
      word = kept.group(3);
    }
    java.util.regex.Matcher m = STATUS_MARK.matcher(word);
    while (m.find()) {
      steps.add(Integer.parseInt(m.group(1)));
    }
    java.util.regex.Matcher o = OUTPUT_MARK.matcher(word);
    while (o.find()) {
      java.util.Arrays.stream(o.group(2).split(",")).forEach(n -> steps.add(Integer.parseInt(n)));
    }
    return steps;
  }

  /**
   * {@code words} as they are once the steps their marks name have run: a glob's match whose
   * file is not there is dropped ({@link #keptIf}), {@code $?} of a job is its status, and a
   * command substitution's mark what it printed ({@code outputOf}), its last newlines dropped and,
   * outside double quotes, split into words at white space.
   */
  static List<String> filled(List<String> words, java.util.function.IntUnaryOperator statusOf,
      java.util.function.IntFunction<Plan.Outcome> outcomeOf, java.util.function.IntFunction<String> outputOf) {
    List<String> out = new java.util.ArrayList<>(words.size());
    for (String w : words) {
      java.util.regex.Matcher kept = KEPT_IF.matcher(w);
      if (kept.matches()) {
        boolean there = made(kept).stream().anyMatch(m -> outcomeOf.apply(m.step()) == Plan.Outcome.SUCCEEDED
            || m.whetherItFails() && outcomeOf.apply(m.step()) == Plan.Outcome.FAILED);
        if (there != kept.group(1).equals("=")) {
          continue;
        }
        w = kept.group(3);
      }
      if (w.indexOf('\uE000') < 0) {
        out.add(w);
        continue;
      }
      w = STATUS_MARK.matcher(w).replaceAll(m -> {
        int value = statusOf.applyAsInt(Integer.parseInt(m.group(1)));
        return value == Plan.Join.EMPTY ? "" : Integer.toString(value);
      });
      boolean splits = w.contains("\uE000}");
      w = OUTPUT_MARK.matcher(w).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(Substitutions.value(
          java.util.Arrays.stream(m.group(2).split(",")).map(n -> outputOf.apply(Integer.parseInt(n)))
              .filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.joining()))));
      if (!splits) {
        out.add(w);
      } else {
        for (String field : w.split("[ \t\n]+")) {
          if (!field.isEmpty()) {
            out.add(field);
          }
        }
      }
    }
    return out;
  }

  /** {@code redirects} with {@code $?} of a job in the text its command reads filled in. */
  static Redirects filled(Redirects redirects, java.util.function.IntUnaryOperator statusOf) {
    if (redirects == null || redirects.stdinText() == null || !holdsStatus(redirects.stdinText())) {
      return redirects;
    }
    String text = filled(List.of(redirects.stdinText()), statusOf, step -> Plan.Outcome.SUCCEEDED, step -> "").get(0);
    return new Redirects(redirects.stdin(), redirects.stdout(), redirects.stdoutAppend(), redirects.stderr(),
        redirects.stderrAppend(), redirects.stderrToStdout(), text);
  }

  /** The step whose status {@code word} is, all of it ({@code $?}, {@code "$rc"}); else -1. */
  static int statusStep(String word) {
    java.util.regex.Matcher m = STATUS_MARK.matcher(word);
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  /**
   * {@code word}, for arithmetic, with the statuses of the steps the walk waited for ({@code ran})
   * in the place of their marks: {@code exit $(( nerr > 0 ? 2 : 0 ))}, where a count that jobs'
   * statuses keep is known once they have run. One it does not know yet is a line that needs what
   * jobs did ({@link Refusal.ReadsPlanned}): the walk waits for them where it can, else refuses.
   */
  static String forArithmetic(String word, Map<Integer, Integer> ran, int line) {
    String known = STATUS_MARK.matcher(word).replaceAll(m -> {
      Integer status = ran.get(Integer.parseInt(m.group(1)));
      return java.util.regex.Matcher.quoteReplacement(status == null ? m.group() : status.toString());
    });
    if (holdsStatus(known)) {
      throw new Refusal.ReadsPlanned(line, Refusal.jobStatus(line, "arithmetic").cause.problem());
    }
    return known;
  }

  /** Whether {@code word} holds the status of a job ({@link #statusMark}). */
  static boolean holdsStatus(String word) {
    return word.indexOf('\uE000') >= 0;
  }

  /**
   * {@code quoted} with the characters of the marks {@code word} holds added: none of them is a
   * glob's (a status's {@code ?}), as bash's number or text in their place is none.
   */
  static java.util.BitSet quotingMarks(String word, java.util.BitSet quoted) {
    java.util.BitSet q = (java.util.BitSet) quoted.clone();
    for (int k = word.indexOf('\uE000'); k >= 0; k = word.indexOf('\uE000', k + 1)) {
      int end = word.indexOf('\uE001', k);
      if (end < 0) {
        break;
      }
      q.set(k, end + 1);
    }
    return q;
  }

  /** Whether {@code word} holds what a command substitution run as jobs prints ({@link #outputMark}). */
  static boolean holdsOutput(String word) {
    return word.contains("\uE000>") || word.contains("\uE000}");
  }

  /** Whether {@code word} holds a mark ({@link #statusMark}, {@link #keptIf}). */
  static boolean marked(String word) {
    return word.indexOf('\uE000') >= 0 || word.indexOf('\uE002') >= 0;
  }

  /** {@code word} as {@code --plan} shows it in a command: {@code $?}, {@code $(#N)}; null for a glob's pattern kept only where none of its files is. */
  static String shown(String word) {
    if (word.startsWith("\uE002!")) {
      return null;
    }
    String w = STATUS_MARK.matcher(KEPT_IF.matcher(word).replaceAll("$3")).replaceAll(m -> "\\$?");
    return OUTPUT_MARK.matcher(w).replaceAll(m -> "\\$(#" + m.group(2).replace(",", " #") + ")");
  }
}
