package swamp.master.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import swamp.master.dispatch.Views;

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
}
