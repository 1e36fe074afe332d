package swamp.master;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MasterMainTest {

  @Test
  void aJournalFileNamedWithItsSuffixIsThatFile() {
    assertEquals(Path.of("/x/j").toAbsolutePath(), MasterMain.h2Base("/x/j.mv.db"));
    assertEquals(Path.of("/x/j").toAbsolutePath(), MasterMain.h2Base("/x/j"));
  }
}
