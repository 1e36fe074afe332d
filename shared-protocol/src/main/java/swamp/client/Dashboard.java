package swamp.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code bin/swamp dashboard}: prints the dashboard's URL with the API token, as Jupyter does
 * (the page keeps the token in a cookie and drops it from the address), and opens it where there
 * is a desktop to open it on.
 */
final class Dashboard {
  private Dashboard() {}

  static int open(MasterClient client, Args.Parsed a) throws Exception {
    client.get("/api/health"); // it answers, and takes the token
    String url = client.base() + "/" + MasterClient.apiToken()
        .map(t -> "?token=" + URLEncoder.encode(t, StandardCharsets.UTF_8)).orElse("");
    System.out.println(url);
    boolean desktop = System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null;
    Path opener = Path.of("/usr/bin/xdg-open");
    if (!a.flag("--no-open") && desktop && Files.isExecutable(opener)) {
      new ProcessBuilder(opener.toString(), url)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    }
    return 0;
  }
}
