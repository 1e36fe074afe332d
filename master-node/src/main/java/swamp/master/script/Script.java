package swamp.master.script;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/swamp run SCRIPT}'s plan: {@link ShellParser} reads the script, {@link Planner} runs it
 * as bash would while turning each command that starts a program into a {@link Plan.Command}, and
 * {@link Dependencies} works out which command waits for which. No HTTP, no actors.
 */
public final class Script {
  private Script() {}

  /**
   * Plans a script file (UTF-8, or else Latin-1) run in {@code dir} with this environment and
   * these arguments.
   */
  public static Plan plan(Path file, Path dir, Map<String, String> environment, List<String> args)
      throws IOException, ScriptException {
    return plan(read(file), file.toString(), dir, environment, args);
  }

  /**
   * Plans a script file as {@link #plan} does, or, where it needs what a job prints to go on
   * ({@link ScriptException#waitsForJobs}), as far as that: its run plans the rest as it goes
   * ({@link Planning}).
   */
  public static Planning planning(Path file, Path dir, Map<String, String> environment, List<String> args)
      throws IOException, ScriptException {
    return planning(read(file), file.toString(), dir, environment, args);
  }

  /** As {@link #planning(Path, Path, Map, List)}, of the text of a script; {@code name} is its {@code $0}. */
  public static Planning planning(String text, String name, Path dir, Map<String, String> environment,
      List<String> args) throws ScriptException {
    ScriptReading script = ScriptReading.of(text);
    Ast.Node program = script.program();
    String where = dir.toAbsolutePath().normalize().toString();
    boolean fileTestsOnJobs = true;
    while (true) { // as plan does: again counting on the files, where deciding tests by jobs was refused
      // the walk that waits goes the first one's way: it takes what its substitutions gave
      SubstitutionReplay replay = new SubstitutionReplay();
      Planner planner = new Planner(where, environment, name, args, fileTestsOnJobs, replay);
      try {
        return Planning.whole(planner.reading(script).plan(program));
      } catch (ScriptException e) {
        if (e.waitsForJobs()) { // walked as it runs, its file tests decided as on the way there
          Planner walk = new Planner(where, environment, name, args, fileTestsOnJobs, replay).reading(script);
          return Planning.walk(walk, program);
        }
        if (!fileTestsOnJobs || !planner.decidedFileTestsByJobs()) {
          throw e;
        }
        fileTestsOnJobs = false;
      }
    }
  }

  /** A script's text: UTF-8, or else Latin-1. */
  private static String read(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": a directory, not a script");
    }
    byte[] bytes = Files.readAllBytes(file);
    for (byte b : bytes) {
      if (b == 0) {
        throw new IOException(file + ": a binary file, not a script");
      }
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      // an older script in Latin-1 (accents in its comments): read byte for byte, as bash does
      text = new String(bytes, StandardCharsets.ISO_8859_1);
    }
    return text;
  }

  /**
   * Plans the text of a script; {@code name} is its {@code $0}. A test of a file an earlier job
   * writes is decided by that job ({@code ncra ... out.nc; if [ ! -f out.nc ]}), unless that
   * leaves a later line unplannable ({@code [ -f out.nc ] && n=1 || n=0}, then {@code $((n + 1))}
   * while planning): then the script is planned again counting on the file, as the plan counts
   * on what its jobs write, and that plan (or its refusal) is the one.
   */
  public static Plan plan(String text, String name, Path dir, Map<String, String> environment,
      List<String> args) throws ScriptException {
    ScriptReading script = ScriptReading.of(text);
    Ast.Node program = script.program();
    String where = dir.toAbsolutePath().normalize().toString();
    Planner planner = new Planner(where, environment, name, args).reading(script);
    try {
      return planner.plan(program);
    } catch (ScriptException e) {
      if (!planner.decidedFileTestsByJobs()) {
        throw e;
      }
      return new Planner(where, environment, name, args, false, new SubstitutionReplay()).reading(script).plan(program);
    }
  }

}
