package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** bin/swamp as a person uses it, against a master found through SWAMP_URL. */
@ExtendWith(PoolExtension.class)
class CliIT {

  static final Duration CLI = Duration.ofSeconds(90);

  @Test
  void submitWaitAndRunAScript(Pool pool) {
    Master master = pool.master("--local-slots", "4");

    // three client commands at once, as three people would
    Node hello = pool.swamp(master, pool.logDir(), "submit", "--wait", "--", "echo", "hello");
    Node fails = pool.swamp(master, pool.logDir(), "submit", "--wait", "--", "false");
    Node script = pool.swamp(master, Pool.home(), "run", "examples/hello.swamp");

    assertEquals(0, hello.awaitExit(CLI), "bin/swamp submit --wait -- echo hello\n" + hello.tail(20));
    assertEquals("hello", hello.output().strip(), "it prints the job's output\n" + hello.tail(20));

    assertEquals(1, fails.awaitExit(CLI), "bin/swamp submit --wait -- false\n" + fails.tail(20));

    // a wait bound without a wait, or a negative one, is a usage error that submits nothing
    Node unbound = pool.swamp(master, pool.logDir(), "submit", "--wait-timeout", "5s", "--", "echo", "x");
    Node negative = pool.swamp(master, pool.logDir(), "submit", "--wait", "--wait-timeout", "-1s", "--", "echo", "x");
    assertEquals(2, unbound.awaitExit(CLI), unbound.tail(20));
    assertTrue(unbound.errors().contains("--wait-timeout bounds --wait"), unbound.tail(20));
    assertEquals(2, negative.awaitExit(CLI), negative.tail(20));
    assertTrue(negative.errors().contains("'-1s' is negative"), negative.tail(20));

    assertEquals(0, script.awaitExit(CLI), "bin/swamp run examples/hello.swamp\n" + script.tail(40));
    String out = script.output();
    assertTrue(out.contains("hello from swamp"), "the script's first line ran:\n" + out);
    assertTrue(out.contains("quoted words stay together: one   argument two three"),
        "quoted words stay together:\n" + out);
    assertTrue(script.errors().contains("7 command(s): 7 succeeded, 0 failed, 0 not run"),
        "the summary, on standard error:\n" + script.errors());
    assertTrue(!out.contains("SUCCEEDED") && out.indexOf("hello from swamp") < out.indexOf("quoted words"),
        "standard output holds what the commands print, in the script's order, as under bash:\n" + out);
  }
}
