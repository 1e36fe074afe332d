package swamp.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a node reads its configuration: the command line's overrides over the config files, and
 * no setting under {@code swamp} that no module defines (a typo in a setting's name would
 * otherwise be ignored without a word, and the default used instead). Also the command-line
 * plumbing both node mains share.
 */
public final class ConfigCheck {
  private ConfigCheck() {}

  /**
   * The node's configuration: {@code overrides} (from flags) over {@code base}, resolved.
   *
   * @throws IllegalArgumentException naming every unknown setting
   */
  public static Config load(Map<String, Object> overrides, Config base) {
    // a bad value from a flag says so ("the command line's flags: Invalid value at ..."), not "hardcoded value"
    Config config = ConfigFactory.parseMap(overrides, "the command line's flags").withFallback(base).resolve();
    List<String> unknown = new ArrayList<>(unknownSettings(config));
    unknown.addAll(unitlessDurations(config));
    if (unknown.isEmpty()) {
      unknown.addAll(wrongValues(config));
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", unknown));
    }
    return config;
  }

  /**
   * What a configuration's failure says to a person: Typesafe Config's own words, with what a
   * file that ends inside a '{' or '[' most likely lacks (it says "expecting a close parentheses
   * ')' here, not: end of file" of an object never closed).
   */
  public static String message(RuntimeException e) {
    String m = String.valueOf(e.getMessage());
    if (e instanceof ConfigException.UnresolvedSubstitution) {
      // ${SLOTS} of a variable that is not set in this process's environment
      return m + " (neither a setting nor an environment variable of that name is set here;"
          + " ${?NAME} is left out when it is not)";
    }
    if (e instanceof ConfigException.IO && m.contains("not found")) {
      // include required("site-pool.conf") of a file that is not there, or not where it is looked for
      return m + " (an include is looked for beside the file that includes it; include"
          + " required(file(\"/path/name.conf\")) names it by its path)";
    }
    return e instanceof ConfigException.Parse && m.endsWith("end of file")
        ? m + " (is a '{' or '[' not closed?)" : m;
  }

  /** Runs a node's picocli command and exits with its code; bad flags exit 2 with the reason. */
  public static void main(String name, Object command, String[] args) {
    picocli.CommandLine cli = new picocli.CommandLine(command);
    cli.setParameterExceptionHandler((e, a) -> {
      System.err.println(name + ": " + e.getMessage());
      return ExitCodes.BAD_CONFIG;
    });
    System.exit(cli.execute(args));
  }

  /** One line per unknown setting, naming where it was set and the likely intended name. */
  public static List<String> unknownSettings(Config config) {
    Config reference = ConfigFactory.defaultReference();
    List<String> problems = new ArrayList<>(misspeltPekkoSettings(config, reference));
    if (!config.hasPath("swamp")) {
      return problems;
    }
    java.util.Set<String> notLists = new java.util.HashSet<>(); // named once, not per key inside
    for (Map.Entry<String, ?> e : config.getConfig("swamp").entrySet()) {
      String path = "swamp." + e.getKey();
      String list = listAbove(reference, path);
      if (list != null) {
        if (notLists.add(list)) {
          problems.add(list + " must be a list, [ ... ], not an object, { ... } ("
              + config.getValue(list).origin().description() + ")");
        }
      } else if (path.startsWith("swamp.master.") && !reference.hasPathOrNull("swamp.master")) {
        // a worker given the master's file (or one file for both) was told "unknown setting
        // 'swamp.master.prefetch'", a setting the README documents
        if (notLists.add("swamp.master")) {
          problems.add("'" + path + "' (" + config.getValue(path).origin().description()
              + ") is a master's setting, which this node does not take: give the master its own"
              + " file (include classpath(\"master.conf\")) and the workers theirs (include"
              + " classpath(\"worker.conf\"))");
        }
      } else if (!reference.hasPathOrNull(path)) {
        String where = config.getValue(path).origin().description();
        String hint = closest(reference, path);
        problems.add("unknown setting '" + path + "' (" + where + ")"
            + (hint == null ? "" : "; did you mean '" + hint + "'?"));
      }
    }
    return problems;
  }

  /**
   * The setting above {@code path} that is a list by default ({@code swamp.master.directory}),
   * where {@code path} was read as a key of an object written in its place; else null.
   */
  private static String listAbove(Config reference, String path) {
    List<String> keys = ConfigUtil.splitPath(path);
    for (int i = 1; i < keys.size(); i++) {
      String above = ConfigUtil.joinPath(keys.subList(0, i));
      if (reference.hasPath(above) && reference.getValue(above).valueType() == ConfigValueType.LIST) {
        return above;
      }
    }
    return null;
  }

  /** Sections of Pekko's settings whose keys are names of the site's own choosing. */
  static final List<String> OPEN_PEKKO_SECTIONS = List.of("pekko.actor.serializers",
      "pekko.actor.serialization-bindings", "pekko.actor.serialization-identifiers",
      "pekko.actor.deployment", "pekko.actor.mailbox.requirements", "pekko.cluster.role",
      "pekko.coordinated-shutdown.phases");

  /**
   * One line per setting under {@code pekko} that no module's reference.conf has and whose name
   * is within two letters of one that its section has ({@code maximum-frame-sise}, {@code
   * loglevel} written {@code log-level}): Pekko reads only the settings it knows, and would go on
   * with the default without a word. A name far from every known one is left alone: Pekko has
   * sections whose keys are the site's own (a dispatcher, a serializer's binding).
   */
  static List<String> misspeltPekkoSettings(Config config, Config reference) {
    List<String> problems = new ArrayList<>();
    if (!config.hasPath("pekko") || !reference.hasPath("pekko")) {
      return problems; // a client's class path: no Pekko
    }
    java.util.Set<String> named = new java.util.HashSet<>(); // a misspelt section, named once
    for (Map.Entry<String, ConfigValue> e : config.getConfig("pekko").entrySet()) {
      String path = "pekko." + e.getKey();
      if (reference.hasPathOrNull(path)) {
        continue;
      }
      List<String> keys = ConfigUtil.splitPath(path);
      String known = keys.get(0);
      int i = 1;
      while (i < keys.size() && reference.hasPathOrNull(known + "." + ConfigUtil.joinPath(keys.get(i)))) {
        known += "." + ConfigUtil.joinPath(keys.get(i++));
      }
      String section = known;
      if (OPEN_PEKKO_SECTIONS.stream().anyMatch(o -> section.equals(o) || section.startsWith(o + "."))
          || reference.getIsNull(known) || reference.getValue(known).valueType() != ConfigValueType.OBJECT) {
        continue;
      }
      String typo = keys.get(i);
      String best = null;
      int bestDistance = typo.length() < 5 ? 2 : 3;
      for (String sibling : reference.getConfig(known).root().keySet()) {
        int d = distance(sibling, typo);
        if (d < bestDistance) {
          bestDistance = d;
          best = sibling;
        }
      }
      String unknown = known + "." + ConfigUtil.joinPath(typo);
      if (best != null && named.add(unknown)) {
        problems.add("unknown setting '" + unknown + "' (" + where(config.getValue(path)) + "); did you mean '"
            + known + "." + ConfigUtil.joinPath(best) + "'?");
      }
    }
    return problems;
  }

  /**
   * One line per setting under {@code swamp} whose value is not of its default's kind (a
   * boolean, a number, a duration, a size, a list), or a duration that is negative: read at
   * start, so that a node with such a setting stops before it starts anything, naming it, where
   * it would otherwise fail when it first reads it (after its cluster and journal have started).
   */
  public static List<String> wrongValues(Config config) {
    List<String> problems = new ArrayList<>();
    if (!config.hasPath("swamp")) {
      return problems;
    }
    Config reference = defaultsAsWritten(); // https = ${?SWAMP_HTTPS}: the value to check
    for (Map.Entry<String, ConfigValue> e : reference.getConfig("swamp").entrySet()) {
      String path = "swamp." + e.getKey();
      if (!config.hasPath(path)) {
        continue;
      }
      try {
        switch (e.getValue().valueType()) {
          case BOOLEAN -> config.getBoolean(path);
          case NUMBER -> config.getNumber(path);
          case LIST -> config.getList(path);
          case STRING -> {
            if (isBoolean(reference, path)) { // on, off, yes, no
              config.getBoolean(path);
            } else if (isDuration(reference, path) && config.getDuration(path).isNegative()) {
              problems.add(path + " = " + config.getValue(path).unwrapped() + " ("
                  + where(config.getValue(path)) + ") must not be negative");
            } else if (isSize(reference, path)) {
              config.getBytes(path);
            }
          }
          default -> { }
        }
      } catch (ConfigException x) {
        ConfigValue v = config.getValue(path);
        problems.add(x.getMessage().replace(v.origin().description() + ":", where(v) + ":"));
      }
    }
    return problems;
  }

  private static boolean isBoolean(Config reference, String path) {
    try {
      reference.getBoolean(path);
      return true;
    } catch (ConfigException e) {
      return false;
    }
  }

  private static boolean isSize(Config reference, String path) {
    try {
      reference.getBytes(path);
      return !isDuration(reference, path) && !reference.getString(path).isBlank();
    } catch (ConfigException e) {
      return false;
    }
  }

  /**
   * One line per duration set to a bare number ({@code idle-timeout = 300}, {@code
   * SWAMP_GIVE_UP_AFTER=10}), which Typesafe Config reads as milliseconds where the person who
   * wrote it most likely meant seconds: under {@code swamp}, and in the worker directory's
   * sources, whose settings are {@code swamp.master.scaling}'s.
   */
  public static List<String> unitlessDurations(Config config) {
    List<String> problems = new ArrayList<>();
    if (!config.hasPath("swamp")) {
      return problems;
    }
    // not over system properties or the environment, which may hold the very number this
    // looks for (-Dswamp.worker.give-up-after=10, SWAMP_GIVE_UP_AFTER=10)
    Config reference = defaultsAsWritten();
    for (Map.Entry<String, ConfigValue> e : config.getConfig("swamp").entrySet()) {
      if (isDuration(reference, "swamp." + e.getKey()) && isBare(e.getValue())) {
        problems.add(unitless("swamp." + e.getKey(), e.getValue()));
      }
    }
    if (config.hasPath("swamp.master.directory")
        && config.getValue("swamp.master.directory") instanceof ConfigList sources) {
      for (ConfigValue source : sources) {
        if (source instanceof ConfigObject o) {
          for (Map.Entry<String, ConfigValue> f : o.entrySet()) {
            if (isDuration(reference, "swamp.master.scaling." + f.getKey()) && isBare(f.getValue())) {
              problems.add(unitless("the source's " + f.getKey() + " in swamp.master.directory", f.getValue()));
            }
          }
        }
      }
    }
    return problems;
  }

  /**
   * Where a value was set, as a person set it: a file and line, or for the environment the
   * variable ({@code SWAMP_HTTPS=maybe}), which Typesafe Config calls "env variables".
   */
  private static String where(ConfigValue v) {
    String description = v.origin().description();
    if (!description.startsWith("env variables")) {
      return description;
    }
    String value = String.valueOf(v.unwrapped());
    List<String> named = System.getenv().entrySet().stream()
        .filter(e -> e.getKey().startsWith("SWAMP_") && e.getValue().equals(value))
        .map(e -> e.getKey() + "=" + value).sorted().toList();
    return named.isEmpty() ? description : description + " (" + String.join(", ", named) + ")";
  }

  /** The modules' defaults as their reference.conf files write them, over no system property or variable. */
  private static Config defaultsAsWritten() {
    return ConfigFactory.parseResourcesAnySyntax("reference.conf")
        .resolve(com.typesafe.config.ConfigResolveOptions.noSystem());
  }

  private static boolean isDuration(Config reference, String path) {
    if (!reference.hasPath(path) || reference.getValue(path).valueType() != ConfigValueType.STRING) {
      return false;
    }
    try {
      reference.getDuration(path);
      return true;
    } catch (ConfigException e) {
      return false;
    }
  }

  private static boolean isBare(ConfigValue v) {
    return String.valueOf(v.unwrapped()).strip().matches("-?[0-9]+(\\.[0-9]+)?");
  }

  private static String unitless(String what, ConfigValue v) {
    String n = String.valueOf(v.unwrapped()).strip();
    return what + " = " + n + " (" + where(v) + ") needs its unit, as " + n + "s or "
        + n + "m: a bare number would be read as milliseconds";
  }

  private static String closest(Config reference, String path) {
    return closest(path, reference.getConfig("swamp").entrySet().stream()
        .map(e -> "swamp." + e.getKey()).toList());
  }

  /** The name among {@code names} within three letters of {@code typo}, the nearest; else null. */
  public static String closest(String typo, java.util.Collection<String> names) {
    String best = null;
    int bestDistance = 4;
    for (String candidate : names) {
      int d = distance(candidate, typo);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
