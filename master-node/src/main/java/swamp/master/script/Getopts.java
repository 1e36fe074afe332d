package swamp.master.script;

import java.util.List;

/**
 * {@code getopts}, evaluated while planning: the script's arguments are known before it runs, so
 * the options it takes steer the plan as they would steer bash.
 */
final class Getopts {

  private final ShellState state;
  private final Expander expander;

  Getopts(ShellState state, Expander expander) {
    this.state = state;
    this.expander = expander;
  }

  /** The character of the word at OPTIND that getopts reads next (0: the word's start). */
  private int optChar;
  private long lastOptind = 1;

  /**
   * {@code getopts OPTSTRING NAME [ARGS...]}, as bash's: the next option of the script's
   * arguments (or ARGS) into NAME, its argument into OPTARG, OPTIND advanced; 1 once there are
   * no more options. An unknown option or a missing argument sets NAME to {@code ?} (or {@code :}
   * when OPTSTRING starts with {@code :}).
   */
  Status next(List<String> args, int line) {
    if (args.size() < 2) {
      throw Refusal.at(line, "getopts needs an option string and a name");
    }
    String spec = args.get(0);
    String var = args.get(1);
    boolean silent = spec.startsWith(":");
    List<String> params = args.size() > 2 ? args.subList(2, args.size()) : state.positional;
    String optindText = state.scalar("OPTIND");
    long optind = optindText == null || optindText.isBlank() ? 1 : expander.arith(optindText, line);
    if (optind != lastOptind || optind < 1) { // the script set OPTIND itself: start that word afresh
      optChar = 0;
      optind = Math.max(1, optind);
    }
    try {
      if (optind > params.size()) {
        state.assign(var, "?", line);
        return Status.FAIL;
      }
      String word = params.get((int) optind - 1);
      if (optChar == 0) {
        if (word.equals("--")) {
          optind++;
          state.assign(var, "?", line);
          return Status.FAIL;
        }
        if (!word.startsWith("-") || word.equals("-")) {
          state.assign(var, "?", line);
          return Status.FAIL;
        }
        optChar = 1;
      }
      char c = word.charAt(optChar++);
      boolean wordDone = optChar >= word.length();
      int at = c == ':' ? -1 : spec.indexOf(c);
      state.vars.remove("OPTARG");
      if (at < 0) {
        state.assign(var, "?", line);
        if (silent) {
          state.assign("OPTARG", String.valueOf(c), line);
        }
      } else if (at + 1 < spec.length() && spec.charAt(at + 1) == ':') {
        if (!wordDone) {
          state.assign("OPTARG", word.substring(optChar), line);
          wordDone = true;
        } else if (optind < params.size()) {
          state.assign("OPTARG", params.get((int) optind), line);
          optind++;
        } else {
          state.assign(var, silent ? ":" : "?", line);
          if (silent) {
            state.assign("OPTARG", String.valueOf(c), line);
          }
          wordDone = true;
          optind++;
          optChar = 0;
          return Status.OK;
        }
        state.assign(var, String.valueOf(c), line);
      } else {
        state.assign(var, String.valueOf(c), line);
      }
      if (wordDone) {
        optind++;
        optChar = 0;
      }
      return Status.OK;
    } finally {
      state.setScalar("OPTIND", Long.toString(optind));
      lastOptind = optind;
    }
  }
}
