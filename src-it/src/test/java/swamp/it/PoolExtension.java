package swamp.it;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test method its {@link Pool} parameter and, after the test, prints the tail of every
 * process's output when the test failed and kills whatever still runs.
 */
public final class PoolExtension implements ParameterResolver, AfterEachCallback {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PoolExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    return p.getParameter().getType() == Pool.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    return c.getStore(NS).getOrComputeIfAbsent("pool", k -> new Pool(
        c.getRequiredTestClass().getSimpleName() + "." + c.getRequiredTestMethod().getName()),
        Pool.class);
  }

  @Override
  public void afterEach(ExtensionContext c) {
    Pool pool = c.getStore(NS).remove("pool", Pool.class);
    if (pool == null) {
      return;
    }
    try {
      if (c.getExecutionException().isPresent()) {
        System.err.println("==== " + c.getDisplayName() + " failed; the processes it started"
            + " (whole logs in " + pool.logDir() + "):\n" + pool.tails(60));
      }
    } finally {
      pool.close();
    }
  }
}
