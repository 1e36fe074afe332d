package swamp.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A job gets back the locale bin/swamp changed for its worker's JVM, and nothing else changes. */
class JvmLocaleTest {

  static Map<String, String> restored(Map<String, String> env) {
    Map<String, String> m = new HashMap<>(env);
    JvmLocale.restore(m);
    return m;
  }

  @Test
  void whatWasSetComesBackAndWhatWasNotGoes() {
    assertEquals(Map.of("LC_ALL", "C", "LANG", "C"), restored(Map.of("LC_ALL", "C.UTF-8", "LANG", "C",
        JvmLocale.WAS, "LC_ALL=C LC_CTYPE=")));
    assertEquals(Map.of("LANG", "POSIX"), restored(Map.of("LC_CTYPE", "C.UTF-8", "LANG", "POSIX",
        JvmLocale.WAS, "LC_ALL= LC_CTYPE=")));
    assertEquals(Map.of("LC_CTYPE", "C"), restored(Map.of("LC_CTYPE", "C.UTF-8", JvmLocale.WAS,
        "LC_ALL= LC_CTYPE=C")));
    // a node bin/swamp did not change keeps its own; a stray name in the variable is no setting
    assertEquals(Map.of("LANG", "C.UTF-8"), restored(Map.of("LANG", "C.UTF-8")));
    assertEquals(Map.of("PATH", "/bin"), restored(Map.of("PATH", "/bin", JvmLocale.WAS, "PATH=/tmp")));
  }
}
