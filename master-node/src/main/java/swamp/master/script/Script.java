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
    return plan(text, file.toString(), dir, environment, args);
  }

  /** Plans the text of a script; {@code name} is its {@code $0}. */
  public static Plan plan(String text, String name, Path dir, Map<String, String> environment,
      List<String> args) throws ScriptException {
    Planner planner = new Planner(dir.toAbsolutePath().normalize().toString(), environment, name, args);
    return planner.plan(ShellParser.parse(text, 1));
  }

}
