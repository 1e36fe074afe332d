package swamp.master.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.junit.jupiter.api.Test;
import swamp.master.dispatch.JobDispatcher;
import swamp.master.dispatch.Views;
import swamp.master.dispatch.Watchers;
import swamp.master.membership.WorkerRegistry;
import swamp.master.pool.PoolScaler;
import swamp.protocol.JobState;

/** The plot's history: an hour of samples at most, the newest, each with its rate of finishes. */
class PoolHistoryTest {

  static Views.Health counts(int queued, int running) {
    return new Views.Health("ok", 1, "never", 2, queued, running, 0, 0, 0, 0, null);
  }

  @Test
  void aSampleCountsTheFinishesSinceTheLastPerSecond() {
    PoolHistory.Sample s = PoolHistory.Sample.of(15_000, counts(7, 3), 20, 10_000);
    assertEquals(new PoolHistory.Sample(15_000, 7, 3, 4.0), s);
  }

  @Test
  void onlyTheNewestSamplesAreKept() {
    PoolHistory.Samples samples = new PoolHistory.Samples(3);
    for (int i = 1; i <= 5; i++) {
      samples.add(PoolHistory.Sample.of(i * 5_000L, counts(i, 0), 0, (i - 1) * 5_000L));
    }
    assertEquals(List.of(3, 4, 5), samples.all().stream().map(PoolHistory.Sample::queued).toList());
  }

  @Test
  void anHourAtTheSamplingInterval() {
    assertEquals(3600, PoolHistory.KEEP * PoolHistory.INTERVAL.toSeconds());
  }

  /**
   * A standby asks nothing of the active master's dispatcher, which its messages cannot reach
   * (they failed to serialize, an ERROR every 5 s); once it has taken over, the jobs its own
   * dispatcher ends reach the plot from the node's event stream, where a subscription sent through
   * the singleton's proxy while it was a standby never reached that dispatcher.
   */
  @Test
  void aStandbySamplesNothingAndOnceActiveHearsTheEndsOfItsOwnDispatcher() {
    ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
    try {
      ManualTime time = ManualTime.get(testKit.system());
      AtomicInteger asked = new AtomicInteger();
      AtomicBoolean standby = new AtomicBoolean(true);
      PoolHistory history = new PoolHistory(testKit.system(), askingHealth(asked), Duration.ofSeconds(1));
      history.sampleUnless(standby::get);
      TestProbe<Object> probe = testKit.createTestProbe();
      for (int i = 0; i < 3; i++) {
        time.timePasses(PoolHistory.INTERVAL);
      }
      assertEquals(0, asked.get(), "a standby asks the dispatcher nothing");
      assertTrue(history.answer().get("samples").toString().equals("[]"), history.answer().toString());

      standby.set(false); // it took over: its own dispatcher ends jobs
      Watchers.Ended ended = new Watchers.Ended(List.of(
          new Watchers.EndedJob(JobState.SUCCEEDED, 1, 2, 3)));
      probe.awaitAssert(Duration.ofSeconds(10), () -> {
        testKit.system().eventStream().tell(new EventStream.Publish<>(ended));
        time.timePasses(PoolHistory.INTERVAL);
        List<?> samples = (List<?>) history.answer().get("samples");
        assertTrue(!samples.isEmpty() && samples.stream().anyMatch(
            m -> ((java.util.Map<?, ?>) m).get("finishedPerSecond") instanceof Double d && d > 0),
            history.answer().toString());
        return null;
      });
      assertTrue(asked.get() > 0);
    } finally {
      testKit.shutdownTestKit();
    }
  }

  /** A master whose dispatcher answers every question with the same counts, counting them. */
  private static MasterAsk askingHealth(AtomicInteger asked) {
    return new MasterAsk() {
      @Override
      public void tellDispatcher(JobDispatcher.Command command) {}

      @Override
      @SuppressWarnings("unchecked")
      public <T> CompletionStage<T> dispatcher(Function<ActorRef<T>, JobDispatcher.Command> question,
          Duration timeout) {
        asked.incrementAndGet();
        return CompletableFuture.completedFuture((T) counts(4, 2));
      }

      @Override
      public <T> CompletionStage<T> registry(Function<ActorRef<T>, WorkerRegistry.Command> question,
          Duration timeout) {
        return new CompletableFuture<>();
      }

      @Override
      public <T> CompletionStage<T> scaler(Function<ActorRef<T>, PoolScaler.Command> question,
          Duration timeout) {
        return new CompletableFuture<>();
      }
    };
  }
}
