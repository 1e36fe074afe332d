package swamp.master.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger of grid jobs in a spawn-dir that masters share. */
class SpawnLedgerTest {

  @TempDir Path spawnDir;

  @Test
  void aMasterThatSpawnsNothingLeavesNoFileInTheSharedSpawnDir() throws Exception {
    SpawnLedger ledger = new SpawnLedger(spawnDir, "10.0.0.1:7355");
    assertEquals(List.of(), ledger.previous());
    assertFalse(Files.exists(ledger.file()), "no spawn, no file: " + ledger.file());
    ledger.add("cluster", "4711");
    assertEquals("cluster 4711\n", Files.readString(spawnDir.resolve("spawned-by-10.0.0.1-7355")));
  }

  @Test
  void theNextRunOnTheAddressReadsWhatTheLastOneLeftAndStartsTheFileAfresh() throws Exception {
    new SpawnLedger(spawnDir, "10.0.0.1:7355").add("cluster", "4711");
    SpawnLedger next = new SpawnLedger(spawnDir, "10.0.0.1:7355");
    assertEquals(List.of(new SpawnLedger.Entry("cluster", "4711")), next.previous());
    assertEquals("", Files.readString(next.file()));
    next.add("sge", "12");
    assertEquals(List.of(new SpawnLedger.Entry("cluster", "4711")), next.previous(),
        "read once: what this run adds is not the last run's");
    assertEquals("sge 12\n", Files.readString(next.file()));
  }
}
