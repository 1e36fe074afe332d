package swamp.master.api;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's HTTP server (pekko-http): the API ({@link ApiRoutes}), the dashboard and its live
 * feed and the history of its plot ({@link DashboardRoutes}, {@link LiveFeed}, {@link
 * PoolHistory}) and the metrics ({@link PoolMetrics}), behind
 * the token and the standby check ({@link ApiGate}); over HTTPS with the pool's key store when
 * the operator asks for it. Limits and timeouts are pekko-http's settings
 * ({@code pekko.http.server} in reference.conf).
 */
public final class ApiServer {

  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private final ActorSystem<?> system;
  private final ApiRoutes api;
  private final ApiGate gate;
  private final LiveFeed feed;
  private final PoolMetrics metrics;
  private final PoolHistory history;
  private ServerBinding binding;
  private boolean https;

  public ApiServer(ActorSystem<?> system, MasterAsk master, Duration askTimeout,
      String apiToken) {
    this.system = system;
    Config config = system.settings().config();
    this.api = new ApiRoutes(master, askTimeout,
        config.getDuration("swamp.master.http.read-timeout"));
    this.gate = new ApiGate(apiToken);
    this.feed = new LiveFeed(system, master);
    this.metrics = new PoolMetrics(system, master, api);
    this.history = new PoolHistory(system, master, askTimeout);
  }

  /** Asks {@code whenStandby} before each request: non-null sends the client on. */
  public void redirectWhenStandby(Supplier<ApiGate.Standby> whenStandby) {
    gate.redirectWhenStandby(whenStandby);
    history.sampleUnless(() -> whenStandby.get() != null);
  }

  /** Whether this node is a standby, as the cluster says. */
  public static ApiGate.Standby standbyOf(org.apache.pekko.cluster.typed.Cluster cluster) {
    return ApiGate.standbyOf(cluster);
  }

  /** The protected variables ({@link swamp.protocol.JobVariables}) a job's env may set. */
  public void allowJobVariables(List<String> names) {
    api.allowJobVariables(names);
  }

  /** Asked before each new job: a non-null answer refuses it (503) with that reason. */
  public void refuseNewJobsWhen(Supplier<String> reason) {
    api.refuseNewJobsWhen(reason);
  }

  /** From now on new jobs are refused with this reason; everything else still answers. */
  public void refuseNewJobs(String reason) {
    api.refuseNewJobs(reason);
  }

  Route route() {
    Route protectedRoutes = concat(api.route(), feed.route(), history.route(), metrics.route());
    // a body sent with Content-Encoding gzip or deflate is read decoded (a client compressing a
    // large batch), within the same size limit as a plain one
    return withRequestTimeoutResponse(ApiReplies::timedOut, () -> handleExceptions(ApiReplies.exceptions(), () -> handleRejections(
        ApiReplies.rejections(), () -> decodeRequest(() -> gate.guard(DashboardRoutes.route(), protectedRoutes)))));
  }

  /**
   * Binds the server; with {@code https}, over TLS with the key store of the remoting settings
   * ({@code SWAMP_TLS_*}, else the pool key).
   *
   * @throws IOException when the address cannot be bound or the key store read
   */
  public void start(String host, int port, boolean https) throws IOException {
    ServerBuilder builder = Http.get(system).newServerAt(host, port);
    if (https) {
      builder = builder.enableHttps(ConnectionContext.httpsServer(sslContext(system.settings().config())));
    }
    this.https = https;
    gate.listensOn(port, https);
    try {
      binding = builder.bind(route()).toCompletableFuture().join();
      gate.listensOn(port(), https); // the port given, or the one the system chose for 0
    } catch (CompletionException e) {
      throw new IOException(e.getCause() == null ? e.getMessage() : e.getCause().getMessage(), e);
    }
    log.info("HTTP API on {}://{}:{}/api, dashboard at /{}", https ? "https" : "http", host, port(),
        // pekko-http's TLS stage drops a plain request before any HTTP is read: no answer to send
        https ? " (https:// only: http:// to this port gets an empty reply)" : "");
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  public boolean https() {
    return https;
  }

  /** Stops taking connections and ends the open ones (live feeds included) within a second. */
  public CompletionStage<Done> stop() {
    if (binding == null) {
      return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
    }
    return binding.terminate(Duration.ofSeconds(1)).thenApply(t -> Done.getInstance());
  }

  /** The server side of TLS from the key store remoting uses (its key pair is the pool's). */
  private static SSLContext sslContext(Config config) throws IOException {
    String ssl = "pekko.remote.artery.ssl.config-ssl-engine.";
    Path store = Path.of(config.getString(ssl + "key-store"));
    char[] password = config.getString(ssl + "key-store-password").toCharArray();
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, password);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use the key store " + store + " for HTTPS: " + e.getMessage(), e);
    }
  }
}
