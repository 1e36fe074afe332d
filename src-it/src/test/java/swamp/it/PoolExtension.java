package swamp.it;

import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test method its {@link Pool} parameter and, after the test, prints the tail of every
 * process's output when the test failed and kills whatever still runs. A {@code @BeforeAll}
 * method's {@link Pool} parameter is the class's: one pool its tests share (a master and workers
 * started once for tests that do not disturb each other), printed when one of them fails and
 * ended after the last.
 */
public final class PoolExtension implements ParameterResolver, AfterEachCallback, AfterAllCallback {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PoolExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
    return p.getParameter().getType() == Pool.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) {
    String className = c.getRequiredTestClass().getSimpleName();
    if (c.getTestMethod().isEmpty()) {
      return c.getStore(NS).getOrComputeIfAbsent("class-pool", k -> new Pool(className), Pool.class);
    }
    return c.getStore(NS).getOrComputeIfAbsent("pool", k -> new Pool(
        className + "." + c.getRequiredTestMethod().getName()), Pool.class);
  }

  @Override
  public void afterEach(ExtensionContext c) {
    Pool pool = c.getStore(NS).remove("pool", Pool.class);
    try {
      if (c.getExecutionException().isPresent()) {
        for (Pool p : new Pool[] {pool, classPool(c).orElse(null)}) {
          if (p != null) {
            System.err.println("==== " + c.getDisplayName() + " failed; the processes it started"
                + " (whole logs in " + p.logDir() + "):\n" + p.tails(60));
          }
        }
      }
    } finally {
      if (pool != null) {
        pool.close();
      }
    }
  }

  @Override
  public void afterAll(ExtensionContext c) {
    Pool pool = c.getStore(NS).remove("class-pool", Pool.class);
    if (pool != null) {
      pool.close();
    }
  }

  private static Optional<Pool> classPool(ExtensionContext c) {
    return c.getParent().map(parent -> parent.getStore(NS).get("class-pool", Pool.class));
  }
}
