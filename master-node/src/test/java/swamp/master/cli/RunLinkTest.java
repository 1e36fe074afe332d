package swamp.master.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import swamp.client.MasterClient;
import swamp.master.script.Plan;
import swamp.master.script.Script;
import swamp.master.script.ScriptException;

/** What a run says to its master when the master cannot answer as the run starts. */
class RunLinkTest {

  private static Plan plan() throws ScriptException {
    return Script.plan("echo hi > out.txt\n", "s.sh", Path.of("/tmp"), Map.of(), List.of());
  }

  /**
   * A standby answers 503 while it takes over: the run waits for it and is registered, where it
   * ran as jobs of no run before (without the keys that make a batch sent again the same jobs).
   */
  @Test
  void aRunStartedDuringATakeoverWaitsToBeRegistered() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/runs", exchange -> {
      exchange.getRequestBody().readAllBytes();
      boolean takingOver = asked.incrementAndGet() <= 2;
      byte[] body = (takingOver ? "{\"error\": \"this master is a standby and the active master is"
          + " unreachable\"}" : "{\"id\": \"r7\"}").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(takingOver ? 503 : 201, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    List<String> notes = new CopyOnWriteArrayList<>();
    try {
      RunLink link = new RunLink(new MasterClient("http://127.0.0.1:" + server.getAddress().getPort()),
          Duration.ofMinutes(1), () -> false, notes::add);
      link.register("s.sh", plan());
      assertEquals("r7", link.runId(), "registered once the master answers; notes: " + notes);
      assertEquals(3, asked.get());
      assertTrue(notes.stream().anyMatch(n -> n.contains("waiting up to 1m")), notes.toString());
    } finally {
      server.stop(0);
    }
  }

  /**
   * A master that refuses the run's token refuses each of its jobs too: the run said "the master
   * did not record the run (the API token is wrong); running it anyway", and then stopped on
   * that error. It stops at once, saying it once.
   */
  @Test
  void aRefusedTokenStopsTheRunAtOnce() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/runs", exchange -> {
      exchange.getRequestBody().readAllBytes();
      byte[] body = "{\"error\": \"the API token is wrong\"}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(401, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    List<String> notes = new CopyOnWriteArrayList<>();
    try {
      RunLink link = new RunLink(new MasterClient("http://127.0.0.1:" + server.getAddress().getPort()),
          Duration.ofMinutes(5), () -> false, notes::add);
      Plan plan = plan();
      MasterClient.ApiException e = assertThrows(MasterClient.ApiException.class,
          () -> link.register("s.sh", plan));
      assertEquals(401, e.status());
      assertTrue(e.getMessage().startsWith("the API token is wrong"), e.getMessage());
      assertTrue(notes.isEmpty(), notes.toString());
    } finally {
      server.stop(0);
    }
  }

  /** Where nothing listens at the master's URL the run stops at once, before anything runs. */
  @Test
  void noMasterAtTheUrlIsAnErrorAtOnce() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    List<String> notes = new CopyOnWriteArrayList<>();
    RunLink link = new RunLink(new MasterClient("http://127.0.0.1:" + port), Duration.ofMinutes(5),
        () -> false, notes::add);
    Plan plan = plan();
    MasterClient.ApiException e = assertThrows(MasterClient.ApiException.class,
        () -> link.register("s.sh", plan));
    assertEquals(0, e.status());
    assertTrue(notes.isEmpty(), notes.toString());
  }

  /**
   * A run stopped (SIGTERM) while its pool's master is down cannot cancel its jobs, which that
   * master runs once it is back: it says so. It said only "cancelling the 19 job(s) of the run",
   * exited 143, and the jobs ran.
   */
  @Test
  void aRunStoppedWhileItsMasterIsDownSaysItsJobsWereNotCancelled() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort(); // closed: nothing answers there
    }
    List<String> notes = new CopyOnWriteArrayList<>();
    RunLink link = new RunLink(new MasterClient("http://127.0.0.1:" + port), Duration.ofMinutes(1),
        () -> true, notes::add);
    link.stop(List.of("j1", "j2"), List.of());
    assertTrue(notes.stream().anyMatch(n -> n.startsWith("swamp: the cancel did not reach the master")
        && n.endsWith("the 2 job(s) go on there once it answers: bin/swamp cancel j1 j2")),
        notes.toString());

    List<String> inProcess = new CopyOnWriteArrayList<>(); // its jobs stop with this process
    new RunLink(new MasterClient("http://127.0.0.1:" + port), Duration.ZERO, () -> true,
        inProcess::add).stop(List.of("j1"), List.of());
    assertEquals(List.of(), inProcess);
  }
}
