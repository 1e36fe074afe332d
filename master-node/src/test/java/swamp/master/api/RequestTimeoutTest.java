package swamp.master.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import swamp.master.dispatch.JobDispatcher;
import swamp.master.membership.WorkerRegistry;
import swamp.master.pool.PoolScaler;

/**
 * A master slower than the server's request timeout (1 s here; 20 s by default) but within its
 * ask timeout (5 s): five concurrent batches of 100,000 jobs took 20 s to read, parse and journal
 * on 2 cores, and pekko-http answered four of them 503 in plain text while the dispatcher
 * accepted all five. A submission is answered by the master, a read that times out in JSON.
 */
class RequestTimeoutTest {

  static final String TOKEN = "test-token-of-the-request-timeout-test";
  static final Duration SLOW = Duration.ofMillis(2500);
  static ActorTestKit testKit;
  static ApiServer server;
  static final List<JobDispatcher.Command> accepted = new CopyOnWriteArrayList<>();
  static final HttpClient http = HttpClient.newHttpClient();

  /** Answers every question {@link #SLOW}ly: a submission with ids, anything else with nothing. */
  static final class Slow implements MasterAsk {
    @Override
    public void tellDispatcher(JobDispatcher.Command command) {}

    @Override
    @SuppressWarnings("unchecked")
    public <T> CompletionStage<T> dispatcher(Function<ActorRef<T>, JobDispatcher.Command> question,
        Duration timeout) {
      JobDispatcher.Command c = question.apply(null);
      return CompletableFuture.supplyAsync(() -> {
        if (c instanceof JobDispatcher.Submit s) {
          accepted.add(c);
          return (T) new JobDispatcher.Submitted(s.specs().stream().map(x -> "j1").toList(), null);
        }
        return (T) List.of();
      }, CompletableFuture.delayedExecutor(SLOW.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Override
    public <T> CompletionStage<T> registry(Function<ActorRef<T>, WorkerRegistry.Command> q, Duration t) {
      return CompletableFuture.failedFuture(new IllegalStateException("not in this test"));
    }

    @Override
    public <T> CompletionStage<T> scaler(Function<ActorRef<T>, PoolScaler.Command> q, Duration t) {
      return CompletableFuture.failedFuture(new IllegalStateException("not in this test"));
    }
  }

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create("RequestTimeoutTest", ConfigFactory.parseString(
        "pekko.http.server.request-timeout = 1s").withFallback(ConfigFactory.load()));
    server = new ApiServer(testKit.system(), new Slow(), Duration.ofSeconds(5), TOKEN);
    server.start("127.0.0.1", 0, false);
  }

  @AfterAll
  static void stop() {
    server.stop().toCompletableFuture().join();
    testKit.shutdownTestKit();
  }

  static HttpResponse<String> send(HttpRequest.Builder r) throws Exception {
    return http.send(r.header("Authorization", "Bearer " + TOKEN).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
  }

  @Test
  void aSubmissionSlowerThanTheRequestTimeoutIsAnsweredWithItsJobs() throws Exception {
    HttpResponse<String> r = send(request("/api/jobs")
        .POST(HttpRequest.BodyPublishers.ofString("{\"argv\": [\"echo\", \"slow\"]}")));
    assertEquals(201, r.statusCode(), "the dispatcher accepts it, and the client must hear so: " + r.body());
    assertEquals("{\"id\":\"j1\"}", r.body());
    assertEquals(1, accepted.size());
  }

  @Test
  void aReadSlowerThanTheRequestTimeoutIsRefusedInJson() throws Exception {
    HttpResponse<String> r = send(request("/api/jobs"));
    assertEquals(503, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        r.headers().toString());
    assertEquals("{\"error\":\"the master did not answer GET /api/jobs in time"
        + " (pekko.http.server.request-timeout); it may be busy: ask again\"}", r.body());
  }
}
