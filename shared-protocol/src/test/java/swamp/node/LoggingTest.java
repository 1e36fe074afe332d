package swamp.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoggingTest {

  @AfterEach
  void clear() {
    System.clearProperty("SWAMP_LOG_LEVEL");
    System.clearProperty("SWAMP_PEKKO_LOG_LEVEL");
  }

  @Test
  void aNodeLogsToStandardErrorAtInfoAndPekkoAtWarn() {
    LoggerContext context = new LoggerContext();
    Logging.setUp(context);

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertEquals(Level.INFO, root.getLevel());
    assertEquals(Level.WARN, context.getLogger("org.apache.pekko.cluster").getEffectiveLevel());
    assertEquals(Level.ERROR,
        context.getLogger("org.apache.pekko.stream.Materializer").getEffectiveLevel());
    ConsoleAppender<ILoggingEvent> stderr = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
    assertEquals("System.err", stderr.getTarget());
    assertEquals(Logging.PATTERN, ((PatternLayoutEncoder) stderr.getEncoder()).getPattern());
    assertTrue(stderr.isStarted());
  }

  @Test
  void theLevelsComeFromTheirVariablesAndABadOneIsNamed() {
    System.setProperty("SWAMP_LOG_LEVEL", "debug");
    System.setProperty("SWAMP_PEKKO_LOG_LEVEL", "LOUD");
    LoggerContext context = new LoggerContext();

    List<String> problems = Logging.setUp(context);

    assertEquals(Level.DEBUG, context.getLogger("swamp.master").getEffectiveLevel());
    assertEquals(Level.WARN, context.getLogger("org.apache.pekko").getLevel());
    assertEquals(List.of("SWAMP_PEKKO_LOG_LEVEL=LOUD is not a log level (TRACE, DEBUG, INFO, WARN,"
        + " ERROR, OFF); logging at WARN"), problems);
  }

  @Test
  void aLogbackTestXmlOnTheClassPathIsLeftToLogback() {
    // this module's tests have one, as a user's -Dlogback.configurationFile would be
    assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, new Logging().configure(new LoggerContext()));
  }
}
