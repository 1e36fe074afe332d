package swamp.master.script;

import java.util.List;

/**
 * The version of the bash that would run the script here ({@code $BASH_VERSION}, {@code
 * BASH_VERSINFO}), asked of it once; 5.2.0 where there is none to ask.
 */
final class BashVersion {
  private BashVersion() {}

  /** When there is no bash to ask: the version swamp's planner follows. */
  private static final String FOLLOWED = "5.2.0(1)-release";

  static final String TEXT = ask();

  private static String ask() {
    try {
      Process p = new ProcessBuilder("bash", "-c", "printf %s \"$BASH_VERSION\"")
          .redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return p.waitFor() == 0 && v.matches("[0-9]+\\.[0-9]+\\.[0-9]+\\([0-9]+\\)-[a-z]+") ? v : FOLLOWED;
    } catch (java.io.IOException e) {
      return FOLLOWED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FOLLOWED;
    }
  }

  /** BASH_VERSINFO: major, minor, patch, build, release status, machine type. */
  static List<String> info(String machine) {
    String[] parts = TEXT.split("[.()-]+");
    return List.of(parts[0], parts[1], parts[2], parts[3], parts[4], machine);
  }
}
