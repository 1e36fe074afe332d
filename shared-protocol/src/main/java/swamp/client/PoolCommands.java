package swamp.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The client commands about the pool: {@code workers} (and the worker directory's sources),
 * {@code dismiss}, and {@code runs}, the scripts run by {@code swamp run}.
 */
final class PoolCommands {
  private PoolCommands() {}

  static Args workersArgs() {
    return new Args("workers", "Show the registered workers, and those spawned from the worker directory.")
        .value("--url", "URL", ClientCommand.URL_HELP)
        .flag("--json", "Print JSON.");
  }

  static int workers(MasterClient client, Args.Parsed a) throws Exception {
    Json workers = client.get("/api/workers");
    if (a.flag("--json")) {
      ClientCommand.printJson(workers);
      return 0;
    }
    if (workers.isEmpty()) {
      System.out.println("no worker is registered");
    } else {
      System.out.printf("%-24s %-16s %5s %5s  %-10s %-10s %-10s %s%n", "ID", "HOST", "SLOTS",
          "BUSY", "STATE", "SOURCE", "JOB", "CAPABILITIES");
    }
    List<Json> rows = new ArrayList<>();
    workers.forEach(rows::add);
    // the registered first, then the spawns still pending; each by id, as the dashboard lists them
    rows.sort(java.util.Comparator.comparing((Json w) -> w.path("host").asText("").isEmpty())
        .thenComparing(w -> w.path("id").asText(), PoolCommands::byNumbers));
    for (Json w : rows) {
      List<String> caps = new ArrayList<>();
      w.path("capabilities").forEach(c -> caps.add(c.asText()));
      String state = w.path("state").asText(w.path("draining").asBoolean() ? "draining" : "registered");
      System.out.printf("%-24s %-16s %5d %5d  %-10s %-10s %-10s %s%n", w.path("id").asText(),
          ClientCommand.orDash(w.path("host").asText()), w.path("slots").asInt(), w.path("busy").asInt(),
          state, ClientCommand.orDash(w.path("source").asText("")), ClientCommand.orDash(w.path("gridJob").asText("")),
          String.join(",", caps));
    }
    // the directory's sources, when the master has one
    for (Json s : client.get("/api/sources")) {
      System.out.printf("source %s (%s): %d registered, %d pending, %d-%d workers, %d spawned,"
              + " %d failed%s%n", s.path("name").asText(), s.path("launcher").asText(),
          s.path("registered").asInt(), s.path("pending").asInt(), s.path("minWorkers").asInt(),
          s.path("maxWorkers").asInt(), s.path("spawned").asInt(), s.path("failed").asInt(),
          s.path("backingOffUntil").isTextual()
              ? "; backing off until " + s.path("backingOffUntil").asText() + " after "
                  + s.path("failuresInARow").asInt() + " failure(s) in a row, last: "
                  + s.path("lastFailure").asText()
              : "");
    }
    return 0;
  }

  static int dismiss(MasterClient client, Args.Parsed a) throws Exception {
    String id = a.param(0);
    boolean all = a.flag("--all");
    if ((id == null) == !all) {
      System.err.println("swamp dismiss: name one WORKER_ID or --all");
      return ClientCommand.EXIT_USAGE;
    }
    Json answer = client.post(all ? "/api/workers/dismiss" : "/api/workers/" + MasterClient.segment(id) + "/dismiss", Map.of());
    List<String> ids = new ArrayList<>();
    answer.path("dismissed").forEach(d -> ids.add(d.asText()));
    System.out.println(ids.isEmpty() ? "no worker to dismiss" : "dismissed: " + String.join(" ", ids));
    return 0;
  }

  static Args runsArgs() {
    return new Args("runs", "Show the runs (scripts run by `swamp run`), or one run's commands.")
        .value("--url", "URL", ClientCommand.URL_HELP)
        .flag("--json", "Print JSON.")
        .params("RUN_ID", 0, 1, "");
  }

  static int runs(MasterClient client, Args.Parsed a) throws Exception {
    boolean json = a.flag("--json");
    if (a.param(0) != null) {
      return showRun(client, a.param(0), json);
    }
    Json runs = client.get("/api/runs");
    if (json) {
      ClientCommand.printJson(runs);
      return 0;
    }
    if (runs.isEmpty()) {
      System.out.println("no run yet");
      return 0;
    }
    System.out.printf("%-8s %-24s %-24s %8s %9s %6s %9s %7s %6s %7s %7s%n", "ID", "NAME", "SUBMITTED",
        "COMMANDS", "SUCCEEDED", "FAILED", "CANCELLED", "RUNNING", "QUEUED", "WAITING", "NOT_RUN");
    for (Json r : runs) {
      System.out.printf("%-8s %-24s %-24s %8d %9d %6d %9d %7d %6d %7d %7d%n", r.path("id").asText(),
          r.path("name").asText(), r.path("submittedAt").asText(), r.path("commands").asInt(),
          r.path("succeeded").asInt(), r.path("failed").asInt(), r.path("cancelled").asInt(),
          r.path("running").asInt(), r.path("queued").asInt(), r.path("waiting").asInt(),
          r.path("notRun").asInt());
    }
    return 0;
  }

  /** One run: a line per command, with where its newest job stands. */
  static int showRun(MasterClient client, String id, boolean json) throws Exception {
    Json run = client.get("/api/runs/" + MasterClient.segment(id));
    if (json) {
      ClientCommand.printJson(run);
      return 0;
    }
    System.out.printf("run %s: %s in %s, submitted %s%n", run.path("id").asText(),
        run.path("name").asText(), run.path("workDir").asText(), run.path("submittedAt").asText());
    System.out.printf("%5s %5s %-10s %-8s %-5s %-16s %s%n", "STEP", "LINE", "STATE", "JOB", "EXIT",
        "WORKER", "COMMAND");
    for (Json c : run.path("commands")) {
      System.out.printf("%5d %5d %-10s %-8s %-5s %-16s %s%n", c.path("step").asInt(),
          c.path("line").asInt(), c.path("state").asText(), ClientCommand.orDash(c.path("job").asText("")),
          c.path("exitCode").isInt() ? c.path("exitCode").asText() : "-",
          ClientCommand.orDash(c.path("worker").asText("")), c.path("text").asText());
    }
    return 0;
  }

  /** {@code a} against {@code b} with their runs of digits compared as numbers: w2 before w10. */
  static int byNumbers(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char x = a.charAt(i);
      char y = b.charAt(j);
      if (Character.isDigit(x) && Character.isDigit(y)) {
        int ei = i;
        int ej = j;
        while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
          ei++;
        }
        while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
          ej++;
        }
        String n = a.substring(i, ei).replaceFirst("^0+(?=.)", "");
        String m = b.substring(j, ej).replaceFirst("^0+(?=.)", "");
        int c = n.length() != m.length() ? Integer.compare(n.length(), m.length()) : n.compareTo(m);
        if (c != 0) {
          return c;
        }
        i = ei;
        j = ej;
      } else {
        if (x != y) {
          return Character.compare(x, y);
        }
        i++;
        j++;
      }
    }
    int rest = Integer.compare(a.length() - i, b.length() - j);
    return rest != 0 ? rest : a.compareTo(b);
  }
}
