/**
 * Integration tests with real processes: masters and workers started from the built jars
 * ({@code master-node/target}, {@code worker-node/target}), {@code bin/swamp} as a person runs it.
 *
 * <p>Run by maven-failsafe in the {@code integration-test} phase, after the other modules are
 * packaged: {@code mvn -B verify} from the root runs everything; {@code mvn -o verify -pl src-it}
 * (after {@code mvn -o -DskipTests install}) runs only these, {@code -Dit.test=PoolIT} one class.
 * Each test gets a {@link swamp.it.Pool} through {@link swamp.it.PoolExtension}: free ports, the
 * secret in the environment only, output in {@code src-it/target/it-logs/<Class>.<method>/} (its
 * tail printed when the test fails), every process killed after the test. Tests wait on conditions
 * with deadlines ({@link swamp.it.Await}), never on sleeps.
 */
package swamp.it;
