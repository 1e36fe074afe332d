package swamp.master.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;
import org.apache.pekko.http.scaladsl.model.IllegalUriException;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's answers: JSON bodies, and {@code {"error": "..."}} with a 4xx status for the caller's
 * mistakes, whether a route found them or pekko-http's own directives and limits did (rejections,
 * bad URIs, bodies over the size limit).
 */
final class ApiReplies {
  private ApiReplies() {}

  private static final Logger log = LoggerFactory.getLogger(ApiReplies.class);

  static final ObjectMapper JSON = new ObjectMapper()
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  /**
   * Reads a request's body: one JSON value, nothing after it; a number with a fraction or an
   * exponent as written ({@code "slots": 1e400} is named so, not as the double it overflows to).
   */
  private static final com.fasterxml.jackson.databind.ObjectReader BODY =
      JSON.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .with(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION) // '"argv":..., "argv":...'
          .with(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .without(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);


  /** A status and a body to render as JSON. */
  record Answer(int status, Object body) {
    static Answer ok(Object body) {
      return new Answer(200, body);
    }

    static Answer error(int status, String message) {
      return new Answer(status, Map.of("error", message));
    }

    HttpResponse response() {
      return json(status, body);
    }
  }

  /** A mistake of the caller's, found while reading its request. */
  static final class BadRequest extends Exception {
    final int status;

    BadRequest(int status, String message) {
      super(message);
      this.status = status;
    }

    Answer answer() {
      return Answer.error(status, getMessage());
    }
  }

  static HttpResponse json(int status, Object body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render an answer as JSON", e);
    }
    return HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, bytes));
  }

  static Route error(int status, String message) {
    return complete(json(status, Map.of("error", message)));
  }

  /** The body of a request as JSON ({@code expected}, as the error names it); an empty or broken body is the caller's mistake. */
  static JsonNode readJson(byte[] body, String expected) throws BadRequest {
    if (body.length == 0) {
      throw new BadRequest(400, "the request has no body; send " + expected);
    }
    try {
      // '{...}{...}' or '{...} xyz' is refused: a second job must not be dropped unseen
      JsonNode json = BODY.readTree(body);
      wholeCharacters(json, "");
      return json;
    } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
      if (e.getOriginalMessage() == null || !e.getOriginalMessage().startsWith("Trailing token")) {
        throw new BadRequest(400, "the body is not valid JSON: " + plain(e.getOriginalMessage()));
      }
      throw new BadRequest(400, "the body holds more than one JSON value: something follows the first"
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr()) + "; send one job object, or an array of them");
    } catch (JsonProcessingException e) {
      // a broken constraint (nesting too deep, a number too long) has no location
      throw new BadRequest(400, "the body is not valid JSON: " + plain(e.getOriginalMessage())
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
              + ", column " + e.getLocation().getColumnNr()));
    } catch (java.io.IOException e) {
      throw new BadRequest(400, "the body cannot be read: " + e.getMessage());
    }
  }

  /**
   * Refuses a string that holds half of a UTF-16 surrogate pair ({@code "\\ud800"} alone), which
   * JSON's escapes allow but is no character: a program would be given '?' in its place, and the
   * job shown with text no client can print.
   */
  private static void wholeCharacters(JsonNode n, String at) throws BadRequest {
    if (n.isTextual()) {
      loneSurrogate(n.textValue(), at.isEmpty() ? "the body" : at);
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        wholeCharacters(n.get(i), at + "[" + i + "]");
      }
    } else if (n.isObject()) {
      for (var it = n.fields(); it.hasNext(); ) {
        var f = it.next();
        loneSurrogate(f.getKey(), "a field name" + (at.isEmpty() ? "" : " in " + at));
        wholeCharacters(f.getValue(), at.isEmpty() ? f.getKey() : at + "." + f.getKey());
      }
    }
  }

  private static void loneSurrogate(String s, String where) throws BadRequest {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new BadRequest(400, where + " holds \\u" + Integer.toHexString(c)
            + " without the other half of its UTF-16 surrogate pair: it is no character (a program"
            + " would get '?' in its place); send the character itself, or both halves of its pair");
      }
    }
  }

  /** Jackson's message without its advice to the programmer ("enable JsonReadFeature.X to allow"). */
  static String plain(String message) {
    return message == null ? "" : message
        .replaceAll(": enable `[^`]+` to allow", "") // Non-standard token 'NaN'
        .replaceAll(", from `[^`]+`", "") // the maximum allowed (1000)
        // 'expected close marker for Object (start marker at [Source: REDACTED (...); line: 1, column: 1])'
        .replaceAll("\\[Source: .*?; line: (\\d+), column: (\\d+)\\]", "line $1, column $2")
        .strip();
  }

  static boolean isTimeout(Throwable t) {
    while (t != null) {
      if (t instanceof TimeoutException) {
        return true;
      }
      t = t.getCause();
    }
    return false;
  }

  /**
   * What the routes' rejections become: 405 naming the methods the path takes, 404 naming the
   * endpoint that does not exist, and pekko-http's own answers for the rest, as JSON.
   */
  static RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handleAll(MethodRejection.class, rejected -> Directives.extractRequest(request -> {
          List<HttpMethod> methods = new ArrayList<>();
          rejected.forEach(r -> methods.add(r.supported()));
          if (methods.contains(org.apache.pekko.http.javadsl.model.HttpMethods.GET)) {
            methods.add(org.apache.pekko.http.javadsl.model.HttpMethods.HEAD); // transparent-head-requests
          }
          String names = methods.stream().map(HttpMethod::name).distinct()
              .collect(Collectors.joining(", "));
          return complete(json(405, Map.of("error", request.method().name()
                  + " is not allowed on " + request.getUri().path() + "; use " + names))
              .addHeader(Allow.create(methods.toArray(HttpMethod[]::new))));
        }))
        .handleNotFound(Directives.extractRequest(request -> error(404, "no such endpoint: "
            + request.method().name() + " " + request.getUri().path())))
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(ApiReplies::asJsonError);
  }

  /** Failures inside a route: a bad URI or an oversized body is the caller's, the rest ours. */
  static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(IllegalUriException.class, e -> error(400, e.info().formatPretty()))
        // a Content-Length over the limit: pekko-http says 400 "Request too large", the size is the problem
        .match(IllegalRequestException.class, e -> e.status().intValue() == 408
            // a body slower than the read timeout; pekko-http's text advises its programmer ("toStrict")
            ? error(408, "the request's body did not arrive whole within"
                + " swamp.master.http.read-timeout; send it at once, or raise that setting")
            : error(e.info().summary().startsWith("Request too large")
                ? 413 : e.status().intValue(), e.info().formatPretty()))
        .match(EntityStreamSizeException.class, e -> error(413, "the request body is larger"
            + " than " + e.limit() / (1024 * 1024) + " MiB"))
        .matchAny(e -> Directives.extractRequest(request -> {
          log.warn("request {} {} failed", request.method().name(), request.getUri(), e);
          return error(500, "internal error: " + e);
        }))
        .build();
  }

  /** A text answer of pekko-http's as {@code {"error": text}}; JSON answers stay as they are. */
  static HttpResponse asJsonError(HttpResponse response) {
    if (response.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)
        || !(response.entity() instanceof HttpEntity.Strict strict)) {
      return response;
    }
    String text = strict.getData().utf8String();
    List<HttpHeader> headers = new ArrayList<>();
    response.getHeaders().forEach(headers::add);
    return json(response.status().intValue(), Map.of("error", text.isEmpty()
        ? response.status().reason() : text)).withHeaders(headers);
  }

  /**
   * The answer to a request the server's request timeout ended ({@code
   * pekko.http.server.request-timeout}): a read, since what changes something is answered by the
   * master itself, in JSON as every error, not pekko-http's text.
   */
  static HttpResponse timedOut(HttpRequest request) {
    return json(503, Map.of("error", "the master did not answer " + describe(request)
        + " in time (pekko.http.server.request-timeout); it may be busy: ask again"));
  }

  /** How a request is named in a log line. */
  static String describe(HttpRequest request) {
    return request.method().name() + " " + request.getUri().path();
  }
}
