/**
 * {@code bin/swamp bench [--quick]}: the benchmarks that keep swamp honest. {@link
 * swamp.master.bench.Bench} runs every measure of issue 5 and prints one table: median, min and
 * max over repetitions, the goal, and the peers (xargs, Dask when it is installed) measured in the
 * same run.
 *
 * <p>The in-JVM measures ({@link swamp.master.bench.InJvm}) drive the real master actors with
 * simulated workers ({@link swamp.master.bench.SimWorker}) in a child JVM of their own, so that
 * each starts from a clean heap; the process measures ({@link swamp.master.bench.Pool}) start
 * master and worker JVMs from the built jars and talk to them over HTTP, as a user would.
 *
 * <p>Nothing in swamp depends on this package; it depends on the public face of {@code
 * swamp.master} and on the wire protocol, never on the master's internals.
 */
package swamp.master.bench;
