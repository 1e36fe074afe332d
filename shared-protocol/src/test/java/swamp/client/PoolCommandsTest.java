package swamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolCommandsTest {

  @Test
  void idsSortWithTheirNumbersByValue() {
    List<String> ids = new ArrayList<>(List.of("w10", "node-b", "w2", "h4", "w1", "h3", "node-a"));
    ids.sort(PoolCommands::byNumbers);
    assertEquals(List.of("h3", "h4", "node-a", "node-b", "w1", "w2", "w10"), ids);
  }

  /** bin/swamp workers lists the registered by id, as the dashboard does, then the pending spawns. */
  @Test
  void workersAreListedById() throws Exception {
    String workers = "[{\"id\": \"h4\", \"host\": \"10.0.0.4\", \"slots\": 2, \"busy\": 0},"
        + " {\"id\": \"slurm-a-1\", \"host\": \"\", \"slots\": 4, \"state\": \"queued\"},"
        + " {\"id\": \"h10\", \"host\": \"10.0.0.10\", \"slots\": 2, \"busy\": 1},"
        + " {\"id\": \"h3\", \"host\": \"10.0.0.3\", \"slots\": 2, \"busy\": 2}]";
    try (MasterClientTest.FakeServer master = new MasterClientTest.FakeServer(2,
        r -> JobCommandsTest.answer(r.startsWith("GET /api/workers") ? workers : "[]"))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream was = System.out;
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        assertEquals(0, ClientCli.execute("workers", "--url", master.url()));
      } finally {
        System.setOut(was);
      }
      List<String> ids = out.toString(StandardCharsets.UTF_8).lines().skip(1)
          .map(l -> l.split(" +")[0]).toList();
      assertEquals(List.of("h3", "h4", "h10", "slurm-a-1"), ids);
    }
  }
}
