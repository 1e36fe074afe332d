package swamp.master.api;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The dashboard's page, its script and style, and the chart library from its WebJar: all served
 * from the jar, so the page needs no network beyond the master. They hold no data; what the page
 * shows comes from the API and the live feed, behind the token.
 */
final class DashboardRoutes {
  private DashboardRoutes() {}

  static final String DIR = "swamp/master/dashboard";
  /** The chart library (uPlot) as its WebJar lays it out. */
  static final String WEBJARS = "META-INF/resources/webjars";

  /**
   * The page again, for {@code /?token=} with a wrong token: 401, and the page, which finds the
   * token still in its address (a right one leaves it) and asks for it again, saying so.
   */
  static Route pageForAWrongToken() {
    return respondWithHeader(CacheControl.create(CacheDirectives.NO_CACHE), () -> mapResponse(
        page -> page.withStatus(StatusCodes.UNAUTHORIZED), () -> getFromResource(DIR + "/index.html")));
  }

  static Route route() {
    return respondWithHeader(CacheControl.create(CacheDirectives.NO_CACHE), () -> concat(
        pathEndOrSingleSlash(() -> get(() -> getFromResource(DIR + "/index.html"))),
        pathPrefix("static", () -> get(() -> getFromResourceDirectory(DIR))),
        pathPrefix("webjars", () -> get(() -> getFromResourceDirectory(WEBJARS)))));
  }
}
