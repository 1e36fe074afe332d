package swamp.master.api;

import java.util.Map;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * A request pekko-http cannot parse (a malformed request line, URI or header) is answered like
 * every other mistake: {@code {"error": ...}} naming the problem, with pekko-http's status.
 * Named in {@code pekko.http.server.parsing.error-handler}.
 */
public final class ApiParsingErrors extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo error, LoggingAdapter log,
      ServerSettings settings) {
    log.debug("refused a request pekko-http cannot parse: {}", error.formatPretty());
    String what = error.formatPretty();
    if (what.contains("missing required `Host` header")) { // also said of one it found illegal and dropped
      what += " (a Host header that is not HOST or HOST:PORT counts as none)";
    } else if (what.startsWith("Cannot establish effective URI")) {
      // an HTTP/1.0 request without Host (a health probe, a hand-written request): pekko-http's
      // text advised its programmer to set pekko.http.server.default-host-header
      what = "the request names no host: send a Host header (HOST:PORT of the master), which this"
          + " server needs of HTTP/1.0 requests too";
    }
    return ApiReplies.json(status.intValue(), Map.of("error", "bad request: " + what));
  }
}
