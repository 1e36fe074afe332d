package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A PostgreSQL journal that goes away while the master runs (the server restarted, its network
 * cut) and comes back: a client that submits meanwhile is answered 503 saying its job was not
 * accepted, and it is not (it waited on the journal and was accepted once the journal was back,
 * after its client had been told 503); the jobs accepted before run, each once; the master takes
 * jobs again by itself. The journal is cut by a TCP relay of the test's between the master and
 * the server, which other tests share.
 */
@ExtendWith(PoolExtension.class)
class JournalOutageIT {

  @Test
  void aJournalThatGoesAwayAndComesBackLosesNothingAndAcceptsNothingBehindAClientsBack(Pool pool)
      throws Exception {
    try (StandbyIT.TestJournal journal = StandbyIT.TestJournal.fresh();
         Relay relay = new Relay(URI.create(journal.url().substring("jdbc:".length())))) {
      try {
        String url = journal.url().replaceFirst("//[^/]+/", "//127.0.0.1:" + relay.port() + "/");
        Master master = pool.startMaster(Map.of("SWAMP_JOURNAL_USER", StandbyIT.USER,
            "SWAMP_JOURNAL_PASSWORD", StandbyIT.PASSWORD), List.of(), "--journal", url,
            "--local-slots", "2");
        master.awaitHealthy(Pool.STARTUP);
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          before.add(master.submit(Map.of("argv", List.of("sleep", "2"))));
        }

        relay.cut();
        // the running jobs' finishes are the writes that find it gone
        Await.until("the master to find its journal gone", Duration.ofSeconds(30),
            () -> master.log().contains("the dispatcher stopped"));
        Map<String, Object> during = Map.of("argv", List.of("echo", "during"), "key", "during");
        Master.Response refused = master.post("/api/jobs", during);
        assertEquals(503, refused.status(), refused.toString());
        assertTrue(refused.error().contains("not accepted"), refused.toString());
        relay.restore();

        String after = Await.value("the master to take a job again", Duration.ofSeconds(90), () -> {
          Master.Response r = master.post("/api/jobs", Map.of("argv", List.of("echo", "after")));
          return r.status() == 201 ? r.json().path("id").asText() : null;
        });
        for (String id : before) {
          JsonNode job = master.awaitFinished(id, Duration.ofSeconds(60));
          assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
        }
        assertEquals("SUCCEEDED", master.awaitFinished(after, Duration.ofSeconds(60))
            .path("state").asText());
        Await.until("the master to say it dropped the late submission", Duration.ofSeconds(30),
            () -> master.log().contains("dropped a submission of 1 job(s)"));
        List<String> duringJobs = new ArrayList<>();
        master.get("/api/jobs?limit=1000").json().forEach(j -> {
          if (j.path("argv").toString().contains("during")) {
            duringJobs.add(j.toString());
          }
        });
        assertEquals(List.of(), duringJobs, "the job its client was told 503 about");
        // submitted again, it runs once
        String again = master.submit(during);
        assertEquals("SUCCEEDED", master.awaitFinished(again, Duration.ofSeconds(60))
            .path("state").asText());
        assertTrue(master.isAlive(), master.tail(30));
      } finally {
        pool.close(); // the master goes before its database does
      }
    }
  }

  /** A TCP relay to {@code target}'s host and port that can be cut (refusing) and restored. */
  static final class Relay implements AutoCloseable {
    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;

    Relay(URI target) throws IOException {
      this.target = new InetSocketAddress(target.getHost(), target.getPort() < 0 ? 5432
          : target.getPort());
      try (ServerSocket probe = new ServerSocket(0)) {
        port = probe.getLocalPort();
      }
      restore();
    }

    int port() {
      return port;
    }

    /** Listens again on the same port. */
    synchronized void restore() throws IOException {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      server = s;
      Thread accept = new Thread(() -> {
        while (!s.isClosed()) {
          try {
            Socket in = s.accept();
            Socket out = new Socket(target.getAddress(), target.getPort());
            open.add(in);
            open.add(out);
            pump(in, out);
            pump(out, in);
          } catch (IOException e) {
            return; // closed by cut()
          }
        }
      }, "relay-accept");
      accept.setDaemon(true);
      accept.start();
    }

    /** Closes every relayed connection and the port: the server is gone, as far as the master sees. */
    synchronized void cut() throws IOException {
      server.close();
      for (Socket s : open) {
        s.close();
      }
      open.clear();
    }

    private void pump(Socket from, Socket to) {
      Thread t = new Thread(() -> {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
            out.flush();
          }
        } catch (IOException e) {
          // one side closed: close the other below
        }
        try {
          from.close();
          to.close();
        } catch (IOException ignored) {
          // closed already
        }
        open.remove(from);
        open.remove(to);
      }, "relay-pump");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      cut();
    }
  }
}
