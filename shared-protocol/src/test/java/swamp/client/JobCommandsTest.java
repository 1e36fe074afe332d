package swamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** submit --wait as a scientist's script meets it. */
class JobCommandsTest {

  static String answer(String body) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body;
  }

  /**
   * A master killed and started again while submit --wait waits (it keeps the job in its
   * journal) is waited for, as bin/swamp run waits for it, and the job's result is printed.
   */
  @Test
  void aWaitGoesOnOverAMasterThatIsStartedAgain() throws Exception {
    AtomicInteger request = new AtomicInteger();
    // the job runs; then two requests are dropped unanswered, the master's restart; then it ended
    // (a connection that sends nothing is the client's probe of the port: not counted)
    try (MasterClientTest.FakeServer master = new MasterClientTest.FakeServer(10, r -> r.startsWith("null") ? ""
        : switch (request.incrementAndGet()) {
          case 1 -> answer("{\"id\": \"j7\", \"state\": \"RUNNING\"}");
          case 2, 3 -> "";
          default -> answer("{\"id\": \"j7\", \"state\": \"SUCCEEDED\", \"exitCode\": 0, \"stdout\": \"done\\n\"}");
        })) {
      ByteArrayOutputStream told = new ByteArrayOutputStream();
      Json job = JobCommands.awaitJob(new MasterClient(master.url()), "j7", null,
          new PrintStream(told, true, StandardCharsets.UTF_8));
      assertEquals("SUCCEEDED", job.path("state").asText());
      assertEquals("done\n", job.path("stdout").asText());
      String said = told.toString(StandardCharsets.UTF_8);
      assertTrue(said.contains("swamp: the master does not answer (") && said.contains("it keeps job j7 in its"
          + " journal; waiting up to 5m for it to answer again"), said);
      assertTrue(said.contains("swamp: the master answers again after "), said);
      assertEquals(4, request.get());
    }
  }
}
