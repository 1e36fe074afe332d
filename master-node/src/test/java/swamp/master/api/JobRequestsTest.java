package swamp.master.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import swamp.protocol.JobSpec;
import swamp.protocol.Redirects;
import swamp.protocol.Stage;

/** The JSON of a job with redirections, a pipeline and a run's step, and its mistakes by name. */
class JobRequestsTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static List<JobSpec> parse(String json) throws Exception {
    return JobRequests.parse(JSON.readTree(json.replace('\'', '"')), 10);
  }

  static String refusal(String json) {
    return assertThrows(ApiReplies.BadRequest.class, () -> parse(json)).getMessage();
  }

  static JobRequests.Cancel cancel(String json) throws Exception {
    return JobRequests.cancel(JSON.readTree(json.replace('\'', '"')), 10);
  }

  /** A cancel of many names its jobs by ids, run and states; each mistake is named, all at once. */
  @Test
  void aCancelOfManyNamesItsJobsAndItsMistakes() throws Exception {
    assertEquals(new JobRequests.Cancel(null, "r3", java.util.EnumSet.of(swamp.protocol.JobState.QUEUED,
        swamp.protocol.JobState.RUNNING)), cancel("{'run': 'r3'}"));
    assertEquals(new JobRequests.Cancel(List.of("j1", "j2"), null, java.util.EnumSet.of(
        swamp.protocol.JobState.QUEUED)), cancel("{'ids': ['j1', 'j2'], 'state': 'queued'}"));
    String empty = assertThrows(ApiReplies.BadRequest.class, () -> cancel("{}")).getMessage();
    assertTrue(empty.startsWith("send {\"ids\": [...], \"run\""), empty);
    String wrong = assertThrows(ApiReplies.BadRequest.class,
        () -> cancel("{'ids': [], 'state': ['DONE'], 'all': true}")).getMessage();
    assertEquals("unknown field 'all' (known: ids, run, state); state must be QUEUED or RUNNING (a"
        + " job that ended has nothing to cancel), not 'DONE'", wrong);
    // a state of the wrong type is said once, not also to name no state
    assertEquals("state must be an array of strings, but holds 5", assertThrows(
        ApiReplies.BadRequest.class, () -> cancel("{'state': [5]}")).getMessage());
    // a state may be one name: a number is told so, not only that it is no array
    assertEquals("state must be QUEUED, RUNNING or an array of them, not 5", assertThrows(
        ApiReplies.BadRequest.class, () -> cancel("{'state': 5}")).getMessage());
    String none = assertThrows(ApiReplies.BadRequest.class, () -> cancel("{'ids': []}")).getMessage();
    assertEquals("ids must hold 1 to 10 job ids, not 0", none);
  }

  @Test
  void aPipelineWithRedirectionsInARunIsRead() throws Exception {
    JobSpec spec = parse("{'argv': ['cat', 'f.txt'], 'redirects': {'stdin': 'in.txt',"
        + " 'stderr': 'e.txt', 'stderrAppend': true}, 'pipeline': [{'argv': ['grep', 'x'],"
        + " 'redirects': {'stderrToStdout': true}}, {'argv': ['wc', '-l'], 'redirects':"
        + " {'stdout': 'n.txt', 'stdoutAppend': true}}], 'run': 'r1', 'step': 4}").get(0);
    assertEquals(new Redirects("in.txt", null, false, "e.txt", true, false), spec.redirects());
    assertEquals(List.of(new Stage(List.of("grep", "x"), new Redirects(null, null, false, null,
            false, true)), new Stage(List.of("wc", "-l"), new Redirects(null, "n.txt", true, null,
            false, false))), spec.pipeline());
    assertEquals("r1", spec.run());
    assertEquals(4, spec.step());
    assertFalse(spec.pipefail());
  }

  @Test
  void aVariableSetThroughEnvInArgvIsCheckedAsEnvIs() {
    String r = refusal("{'argv': ['env', 'LD_PRELOAD=/tmp/x.so', 'echo', 'hi']}");
    assertTrue(r.contains("argv: env may not set LD_PRELOAD"), r);
    assertTrue(refusal("{'argv': ['env', '-i', 'PATH=/tmp', 'echo']}").contains("env may not set PATH"));
    assertTrue(refusal("{'argv': ['nice', 'env', 'LD_PRELOAD=x.so', 'echo']}").contains("env may not set LD_PRELOAD"));
  }

  @Test
  void pipefailIsAFlagOfTheJob() throws Exception {
    assertTrue(parse("{'argv': ['ncdump', '-h', 'a.nc'], 'pipeline': [{'argv': ['head']}],"
        + " 'pipefail': true}").get(0).pipefail());
    assertTrue(refusal("{'argv': ['a'], 'pipefail': 'yes'}")
        .contains("pipefail must be true or false, not \"yes\""));
  }

  @Test
  void aTextForStandardInputIsRead() throws Exception {
    JobSpec spec = parse("{'argv': ['cat'], 'redirects': {'stdinText': 'Tc = T - 273.15f;\\n',"
        + " 'stdout': 'anomaly.nco'}}").get(0);
    assertEquals(new Redirects(null, "anomaly.nco", false, null, false, false,
        "Tc = T - 273.15f;\n"), spec.redirects());
    assertEquals("cat <<EOF > anomaly.nco", spec.commandText());
    assertTrue(refusal("{'argv': ['cat'], 'redirects': {'stdinText': 3}}")
        .contains("redirects.stdinText must be the text standard input reads"));
    assertTrue(refusal("{'argv': ['cat'], 'redirects': {'stdinText': 'x', 'stdin': 'in.txt'}}")
        .contains("stdin reads both the file 'in.txt' and a text"));
    assertTrue(refusal("{'argv': ['a'], 'pipeline': [{'argv': ['b'], 'redirects':"
        + " {'stdinText': 'x'}}]}").contains("it cannot also read a text (stdinText)"));
  }

  /**
   * A timeout is 0 (none) or from 1ms to 30 days, however its seconds are written: "1e3" is 1000
   * s (it was 1 s) and a positive one too short is refused, never rounded to none.
   */
  @Test
  void aTimeoutIsSecondsHoweverItIsWrittenAndNeverRoundedToNone() throws Exception {
    assertEquals(1_000_000, parse("{'argv': ['a'], 'timeout': '1e3'}").get(0).timeoutMs());
    assertEquals(1_000_000, parse("{'argv': ['a'], 'timeout': 1e3}").get(0).timeoutMs());
    assertEquals(500, parse("{'argv': ['a'], 'timeout': '.5'}").get(0).timeoutMs());
    assertEquals(5_000, parse("{'argv': ['a'], 'timeout': '+5'}").get(0).timeoutMs());
    assertEquals(0, parse("{'argv': ['a'], 'timeout': 0}").get(0).timeoutMs());
    assertTrue(refusal("{'argv': ['a'], 'timeout': 1e-10}").contains("is shorter than 1ms"));
    assertTrue(refusal("{'argv': ['a'], 'timeout': '0.0000000001'}").contains("is shorter than 1ms"));
  }

  @Test
  void aJobOfArgvAloneIsAsBefore() throws Exception {
    JobSpec spec = parse("{'argv': ['true'], 'redirects': {}}").get(0);
    assertEquals(JobSpec.of(List.of("true")), spec);
    assertEquals(-1, spec.step());
  }

  @Test
  void badShapesAreRefusedNamingTheField() {
    assertTrue(refusal("{'argv': ['a'], 'redirects': 'out.txt'}")
        .contains("redirects must be an object"));
    assertTrue(refusal("{'argv': ['a'], 'redirects': {'stdout': 3}}")
        .contains("redirects.stdout must be a file's path"));
    assertTrue(refusal("{'argv': ['a'], 'redirects': {'stdout': 'o', 'stdoutAppend': 'yes'}}")
        .contains("redirects.stdoutAppend must be true or false"));
    assertTrue(refusal("{'argv': ['a'], 'redirects': {'stdot': 'o'}}")
        .contains("redirects: unknown field 'stdot'"));
    assertTrue(refusal("{'argv': ['a'], 'pipeline': {'argv': ['b']}}")
        .contains("pipeline must be an array"));
    assertTrue(refusal("{'argv': ['a'], 'pipeline': [{'argv': 'b'}]}")
        .contains("pipeline[0].argv must be an array of strings"));
    assertTrue(refusal("{'argv': ['a'], 'pipeline': [{'args': ['b']}]}")
        .contains("pipeline[0]: unknown field 'args'"));
    assertTrue(refusal("{'argv': ['a'], 'pipeline': [{'argv': ['b'], 'redirects':"
        + " {'stdout': 1}}]}").contains("pipeline[0].redirects.stdout must be a file's path"));
    assertTrue(refusal("{'argv': ['a'], 'redirects': {'stdout': 'o'}, 'pipeline': [{'argv':"
        + " ['b']}]}").contains("so the next stage would read nothing"));
    assertTrue(refusal("{'argv': ['a'], 'step': 2}").contains("step is given without run"));
    assertTrue(refusal("{'argv': ['a'], 'run': 'r1'}").contains("run is given without step"));
    assertTrue(refusal("{'argv': ['a'], 'run': 1, 'step': 0}").contains("run must be a run's id"));
    assertTrue(refusal("{'argv': ['a'], 'workDir': 'data/run1'}")
        .contains("workDir must be an absolute path, not 'data/run1'"));
    assertTrue(refusal("{'argv': ['a'], 'workDir': 7}").contains("workDir must be a string"));
    // a NUL cannot be in a path: the job would fail on its worker with InvalidPathException
    assertEquals("workDir holds a NUL character", refusal("{'argv': ['a'], 'workDir': '/tmp\\u0000x'}"));
  }
}
