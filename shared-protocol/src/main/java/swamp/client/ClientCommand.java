package swamp.client;

import java.time.Duration;

/**
 * A client command of {@code bin/swamp}: what it takes and what it does with it; with what the
 * commands share: exit codes, the master's address, and how they print.
 */
public record ClientCommand(Args args, Action action) {

  /** What a command does with what it was given; returns the exit code. */
  public interface Action {
    int run(MasterClient client, Args.Parsed a) throws Exception;
  }

  /** Exit code for a usage error or a master that cannot be reached or refused the request. */
  public static final int EXIT_USAGE = 2;
  /** Exit code of submit --wait when --wait-timeout passes first, as timeout(1) has it. */
  static final int EXIT_WAIT_TIMEOUT = 124;
  /** How long the master may hold one wait request open. */
  public static final Duration LONG_POLL = Duration.ofSeconds(60);
  public static final String DEFAULT_URL = "http://127.0.0.1:8070";
  public static final String URL_HELP = "The master's HTTP API (default: $SWAMP_URL, else http://127.0.0.1:8070); several,"
      + " comma-separated (a master and its standby), are asked in turn.";

  static void printJson(Json node) {
    System.out.println(node.pretty());
  }

  static String orDash(String s) {
    return s == null || s.isEmpty() || s.equals("null") ? "-" : s;
  }
}
