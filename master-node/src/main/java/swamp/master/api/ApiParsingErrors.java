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
    }
    return ApiReplies.json(status.intValue(), Map.of("error", "bad request: " + what));
  }
}
