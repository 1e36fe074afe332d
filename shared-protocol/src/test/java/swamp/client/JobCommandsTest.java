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

  /** status j1 --run r1 showed the run and left j1 out without a word; it is refused, asking nothing. */
  @Test
  void statusOfAJobAndARunIsRefused() throws Exception {
    try (MasterClientTest.FakeServer master = new MasterClientTest.FakeServer(1, r -> answer("{}"))) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream was = System.err;
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      try {
        assertEquals(2, ClientCli.execute("status", "--url", master.url(), "--run", "r1", "j1"));
      } finally {
        System.setErr(was);
      }
      assertEquals("swamp: status shows one job or one run: give j1 or --run r1, not both\n",
          err.toString(StandardCharsets.UTF_8));
      assertTrue(master.requests.isEmpty(), master.requests.toString());
    }
  }

  /**
   * A word whose bytes are not UTF-8 ($'\xff', a Latin-1 file name under LANG=C) reaches the JVM
   * as U+FFFD: the job ran 'echo \uFFFD' for 'echo $'\xff'' without a word. It is refused, and
   * nothing is submitted.
   */
  @Test
  void aWordThatIsNotUtf8IsRefusedNotChanged() throws Exception {
    try (MasterClientTest.FakeServer master = new MasterClientTest.FakeServer(1,
        r -> answer("{\"id\": \"j1\"}"))) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream was = System.err;
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      try {
        assertEquals(2, ClientCli.execute("submit", "--url", master.url(), "--", "cat", "caf\uFFFD.txt"));
        assertEquals(2, ClientCli.execute("submit", "--url", master.url(), "--env", "N=\uFFFD", "--", "true"));
        assertEquals(2, ClientCli.execute("submit", "--url", master.url(), "--work-dir", "/d\uFFFD", "--", "true"));
      } finally {
        System.setErr(was);
      }
      String said = err.toString(StandardCharsets.UTF_8);
      assertTrue(said.contains("swamp: argument 1 ('caf\uFFFD.txt') holds bytes that are not UTF-8"), said);
      assertTrue(said.contains("swamp: --env N ('N=\uFFFD') holds bytes that are not UTF-8"), said);
      assertTrue(said.contains("swamp: --work-dir ('/d\uFFFD') holds bytes that are not UTF-8"), said);
      assertTrue(master.requests.isEmpty(), master.requests.toString());
      assertEquals(0, ClientCli.execute("submit", "--url", master.url(), "--", "echo", "caf\u00e9 \u2603"));
      assertEquals(1, master.requests.size());
    }
  }

  /**
   * A job that ran again, its worker lost, shows why in bin/swamp status: each attempt, where it
   * ran and how it ended.
   */
  @Test
  void statusShowsTheAttemptsOfAJobThatRanAgain() throws Exception {
    String job = "{\"id\": \"j13\", \"state\": \"SUCCEEDED\", \"exitCode\": 0, \"attempts\": 2,"
        + " \"argv\": [\"sleep\", \"30\"], \"history\": ["
        + "{\"attempt\": 1, \"worker\": \"w2\", \"startedAt\": \"2026-12-06T09:17:35Z\","
        + " \"outcome\": \"requeued: worker w2 lost (left: stopped by SIGTERM)\"},"
        + "{\"attempt\": 2, \"worker\": \"w3\", \"startedAt\": \"2026-12-06T09:18:03Z\","
        + " \"outcome\": \"SUCCEEDED (exit 0)\"}]}";
    try (MasterClientTest.FakeServer master = new MasterClientTest.FakeServer(2,
        r -> r.startsWith("null") ? "" : answer(job))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream was = System.out;
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      try {
        assertEquals(0, ClientCli.execute("status", "--url", master.url(), "j13"));
      } finally {
        System.setOut(was);
      }
      String shown = out.toString(StandardCharsets.UTF_8);
      assertTrue(shown.contains("history:\n  attempt 1 on w2 at 2026-12-06T09:17:35Z: requeued: worker w2"
          + " lost (left: stopped by SIGTERM)\n  attempt 2 on w3 at 2026-12-06T09:18:03Z: SUCCEEDED (exit 0)\n"),
          shown);
    }
  }

  /**
   * --wait-timeout 0 gave up at once (exit 124, 'gave up waiting ... after 0s') where a job's
   * --timeout 0 and timeout(1)'s 0 mean no limit: it waits for the job.
   */
  @Test
  void aWaitTimeoutOfZeroWaitsForTheJob() throws Exception {
    AtomicInteger request = new AtomicInteger();
    try (MasterClientTest.FakeServer master = new MasterClientTest.FakeServer(3, r -> r.startsWith("null") ? ""
        : switch (request.incrementAndGet()) {
          case 1 -> answer("{\"id\": \"j8\"}");
          case 2 -> answer("{\"id\": \"j8\", \"state\": \"RUNNING\"}");
          default -> answer("{\"id\": \"j8\", \"state\": \"SUCCEEDED\", \"exitCode\": 0, \"stdout\": \"\"}");
        })) {
      assertEquals(0, ClientCli.execute("submit", "--url", master.url(), "--wait", "--wait-timeout", "0",
          "--", "sleep", "2"));
      assertEquals(3, request.get());
    }
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

  /**
   * submit --wait says why a job waits once for each reason, as its help and the README say: not
   * at every poll, and again when the reason changes.
   */
  @Test
  void aWaitSaysWhyOnceForEachReason() throws Exception {
    AtomicInteger request = new AtomicInteger();
    String gpu = "no registered worker offers label gpu";
    String slots = "it needs 4 slots, and no registered worker has that many (the most: 2)";
    try (MasterClientTest.FakeServer master = new MasterClientTest.FakeServer(10, r -> r.startsWith("null") ? ""
        : switch (request.incrementAndGet()) {
          case 1, 2 -> answer("{\"id\": \"j8\", \"state\": \"QUEUED\", \"reason\": \"" + gpu + "\"}");
          case 3, 4 -> answer("{\"id\": \"j8\", \"state\": \"QUEUED\", \"reason\": \"" + slots + "\"}");
          default -> answer("{\"id\": \"j8\", \"state\": \"SUCCEEDED\", \"exitCode\": 0}");
        })) {
      ByteArrayOutputStream told = new ByteArrayOutputStream();
      Json job = JobCommands.awaitJob(new MasterClient(master.url()), "j8", null,
          new PrintStream(told, true, StandardCharsets.UTF_8));
      assertEquals("SUCCEEDED", job.path("state").asText());
      assertEquals("swamp: job j8 is waiting: " + gpu + "\nswamp: job j8 is waiting: " + slots + "\n",
          told.toString(StandardCharsets.UTF_8));
    }
  }
}
