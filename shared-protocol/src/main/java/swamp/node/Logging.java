package swamp.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * How every swamp JVM logs, set up in code: to standard error (standard output stays the
 * program's answer), one line per event, at the level {@code SWAMP_LOG_LEVEL} names (default
 * INFO) and Pekko's own at {@code SWAMP_PEKKO_LOG_LEVEL} (default WARN). Each is read as a system
 * property first, then from the environment.
 *
 * <p>Logback finds this class as a service ({@code META-INF/services}) before it looks for a
 * {@code logback.xml}. It replaces one because parsing the XML cost about 0.15 s of CPU at every
 * JVM start (8 starts that log a line: 3.9 s with the XML, 2.7 s so, without an application
 * class-data archive; with one, the difference is lost in a node's start). It steps aside
 * for a {@code -Dlogback.configurationFile=...} or a {@code logback-test.xml} on the class path,
 * which logback then reads as usual.
 */
public final class Logging extends ContextAwareBase implements Configurator {

  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || Logging.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    // nothing can be logged while logback configures itself: a bad level is said on stderr
    for (String problem : setUp(context)) {
      System.err.println("swamp: " + problem);
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * Configures {@code context} as the class comment says; returns what was wrong with the level
   * variables (each then left at its default).
   */
  static List<String> setUp(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(stderr);
    String rootLevel = setLevel(root, "SWAMP_LOG_LEVEL", Level.INFO);
    String pekkoLevel = setLevel(context.getLogger("org.apache.pekko"), "SWAMP_PEKKO_LOG_LEVEL",
        Level.WARN);
    // a node that leaves sees its peers close their connections: expected, not a warning
    context.getLogger("org.apache.pekko.stream.Materializer").setLevel(Level.ERROR);
    // a port the API cannot bind: the master says so in a line of its own, without the trace
    context.getLogger("org.apache.pekko.io.TcpListener").setLevel(Level.OFF);
    return Stream.of(rootLevel, pekkoLevel).filter(Objects::nonNull).toList();
  }

  /** Sets the level {@code variable} names; returns what was wrong with it, or null. */
  private static String setLevel(Logger logger, String variable, Level fallback) {
    String value = System.getProperty(variable);
    if (value == null) {
      value = System.getenv(variable);
    }
    Level level = value == null || value.isBlank() ? fallback : Level.toLevel(value.trim(), null);
    logger.setLevel(level == null ? fallback : level);
    return level == null ? variable + "=" + value + " is not a log level (TRACE, DEBUG, INFO, WARN,"
        + " ERROR, OFF); logging at " + fallback : null;
  }
}
