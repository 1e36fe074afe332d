package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import swamp.node.ConfigCheck;
import org.junit.jupiter.api.Test;

/** {@link ConfigCheck} against the worker's settings. */
class ConfigCheckTest {

  @Test
  void aTypoInASettingsNameIsNamedWithWhereItWasAndWhatWasMeant() {
    var file = ConfigFactory.parseString("swamp.worker.retry-intervall = 2s", 
        com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("site.conf"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigCheck.load(Map.of(), file.withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains("unknown setting 'swamp.worker.retry-intervall' (site.conf"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'swamp.worker.retry-interval'?"), e.getMessage());
  }

  @Test
  void knownSettingsPassAndOverridesWin() {
    var config = ConfigCheck.load(Map.of("swamp.worker.slots", 3), ConfigFactory.load());
    assertEquals(3, config.getInt("swamp.worker.slots"));
  }
}
