package swamp.master.api;

import static org.apache.pekko.http.javadsl.server.Directives.*;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.Route;
import swamp.master.api.ApiReplies.Answer;
import swamp.master.api.ApiReplies.BadRequest;
import swamp.master.dispatch.JobDispatcher;
import swamp.master.dispatch.JobEvent;
import swamp.master.dispatch.RunCursor;
import swamp.master.dispatch.Views;
import swamp.master.dispatch.Views.JobView;
import swamp.master.membership.WorkerRegistry;
import swamp.master.pool.DirectoryView;
import swamp.master.pool.PoolScaler;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;

/**
 * The routes of {@code /api}: JSON in, JSON out, each answer from an ask of the master whose
 * future completes the request. Limits, unknown paths and wrong methods are the server's and its
 * directives' ({@link ApiReplies}).
 */
final class ApiRoutes {

  static final int MAX_BATCH = 100_000;
  /** The longest a client may ask a job to be waited for. */
  static final Duration MAX_WAIT = Duration.ofMinutes(10);

  private final MasterAsk master;
  private final Duration askTimeout;
  /** How long a request's body may take to arrive whole. */
  private final Duration readTimeout;
  private volatile String refusal;
  private volatile Supplier<String> refuseWhen = () -> null;
  private volatile List<String> allowedJobVariables = List.of();

  ApiRoutes(MasterAsk master, Duration askTimeout, Duration readTimeout) {
    this.master = master;
    this.askTimeout = askTimeout;
    this.readTimeout = readTimeout;
  }

  void allowJobVariables(List<String> names) {
    allowedJobVariables = List.copyOf(names);
  }

  void refuseNewJobsWhen(Supplier<String> reason) {
    refuseWhen = reason;
  }

  void refuseNewJobs(String reason) {
    refusal = reason;
  }

  Route route() {
    return pathPrefix("api", () -> concat(
        path("health", () -> pathEndOrSingleSlash(() -> get(() -> QueryParams.noQuery(() -> reply(
            this.<Views.Health>askDispatcher(r -> new JobDispatcher.GetHealth(r)),
            Answer::ok))))),
        pathPrefix("jobs", this::jobs),
        pathPrefix("runs", this::runs),
        pathPrefix("workers", this::workers),
        pathPrefix("sources", () -> pathEndOrSingleSlash(() -> get(() -> QueryParams.noQuery(() -> reply(
            this.<List<DirectoryView.SourceView>>askScaler(r -> new PoolScaler.ListSources(r)),
            Answer::ok)))))));
  }

  // ---- jobs ----

  private Route jobs() {
    return concat(
        pathEndOrSingleSlash(() -> concat(
            post(() -> body("a job object or an array of them", this::submit)),
            get(() -> parameterMultiMap(this::listJobs)))),
        path("await", () -> post(() -> body("{\"ids\": [...], \"wait\": \"60s\"}", this::awaitAny))),
        path("cancel", () -> post(() -> body(JobRequests.CANCEL_FORM, this::cancelMany))),
        pathPrefix(segment(), id -> id.equals("await") || id.equals("cancel") ? reject()
            : pathEndOrSingleSlash(() -> concat(
            get(() -> parameterMultiMap(q -> getJob(id, q))),
            delete(() -> QueryParams.noQuery(() -> reply(this.<JobDispatcher.CancelReply>askDispatcher(
                    r -> new JobDispatcher.CancelJob(id, r)),
                c -> c.view() == null ? Answer.error(404, c.error())
                    : c.error() != null ? Answer.error(409, c.error())
                    : Answer.ok(c.view()))))))));
  }

  private Route submit(JsonNode body) throws BadRequest {
    String refused = refusal != null ? refusal : refuseWhen.get();
    if (refused != null) {
      throw new BadRequest(503, refused);
    }
    List<JobSpec> specs = JobRequests.parse(body, MAX_BATCH, allowedJobVariables);
    boolean batch = body.isArray();
    List<String> keys = JobRequests.keys(body);
    // the dispatcher drops a submission that reaches it after this, so that a client answered
    // 503 never has its jobs accepted behind its back (they waited on a journal that was down,
    // and ran once it was back); the margin is the journal's write after the check
    long answerBy = System.currentTimeMillis() + askTimeout.toMillis() - askTimeout.toMillis() / 10;
    Supplier<CompletionStage<Answer>> submit = () ->
        this.<JobDispatcher.Submitted>askDispatcher(
                r -> new JobDispatcher.Submit(specs, keys, answerBy, r))
            .thenApply(s -> s.conflict() != null ? Answer.error(409, s.conflict())
                : new Answer(201, batch
                    ? s.ids().stream().map(id -> Map.of("id", id)).toList()
                    : Map.of("id", s.ids().get(0))));
    String notAccepted = "the master did not answer within " + askTimeout.toSeconds() + "s; the"
        + " job was not accepted (a submission it cannot answer in time is dropped, not taken"
        + " later): is its job journal reachable? The master's log names the journal it cannot"
        + " read";
    if (specs.stream().allMatch(s -> s.run() == null)) {
      return reply(submit.get(), a -> a, notAccepted);
    }
    // steps of runs: the runs must exist and have them
    return reply(this.<Optional<String>>askDispatcher(r -> new JobDispatcher.CheckRuns(specs, r))
        .thenCompose(problem -> problem.isPresent()
            ? CompletableFuture.completedFuture(Answer.error(400, problem.get()))
            : submit.get()), a -> a, notAccepted);
  }

  /**
   * {@code ?state=QUEUED,FAILED&worker=w3&limit=100} (a state may also be given again: {@code
   * &state=FAILED}; {@code worker}: the jobs last given to that worker).
   */
  private Route listJobs(Map<String, List<String>> params) {
    return checked(() -> {
      Map<String, String> query = QueryParams.single(params, List.of("state", "worker", "limit"), "state");
      java.util.Set<JobState> states = QueryParams.states(params.getOrDefault("state", List.of()));
      int limit = QueryParams.positive(query, "limit", 1000);
      String worker = query.get("worker");
      if (worker != null && worker.isBlank()) { // '?worker=$W' with W unset: it would match no job
        throw new BadRequest(400, "worker is empty: name a worker (GET /api/workers lists them),"
            + " or leave it out for every worker's jobs");
      }
      return reply(this.<List<JobView>>askDispatcher(r -> new JobDispatcher.ListJobs(states, worker, limit, r)),
          Answer::ok);
    });
  }

  /**
   * {@code {"ids": [...], "run": "r1", "state": ["QUEUED"]}}: cancels the unfinished jobs that
   * match every field given, in one journal write; answers how many were cancelled or told to
   * stop, and the ids it does not hold.
   */
  private Route cancelMany(JsonNode body) throws BadRequest {
    JobRequests.Cancel cancel = JobRequests.cancel(body, MAX_BATCH);
    return reply(this.<JobDispatcher.CancelledJobs>askDispatcher(
        r -> new JobDispatcher.CancelJobs(cancel.ids(), cancel.run(), cancel.states(), r)),
        c -> cancel.run() != null && c.unknown().equals(List.of(cancel.run()))
            ? Answer.error(404, "no run " + cancel.run()) : Answer.ok(c));
  }

  static final List<String> AWAIT_FIELDS = List.of("ids", "wait");

  /**
   * {@code {"ids": [...], "wait": "60s"}}: the final ones among them, once there is one; 404
   * naming the ids the master does not know (never known, or dropped as old), since no wait
   * would ever see them end.
   */
  private Route awaitAny(JsonNode body) throws BadRequest {
    List<String> problems = new ArrayList<>();
    if (!body.isObject()) {
      throw new BadRequest(400, "send {\"ids\": [...], \"wait\": \"60s\"} with 1 to " + MAX_BATCH + " job ids");
    }
    JsonFields.unknownFields(body, "", AWAIT_FIELDS, problems);
    List<String> given = JsonFields.strings(body, "ids", problems);
    List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(given)); // each once
    if (problems.isEmpty() && (ids.isEmpty() || ids.size() > MAX_BATCH)) {
      problems.add("ids must hold 1 to " + MAX_BATCH + " job ids, not " + ids.size());
    }
    JsonNode w = body.get("wait");
    if (w != null && !w.isNull() && !w.isTextual() && !w.isNumber()) { // "60s", or 60: seconds
      problems.add("wait must be a duration such as \"60s\", or a number of seconds");
    }
    if (!problems.isEmpty()) {
      throw new BadRequest(400, String.join("; ", problems));
    }
    Duration wait = QueryParams.wait(body.path("wait").asText("60s"));
    CompletionStage<JobDispatcher.Awaited> awaited =
        master.<JobDispatcher.Awaited>dispatcher(r -> new JobDispatcher.AwaitAny(ids, wait, r), wait);
    return longPoll(wait, reply(awaited.exceptionally(e -> {
      if (ApiReplies.isTimeout(e)) {
        return new JobDispatcher.Awaited(List.of(), List.of()); // none ended within the wait
      }
      throw new java.util.concurrent.CompletionException(e);
    }), a -> a.unknown().isEmpty() ? Answer.ok(a.ended()) : Answer.error(404, "no job "
        + String.join(", ", a.unknown().subList(0, Math.min(20, a.unknown().size())))
        + (a.unknown().size() > 20 ? " (and " + (a.unknown().size() - 20) + " more)" : "")
        + ": never submitted, or dropped as old; no wait would see it end")));
  }

  private Route getJob(String id, Map<String, List<String>> params) {
    return checked(() -> {
      Map<String, String> query = QueryParams.single(params, List.of("wait"));
      Supplier<CompletionStage<Optional<JobView>>> current = () ->
          this.<Optional<JobView>>askDispatcher(r -> new JobDispatcher.GetJob(id, r));
      if (!query.containsKey("wait")) {
        return reply(current.get(), v -> jobAnswer(id, v));
      }
      Duration wait = QueryParams.wait(query.get("wait"));
      CompletionStage<Optional<JobView>> awaited = master.<Optional<JobView>>dispatcher(r -> new JobDispatcher.AwaitJob(id, wait, r), wait);
      // at the end of the wait the job is answered as it stands
      return longPoll(wait, reply(awaited.exceptionallyCompose(e -> ApiReplies.isTimeout(e)
              ? current.get() : CompletableFuture.<Optional<JobView>>failedStage(e)),
          v -> jobAnswer(id, v)));
    });
  }

  private static Answer jobAnswer(String id, Optional<JobView> v) {
    return v.map(Answer::ok).orElseGet(() -> Answer.error(404, "no job " + id));
  }

  // ---- runs and workers ----

  /** {@code POST /api/runs}, {@code GET /api/runs}, {@code GET /api/runs/ID}. */
  private Route runs() {
    return concat(
        pathEndOrSingleSlash(() -> concat(
            post(() -> body("a run: {\"name\", \"workDir\", \"commands\": [...]}", this::createRun)),
            get(() -> QueryParams.noQuery(() -> reply(this.<List<Views.RunSummaryView>>askDispatcher(
                r -> new JobDispatcher.ListRuns(r)), Answer::ok))))),
        pathPrefix(segment(), id -> concat(
            pathEndOrSingleSlash(() -> get(() -> QueryParams.noQuery(() -> reply(
                this.<Optional<Views.RunView>>askDispatcher(r -> new JobDispatcher.GetRun(id, r)),
                v -> v.map(Answer::ok).orElseGet(() -> Answer.error(404, "no run " + id)))))),
            path("ended", () -> get(() -> parameterMultiMap(q -> runEnded(id, q)))),
            path("not-run", () -> post(() -> body("{\"steps\": [...]}", b -> notRun(id, b)))),
            path("steps", () -> post(() -> body("{\"commands\": [...]}", b -> addSteps(id, b)))))));
  }

  /**
   * {@code POST /api/runs/ID/steps} with {@code {"commands": [...]}}: commands its client planned
   * as the script ran, after the run's last step (sent again, the same: taken again).
   */
  private Route addSteps(String id, JsonNode body) throws BadRequest {
    List<JobEvent.RunCommand> commands = RunRequests.added(body, MAX_BATCH);
    return reply(this.<Optional<JobDispatcher.RunRefused>>askDispatcher(
            r -> new JobDispatcher.AddSteps(id, commands, r)),
        refused -> refused.map(this::refusal).orElseGet(() -> Answer.ok(Map.of("run", id,
            "added", commands.size()))));
  }

  private Answer refusal(JobDispatcher.RunRefused p) {
    return Answer.error(switch (p.kind()) {
      case NO_RUN -> 404;
      case NO_STEP -> 400;
      case HAS_JOB -> 409;
    }, p.why());
  }

  /**
   * {@code POST /api/runs/ID/not-run} with {@code {"steps": [...]}}: steps its client decided not
   * to run, as bash would not have run them; they show as {@code NOT_RUN} instead of waiting.
   */
  private Route notRun(String id, JsonNode body) throws BadRequest {
    List<Integer> steps = RunRequests.notRun(body, MAX_BATCH);
    return reply(this.<Optional<JobDispatcher.RunRefused>>askDispatcher(
            r -> new JobDispatcher.MarkNotRun(id, steps, r)),
        refused -> refused.map(this::refusal).orElseGet(() -> Answer.ok(Map.of("run", id, "notRun", steps))));
  }

  /**
   * {@code GET /api/runs/ID/ended?after=CURSOR&wait=60s}: the run's jobs that ended since the
   * cursor (all of them without one), in the order they ended, once there is one or the wait is
   * over; {@code next} is the cursor to send next. What a script's client follows instead of
   * naming every job it waits for.
   */
  private Route runEnded(String id, Map<String, List<String>> params) {
    return checked(() -> {
      Map<String, String> query = QueryParams.single(params, List.of("after", "wait"));
      RunCursor after;
      try {
        after = RunCursor.parse(query.get("after"));
      } catch (IllegalArgumentException e) {
        throw new BadRequest(400, "after: " + e.getMessage());
      }
      Duration wait = query.containsKey("wait") ? QueryParams.wait(query.get("wait")) : Duration.ZERO;
      CompletionStage<Optional<Views.RunEndedView>> awaited = master.<Optional<Views.RunEndedView>>dispatcher(
          r -> new JobDispatcher.AwaitRun(id, after, wait, r), wait.plus(askTimeout));
      return longPoll(wait, reply(awaited.exceptionally(e -> {
        if (ApiReplies.isTimeout(e)) { // none ended within the wait
          return Optional.of(new Views.RunEndedView(id, List.of(), query.getOrDefault("after", "")));
        }
        throw new java.util.concurrent.CompletionException(e);
      }), v -> v.map(Answer::ok).orElseGet(() -> Answer.error(404, "no run " + id))));
    });
  }

  private Route createRun(JsonNode body) throws BadRequest {
    if (refusal != null) {
      throw new BadRequest(503, refusal);
    }
    RunRequests.NewRun run = RunRequests.parse(body, MAX_BATCH);
    return reply(this.<String>askDispatcher(
            r -> new JobDispatcher.CreateRun(run.name(), run.workDir(), run.commands(), r)),
        id -> new Answer(201, Map.of("id", id)));
  }

  private Route workers() {
    return concat(
        pathEndOrSingleSlash(() -> get(() -> QueryParams.noQuery(() -> reply(workerList(), Answer::ok)))),
        path("dismiss", () -> post(() -> dismiss(null))),
        pathPrefix(segment(), id -> path("dismiss", () -> post(() -> dismiss(id)))));
  }

  /** The registered workers and the spawns of the directory that have not registered. */
  CompletionStage<List<Views.WorkerView>> workerList() {
    return this.<List<Views.WorkerView>>askDispatcher(r -> new JobDispatcher.ListWorkers(r))
        .thenCombine(this.<List<DirectoryView.SpawnView>>askScaler(r -> new PoolScaler.ListSpawns(r)),
            PoolView::withSpawns);
  }

  private Route dismiss(String id) {
    // the body says nothing, but is read: an answer before the whole request came makes Pekko
    // HTTP close the connection, with a warning in the master's log
    return QueryParams.noQuery(() -> extractStrictEntity(readTimeout, entity -> withoutRequestTimeout(
        () -> checked(() -> {
          noBody(entity.getData().toArray(), id == null
              ? "POST /api/workers/dismiss takes no body: it dismisses every worker; to dismiss one,"
                  + " POST /api/workers/ID/dismiss"
              : "POST /api/workers/" + id + "/dismiss takes no body");
          return reply(master.<WorkerRegistry.Dismissed>registry(
                  r -> new WorkerRegistry.DismissWorkers(id, "dismissed by request", r), askTimeout),
              d -> d.error() != null ? Answer.error(404, d.error())
                  : Answer.ok(Map.of("dismissed", d.workerIds())));
        }))));
  }

  /**
   * Refuses a body that says something ({@code {"id": "w1"}} to the endpoint that dismisses every
   * worker dismissed them all); none, blanks or {@code {}} is what the CLI and the dashboard send.
   */
  private static void noBody(byte[] body, String refusal) throws BadRequest {
    if (new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      return;
    }
    JsonNode json;
    try {
      json = ApiReplies.readJson(body, "no body");
    } catch (BadRequest notJson) {
      throw new BadRequest(400, refusal);
    }
    if (!json.isObject() || !json.isEmpty()) {
      throw new BadRequest(400, refusal);
    }
  }

  // ---- plumbing ----

  /**
   * A route that needs the request's body as JSON ({@code expected}), read whole within the read
   * timeout; it takes no query parameter ({@code POST /api/jobs?wait=60s} would else submit and
   * ignore the wait).
   */
  private Route body(String expected, ThrowingRoute<JsonNode> inner) {
    // the master's own answer, which the ask's timeout bounds, is the one the client gets: the
    // server's request timeout counts the reading and parsing of a large body too, and answered
    // 503 while the dispatcher went on to accept the jobs (a client that submitted again then
    // had every job twice)
    return QueryParams.noQuery(() -> extractStrictEntity(readTimeout, entity -> withoutRequestTimeout(
        () -> checked(() -> inner.apply(ApiReplies.readJson(entity.getData().toArray(), expected))))));
  }

  interface ThrowingRoute<T> {
    Route apply(T t) throws BadRequest;
  }

  private static Route checked(ThrowingSupplier inner) {
    try {
      return inner.get();
    } catch (BadRequest e) {
      return complete(e.answer().response());
    }
  }

  interface ThrowingSupplier {
    Route get() throws BadRequest;
  }

  /** A wait of up to {@link #MAX_WAIT}: the server's request timeout must not end it first. */
  private static Route longPoll(Duration wait, Route inner) {
    return withRequestTimeout(wait.plusSeconds(30), () -> inner);
  }

  <T> CompletionStage<T> askDispatcher(
      Function<org.apache.pekko.actor.typed.ActorRef<T>, JobDispatcher.Command> question) {
    return master.dispatcher(question, askTimeout);
  }

  <T> CompletionStage<T> askScaler(
      Function<org.apache.pekko.actor.typed.ActorRef<T>, PoolScaler.Command> question) {
    return master.scaler(question, askTimeout);
  }

  private <T> Route reply(CompletionStage<T> answer, Function<T, Answer> render) {
    return reply(answer, render, "the master did not answer within " + askTimeout.toSeconds()
        + "s");
  }

  /** {@code timedOut}: what a client is told when the answer does not come in time. */
  private <T> Route reply(CompletionStage<T> answer, Function<T, Answer> render,
      String timedOut) {
    return completeWithFuture(answer.handle((value, failure) -> failure == null
        ? render.apply(value).response()
        : Answer.error(503, ApiReplies.isTimeout(failure) ? timedOut
            : "the master failed to answer: " + failure.getMessage()).response()));
  }
}
