package swamp.master.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import swamp.master.dispatch.Views.JobView;
import swamp.protocol.JobState;
import swamp.protocol.Redirects;
import swamp.protocol.Stage;

/** A job as the API shows it: a pipeline's page shows each of its stages. */
class JobViewJsonTest {

  static JobView pipeline(List<String> argv, List<Stage> stages) {
    return new JobView("j1", JobState.SUCCEEDED, 0, "", "", false, "w1", 1, null, argv, List.of(),
        null, null, null, null, null, null, stages, null, -1, "", null, null);
  }

  @Test
  void eachStageIsALineOfItsOwnWithItsRedirections() throws Exception {
    Redirects toFile = new Redirects(null, "out put.txt", false, null, false, false, null);
    JsonNode json = ApiReplies.JSON.readTree(ApiReplies.JSON.writeValueAsString(pipeline(
        List.of("seq", "1", "20"), List.of(Stage.of("grep", "a b"), new Stage(List.of("wc", "-l"), toFile)))));
    assertEquals("[\"seq 1 20\",\"grep 'a b'\",\"wc -l > 'out put.txt'\"]", json.path("stages").toString());
  }

  @Test
  void theStagesAreShownNotReadBack() throws Exception {
    JobView job = pipeline(List.of("seq", "3"), List.of(Stage.of("wc", "-l")));
    assertEquals(job, ApiReplies.JSON.readValue(ApiReplies.JSON.writeValueAsString(job), JobView.class));
  }

  @Test
  void aJobWithoutAPipelineIsOneStage() throws Exception {
    JsonNode json = ApiReplies.JSON.readTree(ApiReplies.JSON.writeValueAsString(
        pipeline(List.of("echo", "hi"), List.of())));
    assertEquals("[\"echo hi\"]", json.path("stages").toString());
  }
}
