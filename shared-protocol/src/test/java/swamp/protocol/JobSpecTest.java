package swamp.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a job's redirections, pipeline and run may hold, and how it reads as a shell line. */
class JobSpecTest {

  static JobSpec pipeline(Redirects first, Stage... rest) {
    return JobSpec.of(List.of("cat", "f.txt")).withIo(first, List.of(rest));
  }

  static String problems(JobSpec spec) {
    return String.join("; ", spec.problems());
  }

  @Test
  void aPipelineWithRedirectionsAtItsEndsIsValidAndReadsAsAShellLine() {
    JobSpec spec = pipeline(new Redirects("in.txt", null, false, "err.txt", true, false),
        new Stage(List.of("grep", "x"), new Redirects(null, null, false, null, false, true)),
        new Stage(List.of("wc", "-l"), new Redirects(null, "n.txt", true, null, false, false)));
    assertEquals(List.of(), spec.problems());
    assertEquals("cat f.txt < in.txt 2>> err.txt | grep x 2>&1 | wc -l >> n.txt",
        spec.commandText());
    assertEquals(3, spec.stages().size());
  }

  @Test
  void aStageBeforeTheLastMayNotWriteAFileNorOneAfterTheFirstReadOne() {
    String p = problems(pipeline(Redirects.stdoutTo("lost.txt"), Stage.of("wc", "-l")));
    assertTrue(p.contains("redirects.stdout: stage 0 (cat) writes to 'lost.txt', so the next"
        + " stage would read nothing"), p);
    p = problems(pipeline(null, new Stage(List.of("wc"), new Redirects("in.txt", null, false,
        null, false, false))));
    assertTrue(p.contains("pipeline[0].redirects.stdin: stage 1 (wc) reads the previous stage's"
        + " output; it cannot also read 'in.txt'"), p);
  }

  @Test
  void badStagesAndRedirectionsAreNamed() {
    String p = problems(pipeline(new Redirects(" ", null, true, "e", false, true),
        new Stage(List.of(), null), new Stage(List.of("a\0b"), null)));
    assertTrue(p.contains("redirects.stdin is blank"), p);
    assertTrue(p.contains("redirects.stdoutAppend is set but stdout is not redirected"), p);
    assertTrue(p.contains("redirects.stderr goes both to 'e' and to stdout"), p);
    assertTrue(p.contains("pipeline[0].argv is empty"), p);
    assertTrue(p.contains("pipeline[1].argv holds a null or a NUL character"), p);
  }

  @Test
  void anEmptyArgvAndABlankProgramAreToldApart() {
    assertEquals(List.of("argv is empty: a job needs a program to run"), JobSpec.of(List.of()).problems());
    assertEquals(List.of("argv[0], the program, is blank: a job needs a program to run"),
        JobSpec.of(List.of("", "x")).problems());
  }

  @Test
  void stagesAndPathsCountTowardTheCommandLimit() {
    String big = "x".repeat(JobSpec.MAX_COMMAND_CHARS / 2);
    String half = "x".repeat(JobSpec.MAX_COMMAND_CHARS / 4);
    assertEquals(List.of(), JobSpec.of(List.of("echo", half, half)).problems());
    String p = problems(pipeline(null,
        new Stage(List.of("tee", big), Redirects.stdoutTo(big))));
    assertTrue(p.contains("more than " + JobSpec.MAX_COMMAND_CHARS), p);
    // what to do instead: the limit is swamp's, not Linux's, whose 2 MiB such a list may fit in
    String files = problems(JobSpec.of(java.util.stream.IntStream.range(0, 10000)
        .mapToObj(i -> "/data/model/run01/ts_" + i + ".nc").toList()));
    assertTrue(files.contains("the most one job takes (less than Linux's 2 MiB: a job is a command,"
        + " not a payload); give a long list of files in a file instead"), files);
  }

  /** --requires nco,gpu was refused as a label of other characters, with no word of the list. */
  @Test
  void labelsGivenAsAListSayHowToGiveSeveral() {
    assertEquals("capability label 'nco,gpu' is not 1-64 letters, digits or ._- (a label each: several"
        + " are given one by one, --requires a --requires b, --capability a --capability b, [\"a\", \"b\"]"
        + " in JSON; not comma-separated)", WorkerOffer.checkLabel("nco,gpu").orElseThrow());
    assertEquals("capability label 'a b' is not 1-64 letters, digits or ._-",
        WorkerOffer.checkLabel("a b").orElseThrow());
    assertEquals(java.util.Optional.empty(), WorkerOffer.checkLabel("nco"));
  }

  /** Linux's limit on one argument or NAME=value (MAX_ARG_STRLEN), in bytes, whatever the total. */
  @Test
  void anArgumentLinuxWouldRefuseIsNamed() {
    String most = "x".repeat(JobSpec.MAX_ARG_BYTES - 1);
    assertEquals(List.of(), JobSpec.of(List.of("echo", most)).problems());
    String p = problems(JobSpec.of(List.of("echo", "ok", most + "x")));
    assertTrue(p.contains("argv[2] is 131072 bytes long; a program takes at most 131071"), p);
    // in bytes: 43,691 characters of three bytes each are more
    p = problems(JobSpec.of(List.of("echo", "\u20ac".repeat(43_691))));
    assertTrue(p.contains("argv[1] is 131073 bytes long"), p);
    p = problems(new JobSpec(List.of("true"), Map.of("BIG", "y".repeat(131_068)), null, List.of(), 1, 0, 3, 0,
        null, null, false, null, -1));
    assertTrue(p.contains("env BIG=... is 131072 bytes long"), p);
    p = problems(pipeline(null, new Stage(List.of("grep", most + "x"), null)));
    assertTrue(p.contains("pipeline[0].argv[1] is 131072 bytes long"), p);
  }

  @Test
  void theCommandTextQuotesWhatAShellWouldSplitOrExpand() {
    JobSpec spec = JobSpec.of(List.of("echo", "a b", "it's", "$HOME", "", "x;y"))
        .withIo(new Redirects(null, "my out.txt", false, null, false, false), List.of());
    assertEquals("echo 'a b' 'it'\\''s' '$HOME' '' 'x;y' > 'my out.txt'", spec.commandText());
    assertEquals("ncks -O in.nc out.nc", JobSpec.of(List.of("ncks", "-O", "in.nc", "out.nc")).commandText());
  }

  /**
   * A right-to-left override made {@code rm -rf} of one name read as another in the command
   * text (and so in bin/swamp status and the dashboard); such invisible characters are written
   * as bash's escapes, as a control character is, and bash reads the word back as it was.
   */
  @Test
  void theCommandTextShowsInvisibleCharactersAsEscapes() {
    assertEquals("rm -rf $'\\u202Ecod.nc' $'a\\u200Bb' $'x\\ny'",
        JobSpec.of(List.of("rm", "-rf", "\u202Ecod.nc", "a\u200Bb", "x\ny")).commandText());
    assertEquals("echo 'caf\u00e9' '\u65e5\u672c'", JobSpec.of(List.of("echo", "caf\u00e9", "\u65e5\u672c")).commandText(),
        "letters of any script are shown as they are");
  }

  @Test
  void aStepBelongsToARun() {
    JobSpec spec = new JobSpec(List.of("true"), Map.of(), null, List.of(), 1, 0, 3, 0, null,
        null, false, null, 7);
    assertEquals(-1, spec.step(), "no run, no step");
    assertEquals(List.of(), spec.pipeline());
    assertTrue(problems(spec.inRun("r1", -2)).contains("step must be 0 or more"));
    assertTrue(problems(spec.inRun(" ", 0)).contains("run must be a run's id"));
    assertEquals(List.of(), spec.inRun("r1", 0).problems());
  }
}
