package swamp.master.api;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import swamp.master.api.ApiReplies.BadRequest;
import swamp.protocol.JobState;

/**
 * The API's query parameters (and a body's {@code wait}): each read or refused with a 400 that
 * names it, so that a mistyped or repeated one is never ignored without a word.
 */
final class QueryParams {
  private QueryParams() {}

  /**
   * The query's parameters, each given once (the last where it is given more often and is not
   * one of {@code repeatable}); 400 for a parameter not in {@code known}, which would else be
   * ignored without a word.
   */
  static Map<String, String> single(Map<String, List<String>> params, List<String> known,
      String... repeatable) throws BadRequest {
    Map<String, String> query = new java.util.HashMap<>();
    for (Map.Entry<String, List<String>> p : params.entrySet()) {
      if (!known.contains(p.getKey())) {
        throw new BadRequest(400, "unknown query parameter '" + p.getKey() + "'; this path takes "
            + (known.isEmpty() ? "none" : String.join(", ", known)));
      }
      if (p.getValue().size() > 1 && !List.of(repeatable).contains(p.getKey())) {
        throw new BadRequest(400, p.getKey() + " is given " + p.getValue().size() + " times; give it once");
      }
      query.put(p.getKey(), p.getValue().get(p.getValue().size() - 1));
    }
    return query;
  }

  /**
   * A GET that takes no query parameter: one given anyway ({@code /api/runs?limit=5}) is the 400
   * that names it, as on the paths that take some, never ignored without a word.
   */
  static org.apache.pekko.http.javadsl.server.Route noQuery(
      java.util.function.Supplier<org.apache.pekko.http.javadsl.server.Route> inner) {
    return org.apache.pekko.http.javadsl.server.Directives.parameterMultiMap(q -> {
      try {
        single(q, List.of());
        return inner.get();
      } catch (BadRequest e) {
        return org.apache.pekko.http.javadsl.server.Directives.complete(e.answer().response());
      }
    });
  }

  /** The states a {@code state} parameter names, each given as a name or several, comma-separated. */
  static Set<JobState> states(List<String> given) throws BadRequest {
    Set<JobState> states = EnumSet.noneOf(JobState.class);
    for (String names : given) {
      for (String name : names.split(",", -1)) {
        try {
          states.add(JobState.valueOf(name.strip().toUpperCase()));
        } catch (IllegalArgumentException e) {
          throw new BadRequest(400, "state must be one of " + Arrays.stream(JobState.values())
              .map(Enum::name).collect(Collectors.joining(", ")) + " (or several, comma-separated), not '"
              + name + "'");
        }
      }
    }
    return states;
  }

  /** Parameter {@code name} of {@code q} as a positive whole number, {@code dflt} when absent; beyond an int, all. */
  static int positive(Map<String, String> q, String name, int dflt) throws BadRequest {
    String v = q.get(name);
    if (v == null) {
      return dflt;
    }
    java.math.BigInteger i = v.strip().matches("\\+?[0-9]+") ? new java.math.BigInteger(v.strip()) : null;
    if (i == null || i.signum() < 1) {
      throw new BadRequest(400, name + " must be a positive whole number, not '" + v + "'");
    }
    // more than there are, whatever its digits: all of them
    return i.min(java.math.BigInteger.valueOf(Integer.MAX_VALUE)).intValueExact();
  }

  /** A {@code wait} of 1 ms to {@link ApiRoutes#MAX_WAIT}, as "60s" or "500ms". */
  static Duration wait(String v) throws BadRequest {
    try {
      Duration d = JobRequests.parseDuration(v);
      if (d.isNegative() || d.isZero() || d.compareTo(ApiRoutes.MAX_WAIT) > 0) {
        throw new BadRequest(400, "wait must be between 1ms and 10m, not '" + v + "'");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new BadRequest(400, "wait: " + e.getMessage());
    }
  }
}
