package swamp.master.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import swamp.master.dispatch.Views;
import swamp.master.dispatch.Views.JobView;
import swamp.master.dispatch.Watchers;
import swamp.protocol.JobState;

/** What a page that reads slowly is owed stays bounded, however much changes meanwhile. */
class LiveFeedTest {

  static JobView job(int n, JobState state) {
    return new JobView("j" + n, state, null, "", "", false, "w1", 1, null, List.of("echo"),
        List.of(), null, null, null, null, null, null, List.of(), null, -1, "echo", null, null);
  }

  static Watchers.Changed changed(List<JobView> jobs, int queued) {
    return new Watchers.Changed(jobs, List.of(), new Views.Health("ok", 1, "never", 0, queued, 0,
        0, 0, 0, 0, null), false, false);
  }

  @Test
  void changesOfOneJobMergeIntoItsNewestView() {
    LiveFeed.Update u = LiveFeed.Update.of(changed(List.of(job(1, JobState.QUEUED)), 1))
        .add(changed(List.of(job(1, JobState.RUNNING)), 0))
        .add(changed(List.of(job(1, JobState.SUCCEEDED), job(2, JobState.QUEUED)), 1));
    assertEquals(2, u.jobs().size());
    assertEquals(JobState.SUCCEEDED, u.jobs().get("j1").state());
    assertEquals(1, u.health().queued(), "the newest counts");
    assertFalse(u.resync());
  }

  @Test
  void moreChangedJobsThanAPageIsOwedTurnIntoOneResync() {
    LiveFeed.Update u = LiveFeed.Update.of(changed(List.of(), 0));
    for (int round = 0; round < 100; round++) {
      List<JobView> jobs = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        jobs.add(job(round * 100 + i, JobState.QUEUED));
      }
      u = u.add(changed(jobs, round));
      assertTrue(u.jobs().size() <= LiveFeed.MAX_JOBS, "held " + u.jobs().size());
    }
    assertTrue(u.resync(), "the page is told to read the job list again");
    assertTrue(u.jobs().isEmpty());
    assertTrue(u.event().getData().contains("\"resync\":true"), u.event().getData());
  }
}
