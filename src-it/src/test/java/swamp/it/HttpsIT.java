package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12: {@code bin/swamp master --https} serves the API and the dashboard over TLS with the
 * pool's key, and {@code bin/swamp} trusts it by that key; plain HTTP gets no answer there.
 */
@ExtendWith(PoolExtension.class)
class HttpsIT {

  static final Duration CLI = Duration.ofSeconds(60);

  @Test
  void theCliTalksToAnHttpsMasterTrustingThePoolsKey(Pool pool) throws Exception {
    Master master = pool.startMaster("--https");
    Await.until("the master to serve HTTPS", Pool.STARTUP, () -> {
      assertTrue(master.isAlive(), master.tail(30));
      return master.log().contains("HTTP API on https://");
    });
    Map<String, String> https = Map.of("SWAMP_URL", "https://127.0.0.1:" + master.httpPort());

    Node submit = pool.swamp(null, pool.logDir(), https, "submit", "--wait", "--", "echo", "over https");
    assertEquals(0, submit.awaitExit(CLI), submit.tail(20));
    assertTrue(submit.output().contains("over https"), submit.tail(20));
    Node dashboard = pool.swamp(null, pool.logDir(), https, "dashboard", "--no-open");
    assertEquals(0, dashboard.awaitExit(CLI), dashboard.tail(20));
    assertTrue(dashboard.output().startsWith("https://127.0.0.1:" + master.httpPort() + "/?token="),
        dashboard.output());

    // the page keeps the token in a cookie that the browser sends back over HTTPS only
    java.net.http.HttpResponse<Void> kept = trustingAnyone().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(dashboard.output().strip())).build(),
        java.net.http.HttpResponse.BodyHandlers.discarding());
    String cookie = kept.headers().firstValue("Set-Cookie").orElse("");
    assertTrue(cookie.startsWith("swamp_token_" + master.httpPort() + "=") && cookie.contains("Secure")
        && cookie.contains("HttpOnly"), kept.statusCode() + " " + kept.headers());

    // plain HTTP on that port gets no answer (pekko-http's TLS stage drops it): the log and
    // bin/swamp say what to write instead
    org.junit.jupiter.api.Assertions.assertThrows(Master.ApiUnreachable.class,
        () -> master.get("/api/health"));
    assertTrue(master.log().contains("(https:// only: http:// to this port gets an empty reply)"), master.tail(30));
    Node plain = pool.swamp(null, pool.logDir(), Map.of("SWAMP_URL", "http://127.0.0.1:" + master.httpPort()), "workers");
    assertTrue(plain.awaitExit(CLI) != 0, plain.tail(20));
    String said = plain.output() + plain.errors();
    assertTrue(said.contains("a master started with --https takes https:// only")
        && said.contains("use --url https://127.0.0.1:" + master.httpPort()), said);
  }

  /**
   * The master's cluster port also answers TLS (mutual: it asks for the pool's certificate), and a
   * person copying ports from the master's log may give it as the URL. bin/swamp says it is the
   * cluster port and where the API is, over http:// and https://, where it said a master started
   * with --https takes https:// only, and then that one started without it takes http://.
   */
  @Test
  void aClientGivenTheClusterPortIsToldItIsNotTheApi(Pool pool) {
    Master master = pool.master();
    for (String scheme : new String[] {"http", "https"}) {
      String url = scheme + "://127.0.0.1:" + master.clusterPort();
      Node lost = pool.swamp(null, pool.logDir(), Map.of("SWAMP_URL", url), "workers");
      assertEquals(2, lost.awaitExit(CLI), lost.tail(20));
      String said = lost.output() + lost.errors();
      assertTrue(said.contains("cannot talk to the master at " + url + ": ")
          && said.contains("127.0.0.1:" + master.clusterPort() + " is a swamp node's cluster port"
              + " (bin/swamp master --port)")
          && said.contains("the API is on the master's HTTP port (--http-port"), said);
      assertFalse(said.contains("takes https:// only") || said.contains("takes http://"), said);
    }
    assertTrue(master.isAlive(), master.tail(30));
    assertEquals("ok", master.health().path("status").asText());
  }

  /** A client that takes any certificate: here only the cookie's attributes are looked at. */
  static java.net.http.HttpClient trustingAnyone() throws Exception {
    javax.net.ssl.TrustManager[] any = {new javax.net.ssl.X509ExtendedTrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String auth) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String auth) {}

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String auth, java.net.Socket s) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String auth, java.net.Socket s) {}

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String auth, javax.net.ssl.SSLEngine e) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String auth, javax.net.ssl.SSLEngine e) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }};
    javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
    tls.init(null, any, null);
    return java.net.http.HttpClient.newBuilder().sslContext(tls)
        .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
  }
}
