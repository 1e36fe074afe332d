package swamp.master.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import swamp.master.dispatch.JobEvent;

/** The JSON of a script's run, and its mistakes by name. */
class RunRequestsTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static String runRefusal(String json) {
    return assertThrows(ApiReplies.BadRequest.class,
        () -> RunRequests.parse(JSON.readTree(json.replace('\'', '"')), 10)).getMessage();
  }

  @Test
  void aRunIsReadAndItsMistakesNamed() throws Exception {
    RunRequests.NewRun run = RunRequests.parse(JSON.readTree(("{'name': 'c.sh', 'workDir':"
        + " '/data', 'commands': [{'step': 0, 'line': 3, 'argv': ['ncks', 'a'], 'text': 'ncks a"
        + " > o.txt'}, {'step': 1, 'line': 4, 'argv': ['wc'], 'text': 'wc o.txt', 'dependsOn':"
        + " [0]}]}").replace('\'', '"')), 10);
    assertEquals("c.sh", run.name());
    assertEquals(new JobEvent.RunCommand(1, 4, "wc o.txt", List.of("wc"), List.of(0)),
        run.commands().get(1));

    assertTrue(runRefusal("{'name': 'c.sh', 'workDir': 'data', 'commands': []}")
        .contains("workDir must be an absolute path"));
    assertEquals("workDir holds a NUL character", runRefusal("{'name': 'c.sh', 'workDir':"
        + " '/d\\u0000x', 'commands': [{'step': 0, 'text': 'x'}]}"));
    assertTrue(runRefusal("{'name': 'c.sh', 'workDir': '/d', 'commands': []}")
        .contains("commands must be a non-empty array"));
    assertTrue(runRefusal("{'name': 'c.sh', 'workDir': '/d', 'commands': [{'step': 1, 'text':"
        + " 'x'}]}").contains("commands[0].step must be 0"));
    assertTrue(runRefusal("{'name': 'c.sh', 'workDir': '/d', 'commands': [{'step': 0, 'text':"
        + " 'x', 'dependsOn': [0]}]}").contains("commands[0].dependsOn holds 0, not an earlier step"));
    assertTrue(runRefusal("{'name': 'c.sh', 'workDir': '/d', 'commands': [{'step': 0}]}")
        .contains("commands[0].text is missing"));
    assertTrue(runRefusal("{'name': 'c.sh', 'workDir': '/d', 'commands': [{'step': 0, 'text':"
        + " 'x', 'argv': 'x'}]}").contains("commands[0].argv must be an array of strings"));
  }

  /** Each mistake in a command names the command, once: a text of the wrong type is not also "missing". */
  @Test
  void aCommandsMistakesNameTheCommand() {
    assertEquals("commands[0].step must be a whole number, not \"x\"; commands[0].line must be a whole number, not"
        + " \"a\"; commands[0].text must be a string", runRefusal("{'name': 'c.sh', 'workDir': '/d',"
        + " 'commands': [{'step': 'x', 'line': 'a', 'text': 5}]}"));
    assertEquals("name must be a string; workDir must be a string; commands must be a non-empty"
        + " array of commands", runRefusal("{'name': 5, 'workDir': 6, 'commands': 7}"));
    assertEquals("commands[0].dependsOn holds 0, not an earlier step (step 0 has none)",
        runRefusal("{'name': 'c.sh', 'workDir': '/d', 'commands': [{'step': 0, 'text': 'x',"
            + " 'dependsOn': [0]}]}"));
  }

  @Test
  void stepsNotRunAreReadAndTheirMistakesNamed() throws Exception {
    assertEquals(List.of(4, 7), RunRequests.notRun(JSON.readTree("{\"steps\": [4, 7]}"), 10));
    for (String[] bad : new String[][] {
        {"[4]", "send {\"steps\": [...]}"},
        {"{\"steps\": []}", "steps must be an array of 1 to 10 steps"},
        {"{\"steps\": 4}", "steps must be an array"},
        {"{\"steps\": [4, -1]}", "steps holds -1, not a step"},
        {"{\"steps\": [1.5]}", "steps holds 1.5, not a step"},
        {"{\"steps\": [1], \"why\": \"x\"}", "why"}}) {
      String message = assertThrows(ApiReplies.BadRequest.class,
          () -> RunRequests.notRun(JSON.readTree(bad[0]), 10)).getMessage();
      assertTrue(message.contains(bad[1]), bad[0] + ": " + message);
    }
  }

  @Test
  void commandsAddedToARunAreReadAndTheirMistakesNamed() throws Exception {
    List<JobEvent.RunCommand> added = RunRequests.added(JSON.readTree("{\"commands\": ["
        + "{\"step\": 5, \"line\": 9, \"text\": \"ncap2 ...\", \"argv\": [\"ncap2\"], \"dependsOn\": [2]},"
        + "{\"step\": 6, \"line\": 10, \"text\": \"echo x\", \"argv\": [\"echo\", \"x\"], \"dependsOn\": [5]}]}"), 10);
    assertEquals(List.of(new JobEvent.RunCommand(5, 9, "ncap2 ...", List.of("ncap2"), List.of(2)),
        new JobEvent.RunCommand(6, 10, "echo x", List.of("echo", "x"), List.of(5))), added);
    for (String[] bad : new String[][] {
        {"[1]", "send {\"commands\": [...]}"},
        {"{\"commands\": []}", "commands must be an array of 1 to 10 commands"},
        {"{\"commands\": [{\"step\": 5, \"text\": \"a\", \"argv\": [\"a\"]},"
            + " {\"step\": 7, \"text\": \"b\", \"argv\": [\"b\"]}]}", "commands[1].step must be 6"},
        {"{\"commands\": [{\"step\": 5, \"text\": \"a\", \"argv\": [\"a\"], \"dependsOn\": [5]}]}",
            "dependsOn holds 5, not an earlier step (0 to 4)"},
        {"{\"commands\": [{\"step\": 5, \"argv\": [\"a\"]}]}", "commands[0].text is missing"},
        {"{\"commands\": [], \"name\": \"x\"}", "name"}}) {
      String message = assertThrows(ApiReplies.BadRequest.class,
          () -> RunRequests.added(JSON.readTree(bad[0]), 10)).getMessage();
      assertTrue(message.contains(bad[1]), bad[0] + ": " + message);
    }
  }
}
