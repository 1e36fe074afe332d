package swamp.master.api;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.SameSite;
import org.apache.pekko.http.javadsl.server.Route;
import swamp.node.NodeAddress;

/**
 * Who may use the master's HTTP server, and where: the API token (a bearer header, or the
 * HttpOnly cookie a browser got by opening the dashboard with {@code ?token=}), a check against
 * cross-site requests for whatever changes something, and a standby's redirect to the active
 * master.
 */
final class ApiGate {

  /**
   * The cookie a browser keeps the token in, followed by the master's HTTP port: a browser sends
   * a host's cookies to each of its ports, and two masters on one host must not replace each
   * other's. Scripts cannot read it.
   */
  static final String COOKIE = "swamp_token_";
  /**
   * The header the dashboard sends with every request that changes something: another site's
   * page cannot send it without the master's consent (CORS), which it never gives.
   */
  static final String CSRF_HEADER = "X-Swamp-Request";

  private final byte[] apiToken;
  private volatile Supplier<Standby> standby = () -> null;
  private volatile String cookie = COOKIE + "0";
  /** The server speaks HTTPS: the cookie goes back over HTTPS only. */
  private volatile boolean secure;

  ApiGate(String apiToken) {
    this.apiToken = apiToken.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * On a standby, where clients should go: the active master's API; or, while there is none to
   * send them to, why not ({@code notNow}, answered with 503).
   */
  public record Standby(String activeUrl, String notNow) {
    static Standby at(String activeUrl) {
      return activeUrl == null ? new Standby(null, TAKEOVER) : new Standby(activeUrl, null);
    }

    static Standby notNow(String why) {
      return new Standby(null, why);
    }
  }

  private static final String TAKEOVER = "this master is a standby and the active master is"
      + " unreachable; it takes over once that one is down: try again shortly";

  /**
   * The port the master's HTTP server listens on, which names its cookie, and whether over HTTPS,
   * where the browser is told to send the cookie over HTTPS only ({@code Secure}).
   */
  void listensOn(int port, boolean https) {
    cookie = COOKIE + port;
    secure = https;
  }

  /** The name of the cookie this master keeps the token in. */
  String cookieName() {
    return cookie;
  }

  /** Asks {@code whenStandby} before each request: non-null sends the client on. */
  void redirectWhenStandby(Supplier<Standby> whenStandby) {
    standby = whenStandby;
  }

  /** Requests that need the token: everything but the dashboard's page and its scripts. */
  Route guard(Route open, Route protectedRoutes) {
    return concat(
        pathEndOrSingleSlash(() -> get(() -> parameterOptional("token", this::tokenInQuery))),
        open,
        authorized(() -> crossSiteChecked(() -> elsewhere(protectedRoutes))));
  }

  /**
   * {@code /?token=...} keeps a right token in a cookie and sends the browser on without it; a
   * wrong one gets the page again, with 401, and no cookie.
   */
  private Route tokenInQuery(Optional<String> token) {
    if (token.isEmpty()) {
      return reject();
    }
    if (apiToken.length == 0) { // a master without a token: nothing to keep
      return redirect(Uri.create("/"), StatusCodes.SEE_OTHER);
    }
    if (!matches(token.get())) { // a person typed it: the page, which asks again
      return DashboardRoutes.pageForAWrongToken();
    }
    HttpCookie kept = HttpCookie.create(cookie, token.get()).withHttpOnly(true)
        .withSameSite(SameSite.Strict).withPath("/").withSecure(secure);
    return setCookie(kept, () -> redirect(Uri.create("/"), StatusCodes.SEE_OTHER));
  }

  private Route authorized(Supplier<Route> inner) {
    if (apiToken.length == 0) {
      return loopbackOnly(inner);
    }
    // the cookie's name is read for each request (in this function): it is known once the server listens
    return optionalHeaderValueByName("Authorization", header -> optionalCookie(cookie, kept -> {
      String given = header.filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
          .map(h -> h.substring(7).trim())
          .orElse(kept.map(c -> c.value()).orElse(""));
      if (matches(given)) {
        return inner.get();
      }
      // ?token= on another path than the page's (a scrape of /metrics, curl of /api/...): it
      // is not taken there, and the message pointing at ?token=TOKEN read as if it were
      return extractUri(uri -> parameterOptional("token", inQuery -> respondWithHeader(
          RawHeader.create("WWW-Authenticate", "Bearer"), () ->
          ApiReplies.error(401, header.isEmpty() && kept.isEmpty()
              ? inQuery.isPresent()
                  ? "?token= is taken only by the dashboard's page (/?token=TOKEN), which keeps it in"
                      + " a cookie; a request to " + uri.path() + " sends 'Authorization: Bearer TOKEN'"
                      + " (a Prometheus scrape: its authorization or bearer_token_file setting)"
                  : "this master requires an API token: send 'Authorization: Bearer TOKEN' (bin/swamp"
                      + " sends SWAMP_API_TOKEN, else the master's ~/.swamp/api-token), or open the"
                      + " dashboard with ?token=TOKEN"
              : header.map(ApiGate::malformed).orElse("the API token is wrong")))));
    }));
  }

  /** What is wrong with an Authorization header that did not match. */
  private static String malformed(String header) {
    String h = header.strip();
    if (h.equalsIgnoreCase("Bearer")) { // 'Bearer $TOKEN' with TOKEN unset
      return "the Authorization header names no token: send 'Bearer TOKEN'";
    }
    if (!h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return "the Authorization header must be 'Bearer TOKEN', not " + (h.contains(" ")
          ? "'" + h.split(" ", 2)[0] + " ...'" : "a value without a scheme");
    }
    return "the API token is wrong";
  }

  /**
   * Without a token (--insecure, on loopback) only requests addressed to a loopback name are
   * answered: a web page whose own name its DNS points at 127.0.0.1 (DNS rebinding) is of the same
   * origin as the API, and could else submit jobs and read their output from the user's browser.
   * What Jupyter does for the same reason.
   */
  private static Route loopbackOnly(Supplier<Route> inner) {
    return optionalHeaderValueByName("Host", host -> host.isEmpty() || LoopbackNames.isLoopback(hostName(host.get()))
        ? inner.get()
        : ApiReplies.error(403, "this master's API takes no token (--insecure on loopback), so it"
            + " answers only requests addressed to a loopback name (127.0.0.1, localhost, [::1]), not"
            + " to '" + host.get() + "': a web page could else reach it through DNS rebinding. Ask"
            + " http://127.0.0.1:PORT, or give the master a token (SWAMP_API_TOKEN)"));
  }

  private boolean matches(String given) {
    return MessageDigest.isEqual(apiToken, given.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A request that changes something from a browser must come from the dashboard itself: the
   * same origin, and with the dashboard's own header when its credential is the cookie.
   */
  private static Route crossSiteChecked(Supplier<Route> inner) {
    return extractRequest(request -> {
      if (safe(request)) {
        return inner.get();
      }
      Optional<String> origin = request.getHeader("Origin").map(h -> h.value());
      Optional<String> host = request.getHeader("Host").map(h -> h.value());
      if (origin.isPresent() && !origin.get().equals("null")
          && !host.map(h -> sameOrigin(origin.get(), h)).orElse(false)) {
        return ApiReplies.error(403, "a cross-site request was refused: its origin "
            + origin.get() + " is not this master's");
      }
      boolean byCookie = request.getHeader("Cookie").isPresent()
          && request.getHeader("Authorization").isEmpty();
      if (byCookie && request.getHeader(CSRF_HEADER).isEmpty()) {
        return ApiReplies.error(403, "a request that changes something with the dashboard's"
            + " cookie needs the " + CSRF_HEADER + " header, which only the dashboard sends");
      }
      return inner.get();
    });
  }

  /** Whether {@code origin} names the host and port of {@code hostHeader}; one that is no URI does not. */
  private static boolean sameOrigin(String origin, String hostHeader) {
    Uri uri;
    try {
      uri = Uri.create(origin);
    } catch (RuntimeException e) { // 'http://h:99999', 'http://[::1': pekko-http kept it raw
      return false;
    }
    return bare(uri.getHost().address()).equalsIgnoreCase(bare(hostName(hostHeader)))
        && uri.getPort() == port(hostHeader, origin);
  }

  /** An IPv6 address without the brackets a Host header writes it in and a Uri's host does not. */
  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static boolean safe(HttpRequest request) {
    return request.method().equals(HttpMethods.GET) || request.method().equals(HttpMethods.HEAD)
        || request.method().equals(HttpMethods.OPTIONS);
  }

  private static String hostName(String hostHeader) {
    int colon = hostHeader.lastIndexOf(':');
    return colon > 0 && !hostHeader.endsWith("]") ? hostHeader.substring(0, colon) : hostHeader;
  }

  private static int port(String hostHeader, String origin) {
    int colon = hostHeader.lastIndexOf(':');
    if (colon > 0 && !hostHeader.endsWith("]")) {
      return Integer.parseInt(hostHeader.substring(colon + 1));
    }
    return origin.startsWith("https:") ? 443 : 80;
  }

  /** A standby sends every request on to the active master, or answers 503 during a takeover. */
  private Route elsewhere(Route inner) {
    return extractRequest(request -> {
      Standby there = standby.get();
      if (there == null) {
        return inner;
      }
      if (there.activeUrl() == null) {
        return ApiReplies.error(503, there.notNow());
      }
      // 307 keeps the method and the body: a POST of jobs is sent on as it is
      Uri uri = request.getUri();
      String target = there.activeUrl() + uri.path() + uri.rawQueryString().map(q -> "?" + q).orElse("");
      return complete(ApiReplies.json(307, Map.of("error", "this master is a standby; the active"
              + " master is at " + there.activeUrl(), "active", there.activeUrl()))
          .addHeader(Location.create(target)));
    });
  }

  /**
   * The active master's API as this node sees the cluster: null when this node is the active one
   * (the oldest master node is where the singleton runs), otherwise a {@link Standby}. A node
   * not yet Up is never the active one: a standby serves its API before it has joined, and a
   * request it took for itself then went to the active master's singleton as soon as that was
   * found, a message only this JVM can read (a {@code NotSerializableException} in its log, and
   * no answer).
   */
  static Standby standbyOf(Cluster cluster) {
    MemberStatus self = cluster.selfMember().status(); // Removed before its join too
    if (self == MemberStatus.removed() || self == MemberStatus.joining()
        || self == MemberStatus.weaklyUp()) {
      return Standby.notNow("this master is still joining its cluster (or has left it): try"
          + " again shortly, or ask another master");
    }
    // the oldest master node still a member, whatever its status: while it is being downed or
    // removed, the singleton has not moved yet, and a request here would reach nobody
    Member oldest = null;
    for (Member m : cluster.state().getMembers()) {
      if (m.hasRole(NodeAddress.MASTER_ROLE) && m.status() != MemberStatus.joining()
          && m.status() != MemberStatus.weaklyUp()
          && (oldest == null || m.isOlderThan(oldest))) {
        oldest = m;
      }
    }
    if (oldest == null || oldest.address().equals(cluster.selfMember().address())) {
      return null;
    }
    if (oldest.status() != MemberStatus.up() || cluster.state().getUnreachable().contains(oldest)) {
      return Standby.at(null);
    }
    return Standby.at(NodeAddress.httpUrl(oldest.getRoles()).orElse(null));
  }
}
