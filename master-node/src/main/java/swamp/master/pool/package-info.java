/**
 * The master grows and shrinks its own pool: the worker directory
 * ({@code swamp.master.directory}, read by {@link swamp.master.pool.PoolSettings}), the
 * {@link swamp.master.pool.PoolScaler} actor that the MasterActor starts when the directory is
 * not empty, its pure {@link swamp.master.pool.ScalingPolicy}, and the launchers that start,
 * cancel and watch workers as local processes, Slurm or Grid Engine jobs, or through command
 * templates.
 *
 * <p>Depends on {@code swamp.master} (the dispatcher's demand query, the registry's dismissals)
 * and on worker-node (the process dispatcher, the worker's address parsing); only
 * {@code swamp.master}'s MasterActor, HttpApi, Views and MasterMain use it.
 */
package swamp.master.pool;
