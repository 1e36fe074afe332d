/**
 * The master grows and shrinks its own pool: the worker directory
 * ({@code swamp.master.directory}, read by {@link swamp.master.pool.PoolSettings}), the
 * {@link swamp.master.pool.PoolScaler} actor that the MasterActor starts when the directory is
 * not empty, its pure cores ({@link swamp.master.pool.SpawnBook}: the spawns and sources;
 * {@link swamp.master.pool.ScalingPolicy}: the decisions), {@link swamp.master.pool.Launches}
 * and the launchers that start, cancel and watch workers as local processes, Slurm or Grid Engine
 * jobs, or through command templates, and {@link swamp.master.pool.DirectoryView}, what the API
 * shows of it.
 *
 * <p>Depends on {@code dispatch} (the demand it watches), {@code membership} (the events it
 * follows, dismissals) and {@code swamp.node} (the grid dispatcher, node addresses);
 * {@code swamp.master} (MasterActor, MasterMain, MasterNode) and {@code api} use it.
 */
package swamp.master.pool;
