package swamp.node;

import java.util.Map;

/**
 * The locale bin/swamp gives a node's or a client's JVM, and the one its jobs get back. Java
 * reads its arguments, file names and a child's arguments in the charset of the locale: under C
 * or POSIX a job's 'héllo' was started as 'h??llo'. bin/swamp gives the JVM a UTF-8 LC_CTYPE
 * (LC_ALL where that was set) and keeps what was set in {@link #WAS}; a job's environment has it
 * back, so that the programs a job runs see the locale the node was started with.
 */
public final class JvmLocale {
  private JvmLocale() {}

  /** {@code LC_ALL=VALUE LC_CTYPE=VALUE}, each value empty where it was not set. */
  public static final String WAS = "SWAMP_LOCALE_WAS";

  /** Puts back in {@code env} the locale variables bin/swamp changed for the JVM. */
  public static void restore(Map<String, String> env) {
    String was = env.remove(WAS);
    if (was == null) {
      return;
    }
    for (String setting : was.split(" ")) {
      int eq = setting.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String name = setting.substring(0, eq);
      String value = setting.substring(eq + 1);
      if (!name.equals("LC_ALL") && !name.equals("LC_CTYPE")) {
        continue;
      }
      if (value.isEmpty()) {
        env.remove(name);
      } else {
        env.put(name, value);
      }
    }
  }

  /**
   * The locale of a script's environment, for its jobs to run in wherever their worker runs, as
   * bash would run them ({@code ls | sort} sorts, and {@code printf %.2f} prints, as in the
   * script's locale): {@code LANG} and {@code LC_ALL}, empty where the script has none (so that
   * a worker's own does not decide), and every other {@code LC_*} it sets.
   */
  public static Map<String, String> ofScript(Map<String, String> scriptEnv) {
    Map<String, String> locale = new java.util.TreeMap<>();
    locale.put("LANG", scriptEnv.getOrDefault("LANG", ""));
    locale.put("LC_ALL", scriptEnv.getOrDefault("LC_ALL", ""));
    scriptEnv.forEach((name, value) -> {
      if (name.startsWith("LC_")) {
        locale.put(name, value);
      }
    });
    return locale;
  }
}
