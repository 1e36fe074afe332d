package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Item 7 of issue 14: clients that start an upload and never finish it hold no more than their
 * own connection. The API keeps answering, and the master cuts each stalled upload off once its
 * read timeout is over.
 */
@ExtendWith(PoolExtension.class)
class SlowClientsIT {

  /** The read timeout the master is given here (seconds), short so the test sees it act. */
  static final int READ_TIMEOUT = 5;

  @Test
  void stalledUploadsLeaveHealthAnsweringAndAreCutOff(Pool pool) throws IOException {
    Master master = pool.startMaster(Map.of(),
        List.of("-Dswamp.master.http.read-timeout=" + READ_TIMEOUT + "s"), "--local-exec", "never");
    master.awaitHealthy(Pool.STARTUP);
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int round : new int[] {4, 20}) {
        while (stalled.size() < round) {
          stalled.add(stalledUpload(master));
        }
        // each answer within a second while `round` uploads hang
        for (int i = 0; i < 3; i++) {
          long start = System.nanoTime();
          Master.Response health = master.get("/api/health");
          Duration took = Duration.ofNanos(System.nanoTime() - start);
          assertEquals(200, health.status(), health.toString());
          assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0,
              "/api/health took " + took.toMillis() + " ms with " + round + " stalled uploads");
        }
      }
      // the read timeout closes every stalled upload: the client reads the end of the stream
      // (or an answer, then the end), never waits for ever
      List<String> answers = new ArrayList<>();
      for (Socket s : stalled) {
        s.setSoTimeout((int) Duration.ofSeconds(READ_TIMEOUT * 6L).toMillis());
        try (InputStream in = s.getInputStream()) {
          answers.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (SocketTimeoutException e) {
          throw new AssertionError("a stalled upload was still open "
              + READ_TIMEOUT * 6 + " s after it started; the read timeout is " + READ_TIMEOUT + " s");
        } catch (IOException e) {
          // a reset: cut off as well
        }
      }
      // each answer names the setting, not pekko-http's advice to its programmer ("toStrict")
      assertTrue(answers.stream().anyMatch(t -> t.startsWith("HTTP/1.1 408")), answers.toString());
      answers.stream().filter(t -> t.startsWith("HTTP/1.1 408")).forEach(t -> assertTrue(
          t.contains("swamp.master.http.read-timeout") && !t.contains("toStrict"), t));
      assertEquals(200, master.get("/api/health").status());
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
  }

  /** A POST whose headers promise 1,000 bytes of body, of which it sends 10. */
  private static Socket stalledUpload(Master master) {
    try {
      Socket s = new Socket("127.0.0.1", master.httpPort());
      OutputStream out = s.getOutputStream();
      // with the token: a request without one is answered 401 at once, and stalls nothing
      String token = master.token().map(t -> "Authorization: Bearer " + t + "\r\n").orElse("");
      out.write(("POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n" + token
          + "Content-Type: application/json\r\n"
          + "Content-Length: 1000\r\n\r\n{\"argv\": [").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
